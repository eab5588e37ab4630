"""Where archives are extracted: a folder per archive, and per batch a workspace that is removed when the batch ends.

An :class:`Extraction` hands out one new folder per archive, named after it (a download's folder name can tell the
LMS), and holds the one byte :class:`~autograder.intake.archive.Budget` every archive of the scan draws on.

A batch (``batch.grade_class``) extracts into a :class:`Workspace`, ``<parent>/<pid>-<token>/`` under one known
parent (:data:`WORKSPACE_DIR` beside the gradebook), removed when the batch ends, however it ends. A batch killed
with ``kill -9`` cannot remove its folder, so every batch first sweeps the parent: it removes each workspace whose
pid no longer runs, or is this process's own pid without being one of its open workspaces (a container restarting
the grader gives it the same pid again). A pid reused by an unrelated process keeps its folder until that one ends.

In a workspace, a file found in an archive is named ``download.zip!member`` (``outer.zip!inner.zip!member`` one
level down): that is the path the gradebook keeps, since the extracted file is gone once the batch ends. While the
workspace is open, :func:`resolve` gives the extracted file behind such a name; ``receive`` reads through it.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from itertools import count
from pathlib import Path

from autograder.intake.archive import Budget
from autograder.model import Candidate
from autograder.pids import running

log = logging.getLogger(__name__)

WORKSPACE_DIR = ".autograder-extract"
"""The parent of every batch's workspace, beside the gradebook (hidden, so that no walk of that folder enters it)."""
MEMBER_SEPARATOR = "!"

_WORKSPACE_NAME = re.compile(r"(?P<pid>\d+)-[0-9a-f]+")
_OPEN: list[Workspace] = []
_LOCK = threading.Lock()


class Extraction:
    """Folders under ``root`` to extract archives into, one per archive; what each file extracted stands for."""

    def __init__(self, root: Path, budget: Budget | None = None) -> None:
        self.root = root.resolve()
        self.budget = budget if budget is not None else Budget()
        self.origins: dict[Path, str] = {}
        """Each extraction folder, and the name of the archive extracted into it."""

    def folder_for(self, archive: Path) -> Path:
        """A new folder ``root/<n>/<archive's stem>`` for ``archive``."""
        stem = archive.stem.strip(". ") or "archive"
        dest = next(d for n in count(1) if not (d := self.root / str(n) / stem).exists())
        dest.mkdir(parents=True)
        self.origins[dest] = self.name_of(archive)
        return dest

    def name_of(self, path: Path) -> str:
        """``download.zip!member`` for a file extracted from ``download.zip``, else the path itself."""
        for dest, origin in self.origins.items():
            if path.is_relative_to(dest):
                return f"{origin}{MEMBER_SEPARATOR}{path.relative_to(dest).as_posix()}"
        return str(path)

    def named(self, cand: Candidate) -> Candidate:
        """The candidate as a scan reports it: here, with the path of the extracted file, which the caller keeps."""
        return cand


class Workspace(Extraction):
    """One batch's extraction folder; while open, the extracted file behind each ``download.zip!member`` name."""

    def __init__(self, root: Path, budget: Budget | None = None) -> None:
        super().__init__(root, budget)
        self.files: dict[Path, Path] = {}

    def named(self, cand: Candidate) -> Candidate:
        """The candidate named ``download.zip!member`` when it was extracted, remembered until the batch ends."""
        name = Path(self.name_of(cand.path))
        if name == cand.path:
            return cand
        self.files[name] = cand.path
        return replace(cand, path=name)


def resolve(path: Path) -> Path:
    """The extracted file behind a ``download.zip!member`` name of an open workspace; any other path as it is."""
    for workspace in tuple(_OPEN):
        if (extracted := workspace.files.get(path)) is not None:
            return extracted
    return path


@contextmanager
def batch_workspace(parent: Path, budget: Budget | None = None) -> Iterator[Workspace]:
    """A new workspace under ``parent``, after sweeping what killed batches left there; removed on exit."""
    with _LOCK:
        sweep(parent)
        workspace = Workspace(_new_folder(parent), budget)
        _OPEN.append(workspace)
    try:
        yield workspace
    finally:
        with _LOCK:
            _OPEN.remove(workspace)
            _remove(workspace.root)
            _remove_if_empty(parent)


def sweep(parent: Path) -> list[Path]:
    """Remove the workspaces under ``parent`` whose batch is gone; the folders removed."""
    try:
        entries = sorted(parent.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    stale = [entry for entry in entries if _is_stale(entry)]
    for folder in stale:
        log.info("removing %s, left by a batch that did not finish", folder)
        _remove(folder)
    return stale


def _is_stale(entry: Path) -> bool:
    """A workspace whose process is gone; anything not named as a workspace is never touched."""
    match = _WORKSPACE_NAME.fullmatch(entry.name)
    if match is None or entry.is_symlink() or not entry.is_dir():
        return False
    pid = int(match["pid"])
    if pid == os.getpid():
        return all(workspace.root != entry.resolve() for workspace in _OPEN)
    return not running(pid)


def _new_folder(parent: Path) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    folder = parent / f"{os.getpid()}-{secrets.token_hex(4)}"
    folder.mkdir()
    return folder


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        log.warning("%s could not be removed entirely", folder)


def _remove_if_empty(parent: Path) -> None:
    with suppress(OSError):
        parent.rmdir()
