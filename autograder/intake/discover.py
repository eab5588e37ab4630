"""Walk what an instructor downloaded (files, folders, zips, LMS bulk downloads) and name each file found.

The walker asks the naming schemes it is given (the registry ``autograder.intake.lms.SCHEMES``) what each file
is. A zip is either a download to expand (an LMS's download, a zip of zips, an explicit zip of notebooks) or one
submission such as a ``grader.export()`` zip, which stays whole. Archives are extracted into a work folder through
:mod:`autograder.intake.archive`, never writing outside it, and nest one level at most.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograder.intake import archive
from autograder.intake.errors import IntakeError
from autograder.intake.scheme import Listing, LmsScheme, Namer
from autograder.model import Candidate, Source

log = logging.getLogger(__name__)

MAX_ARCHIVE_DEPTH = 2
"""Archives opened inside one another: the download, and one level of archives inside it."""
GRADABLE_SUFFIXES = (".ipynb", ".zip")


def scan(paths: Sequence[Path], workdir: Path, lab: str, schemes: Sequence[LmsScheme]) -> list[Candidate]:
    """Every submission in ``paths`` as ``schemes`` name them, in a stable order; raises IntakeError for a missing
    path or a corrupt zip given."""
    scanner = _Scanner(workdir, lab, schemes)
    for path in paths:
        scanner.add(Path(path))
    return sorted(scanner.found.values(), key=_order)


def latest_per_student(cands: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    """(counted, superseded): per student, the latest notebook or zip counts; any other file only without one.

    Preferring gradable files keeps a PDF handed in next to the notebook from replacing it.
    """
    groups: dict[str, list[Candidate]] = {}
    for cand in sorted(cands, key=_order):
        groups.setdefault(cand.student, []).append(cand)
    counted, superseded = [], []
    for group in groups.values():
        best = max(group, key=lambda c: (is_gradable(c), c.attempt))
        counted.append(best)
        superseded += [c for c in group if c is not best]
    return sorted(counted, key=_order), sorted(superseded, key=_order)


def is_gradable(cand: Candidate) -> bool:
    """Whether the file can hold a notebook at all (a notebook or a zip)."""
    return cand.path.suffix.lower() in GRADABLE_SUFFIXES


def _order(cand: Candidate) -> tuple:
    return (cand.source, _natural(cand.student), cand.attempt, cand.original_name, str(cand.path))


def _natural(text: str) -> tuple:
    return tuple((0, int(t), "") if t.isascii() and t.isdigit() else (1, 0, t) for t in re.split(r"([0-9]+)", text))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Scanner:
    """State of one scan: what was found, what each folder's names say, bytes extracted, folders made."""

    def __init__(self, workdir: Path, lab: str, schemes: Sequence[LmsScheme]) -> None:
        self.workdir = workdir.resolve()
        self.lab = lab
        self.schemes = tuple(schemes)
        self.found: dict[Path, Candidate] = {}
        self.folders: dict[Path, dict[Source, Any]] = {}
        self.budget = archive.Budget()
        self.dests: set[Path] = set()

    def add(self, path: Path) -> None:
        """A path the instructor named: a file, an archive or a folder."""
        if not path.exists():
            raise IntakeError(f"{path}: no such file or folder")
        if path.is_dir():
            self.walk(path, 0, self.enclosing(path))
        else:
            self.add_file(path, 0, self.enclosing(path.parent), explicit=True)

    def walk(self, directory: Path, depth: int, owner: Namer | None) -> None:
        """Add the files under ``directory``; ``owner`` names them when they are inside one student's folder."""
        for entry in _entries(directory):
            if archive.is_junk(entry.name) or entry.resolve() == self.workdir:
                continue
            if entry.is_dir() and not entry.is_symlink():
                self.walk(entry, depth, self.owner(entry.name) or owner)
            elif entry.is_file():
                self.add_file(entry, depth, owner, explicit=False)

    def add_file(self, path: Path, depth: int, owner: Namer | None, *, explicit: bool) -> None:
        cand = self.identify(path, owner)
        if cand is None:
            return
        if cand.source == Source.FILE and path.suffix.lower() == ".zip" and self.expand(path, depth, explicit=explicit):
            return
        self.found.setdefault(path.resolve(), cand)

    def identify(self, path: Path, owner: Namer | None) -> Candidate | None:
        """What ``path``'s name and folder say about it; None for junk and for files an LMS adds (receipts)."""
        folder = self.folder(path.parent)
        name = _nfc(path.name)
        if archive.is_junk(name) or (owner is None and self.ignored(name)):
            return None
        cand = owner(path, name) if owner is not None else self.name_by_scheme(path, name, folder)
        return None if cand is None or archive.is_junk(cand.original_name) else cand

    def name_by_scheme(self, path: Path, name: str, folder: dict[Source, Any]) -> Candidate | None:
        """The candidate of the first scheme that recognises the name."""
        for scheme in self.schemes:
            cand = scheme.identify(path, name, folder[scheme.source])
            if cand is not None:
                return cand
        return None

    def ignored(self, name: str) -> bool:
        return any(scheme.ignores(name) for scheme in self.schemes)

    def owner(self, folder_name: str) -> Namer | None:
        """How to name the files of a folder that is one student's submission, if it is one."""
        for scheme in self.schemes:
            if (namer := scheme.submission_folder(folder_name)) is not None:
                return namer
        return None

    def enclosing(self, directory: Path) -> Namer | None:
        """The owner of the student's folder ``directory`` is, or is inside of, if any."""
        for folder in (directory, *directory.resolve().parents):
            if (namer := self.owner(folder.name)) is not None:
                return namer
        return None

    def folder(self, directory: Path) -> dict[Source, Any]:
        """What each scheme reads from the names of ``directory``, read once per folder."""
        key = directory.resolve()
        if key not in self.folders:
            listing = self.listing(directory)
            self.folders[key] = {scheme.source: scheme.read_folder(listing) for scheme in self.schemes}
        return self.folders[key]

    def listing(self, directory: Path) -> Listing:
        try:
            names = sorted(_nfc(p.name) for p in directory.iterdir() if p.is_file())
        except OSError:
            names = []
        kept = tuple(n for n in names if not archive.is_junk(n))
        return Listing(directory, kept, tuple(n for n in kept if not self.ignored(n)), self.lab)

    def expand(self, path: Path, depth: int, *, explicit: bool) -> bool:
        """Extract and walk ``path`` when it is an archive of submissions rather than one submission."""
        if depth >= MAX_ARCHIVE_DEPTH:
            return False
        try:
            if not self.is_download(archive.member_paths(path), path.stem, explicit=explicit):
                return False
            dest = self.fresh_dir(path.stem)
            archive.extract(path, dest, self.budget)
        except IntakeError as exc:
            if explicit:
                raise
            log.warning("%s; kept as one submission", exc)
            return False
        self.walk(dest, depth + 1, None)
        return True

    def is_download(self, names: list[str], stem: str, *, explicit: bool) -> bool:
        """Whether a zip is a download to expand, rather than one submission such as a ``grader.export()`` zip."""
        paths = [_nfc(n) for n in names]
        if any(scheme.is_download(paths, stem) for scheme in self.schemes):
            return True
        bases = [p.rsplit("/", 1)[-1].lower() for p in paths]
        notebooks = sum(b.endswith(".ipynb") for b in bases)
        if notebooks == 1:
            return False
        return any(b.endswith(".zip") for b in bases) or (explicit and notebooks >= 2)

    def fresh_dir(self, stem: str) -> Path:
        """A new folder of the work folder to extract an archive into."""
        base = self.workdir / (stem.strip(". ") or "archive")
        dest, n = base, 1
        while dest in self.dests or dest.exists():
            n += 1
            dest = base.with_name(f"{base.name}-{n}")
        dest.mkdir(parents=True)
        self.dests.add(dest)
        return dest


def _entries(directory: Path) -> list[Path]:
    try:
        return sorted(directory.iterdir())
    except OSError as exc:
        raise IntakeError(f"{directory}: cannot list the folder ({exc.strerror or exc})") from exc
