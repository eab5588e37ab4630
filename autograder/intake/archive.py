"""Open zips safely: every path that reads a zip (a download to extract, a ``grader.export()`` zip) goes through here.

An entry is kept only when its path stays inside the archive (no ``..``, no absolute or drive path, no link) and is
not junk an OS or editor leaves behind. Budgets bound the work a zip can cause: entries per archive, bytes per entry,
and bytes extracted in all by one batch (one :class:`Budget`, shared by every archive the batch opens), against zip
bombs. Where the extracted files go, and when they are removed, is :mod:`autograder.intake.workspace`'s business.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autograder.intake.errors import IntakeError

log = logging.getLogger(__name__)

MAX_MEMBERS = 20_000
"""Entries one archive may hold."""
MAX_MEMBER_BYTES = 512 * 2**20
"""Larger entries are skipped (with a warning): no notebook is that large."""
MAX_EXTRACTED_BYTES = 4 * 2**30
"""Bytes one batch (one ``discover`` call) may extract in all, against zip bombs: the default of ``Budget.limit``."""

JUNK_FILES = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"})
JUNK_DIRS = frozenset({"__macosx", ".ipynb_checkpoints", "__pycache__"})


@dataclass(frozen=True)
class Member:
    """A file entry safe to extract: its zip info and its path as relative parts."""

    info: zipfile.ZipInfo
    parts: tuple[str, ...]

    @property
    def path(self) -> str:
        """The entry's path as ``a/b``."""
        return "/".join(self.parts)


@dataclass
class Budget:
    """The bytes one batch may extract in all, and those extracted so far, shared by every archive it opens."""

    limit: int = field(default_factory=lambda: MAX_EXTRACTED_BYTES)
    extracted: int = 0


def is_junk(name: str) -> bool:
    """OS and editor litter, hidden files, and folders such as ``__MACOSX`` that never hold a submission."""
    lowered = name.lower()
    return lowered in JUNK_FILES or lowered in JUNK_DIRS or name.startswith((".", "~$"))


def is_zip(data: bytes) -> bool:
    """Whether a file's content is a zip."""
    return zipfile.is_zipfile(io.BytesIO(data))


@contextmanager
def open_zip(path: Path, data: bytes | None = None) -> Iterator[zipfile.ZipFile]:
    """The zip at ``path`` (or its content ``data``, read already); whatever a broken zip raises is an IntakeError."""
    try:
        with zipfile.ZipFile(path if data is None else io.BytesIO(data)) as archive:
            yield archive
    except IntakeError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, RuntimeError, EOFError, ValueError,
            NotImplementedError) as exc:  # fmt: skip
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise IntakeError(f"{path.name}: unreadable zip ({reason})") from exc


def members(path: Path, archive: zipfile.ZipFile) -> list[Member]:
    """The safe, non-junk file entries of an open zip; raises IntakeError past ``MAX_MEMBERS`` entries."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise IntakeError(f"{path.name}: more than {MAX_MEMBERS} entries")
    return _kept(path, infos)


def member_paths(path: Path) -> list[str]:
    """The safe, non-junk file entries of the zip at ``path``, as ``a/b`` paths, to judge what the zip is."""
    with open_zip(path) as archive:
        return [member.path for member in _kept(path, archive.infolist())]


def extract(path: Path, dest: Path, budget: Budget) -> None:
    """Write the safe entries of the zip at ``path`` into the folder ``dest``, never outside it."""
    with open_zip(path) as archive:
        for member in members(path, archive):
            _extract_member(path, archive, member, dest, budget)


def _extract_member(path: Path, archive: zipfile.ZipFile, member: Member, dest: Path, budget: Budget) -> None:
    name = f"{path.name}: {member.path}"
    size = member.info.file_size
    if size > MAX_MEMBER_BYTES:
        log.warning("%s: larger than %d MiB, skipped", name, MAX_MEMBER_BYTES // 2**20)
        return
    if budget.extracted + size > budget.limit:
        raise IntakeError(f"{name}: the archives hold more than {_size(budget.limit)} in all")
    target = dest.joinpath(*member.parts)
    if not target.resolve().is_relative_to(dest.resolve()) or target.exists():
        log.warning("%s: outside the archive's folder or a duplicate, skipped", name)
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        log.warning("%s: a file and a folder share this name, skipped", name)
        return
    with archive.open(member.info) as src, open(target, "xb") as out:
        while chunk := src.read(1 << 20):
            out.write(chunk)
            budget.extracted += len(chunk)


def _size(count: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


def _kept(path: Path, infos: list[zipfile.ZipInfo]) -> list[Member]:
    return [Member(info, parts) for info in infos if (parts := _safe_parts(path, info)) is not None]


def _member_name(info: zipfile.ZipInfo) -> str:
    """The entry's name, repairing UTF-8 names stored without the UTF-8 flag (read as cp437 by zipfile)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _safe_parts(path: Path, info: zipfile.ZipInfo) -> tuple[str, ...] | None:
    """The entry's path as safe relative parts; None for folders, junk, links and anything escaping the archive."""
    name = _member_name(info)
    parts = tuple(p for p in re.split(r"[/\\]", name) if p not in ("", "."))
    is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
    absolute = name.startswith(("/", "\\")) or bool(parts and re.match(r"^[A-Za-z]:", parts[0]))
    if is_link or absolute or ".." in parts or "\x00" in name:
        log.warning("%s: unsafe entry %r skipped", path.name, name)
        return None
    if info.is_dir() or not parts or any(is_junk(p) for p in parts):
        return None
    return parts
