"""Walk what an instructor downloaded (files, folders, zips, LMS bulk downloads) and name each file found.

The walker asks the naming schemes it is given (the registry ``autograder.intake.lms.SCHEMES``) what each file
is. Archives are extracted through :mod:`autograder.intake.archive` into the folders of an
:class:`~autograder.intake.workspace.Extraction`, never writing outside them.

Who a file belongs to comes only from how the instructor's download names it (the LMS's name for the upload, or,
for plain files, the file's own name in the instructor's folders), later matched to the roster; names inside what a
student handed in are content, never identity. So only the instructor's archives are opened:

- a zip named on the command line, when it is an LMS download, a zip of zips (of downloads), or a zip of several
  students' notebooks (a class zipped by the instructor, whose files are then named as plain files are);
- inside a zip of zips, the LMS downloads; nothing nests deeper.

Every other zip is one submission, whatever it holds: a zip an LMS names (in a download, or given alone with the
name an LMS gives uploads), a zip in a student's folder or anywhere inside an LMS download, a zip found by walking a
folder (one that looks like a download gets a warning: name it on the command line to open it), and a zip whose
notebooks all belong to one student (``alice/lab.ipynb`` and ``alice/lab_2099....ipynb``). Such a zip is the
submission of the student its own name gives, and grading records an error for that student alone unless it holds
exactly one notebook (a ``grader.export()`` zip). One student's upload thus adds one submission: theirs.

What stays trusted is the instructor's choice of what to name on the command line: a student's zip named there
that looks like a download or a class is opened as one.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from autograder.intake import archive
from autograder.intake.errors import IntakeError
from autograder.intake.notebook import student_name
from autograder.intake.scheme import Listing, LmsScheme, Namer
from autograder.intake.workspace import Extraction
from autograder.model import Candidate, Source

log = logging.getLogger(__name__)

GRADABLE_SUFFIXES = (".ipynb", ".zip")


class Place(Enum):
    """Where the walker is, which decides the zips it may open there."""

    GIVEN = "a file named on the command line: it may be an LMS download, a zip of zips or a class's zip"
    FOLDER = "in a folder the instructor named, or in a class's zip: every zip is a submission"
    CONTAINER = "in a zip of zips: a zip may be an LMS download"
    UPLOADS = "in an LMS download: every file is a student's upload"


class Kind(Enum):
    """What an opened archive is, as the place its files are in."""

    DOWNLOAD = Place.UPLOADS
    CONTAINER = Place.CONTAINER
    CLASS = Place.FOLDER


def scan(paths: Sequence[Path], extraction: Extraction, lab: str, schemes: Sequence[LmsScheme]) -> list[Candidate]:
    """Every submission in ``paths`` as ``schemes`` name them, in a stable order; raises IntakeError for a missing
    path or a corrupt zip given."""
    scanner = _Scanner(extraction, lab, schemes)
    for path in paths:
        scanner.add(Path(path))
    return sorted((extraction.named(cand) for cand in scanner.found.values()), key=_order)


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
    """State of one scan: what was found, what each folder's names say, the archives opened."""

    def __init__(self, extraction: Extraction, lab: str, schemes: Sequence[LmsScheme]) -> None:
        self.extraction = extraction
        self.lab = lab
        self.schemes = tuple(schemes)
        self.found: dict[Path, Candidate] = {}
        self.folders: dict[Path, dict[Source, Any]] = {}
        self.opened: set[Path] = set()

    def add(self, path: Path) -> None:
        """A path the instructor named: a file, an archive or a folder."""
        if not path.exists():
            raise IntakeError(f"{path}: no such file or folder")
        if path.is_dir():
            self.walk(path, self.enclosing(path), Place.FOLDER)
        else:
            self.add_file(path, self.enclosing(path.parent), Place.GIVEN)

    def walk(self, directory: Path, owner: Namer | None, place: Place) -> None:
        """Add the files under ``directory``; ``owner`` names them when they are inside one student's folder."""
        for entry in _entries(directory):
            if archive.is_junk(entry.name) or entry.resolve() == self.extraction.root:
                continue
            if entry.is_dir() and not entry.is_symlink():
                self.walk(entry, self.owner(entry.name) or owner, place)
            elif entry.is_file():
                self.add_file(entry, owner, place)

    def add_file(self, path: Path, owner: Namer | None, place: Place) -> None:
        cand = self.identify(path, owner)
        if cand is None:
            return
        if not (self.may_open(cand, place) and self.expand(path, place)):
            self.found.setdefault(path.resolve(), cand)

    def may_open(self, cand: Candidate, place: Place) -> bool:
        """Whether ``cand`` may be an archive of submissions: a zip no LMS names, outside any LMS download."""
        if cand.source != Source.FILE or cand.path.suffix.lower() != ".zip" or place is Place.UPLOADS:
            return False
        return not any(scheme.names_upload(cand.original_name) for scheme in self.schemes)

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

    def expand(self, path: Path, place: Place) -> bool:
        """Extract and walk ``path`` when, found in ``place``, it is an archive of submissions to open."""
        if path.resolve() in self.opened:
            return True
        try:
            kind = self.kind(archive.member_paths(path), _nfc(path.stem), place)
            if kind is None:
                return False
            self.opened.add(path.resolve())
            dest = self.extraction.folder_for(path)
            archive.extract(path, dest, self.extraction.budget)
        except IntakeError as exc:
            if place is Place.GIVEN:
                raise
            log.warning("%s; kept as one submission", exc)
            return False
        self.walk(dest, None, kind.value)
        return True

    def kind(self, names: list[str], stem: str, place: Place) -> Kind | None:
        """What a zip holding ``names`` is, if it is one to open in ``place``; None for one submission."""
        paths = [_nfc(n) for n in names]
        download = any(scheme.is_download(paths, stem) for scheme in self.schemes)
        if place is Place.FOLDER:
            if download:
                log.warning("%s.zip looks like an LMS download, but a zip found in a folder is one submission: "
                            "name it on the command line to open it", stem)
            return None
        if download:
            return Kind.DOWNLOAD
        if place is not Place.GIVEN:
            return None
        notebooks = [p for p in paths if p.lower().endswith(".ipynb")]
        if not notebooks and any(p.lower().endswith(".zip") for p in paths):
            return Kind.CONTAINER
        students = {student_name(Path(stem, p), self.lab) for p in notebooks}
        return Kind.CLASS if len(students) >= 2 else None


def _entries(directory: Path) -> list[Path]:
    try:
        return sorted(directory.iterdir())
    except OSError as exc:
        raise IntakeError(f"{directory}: cannot list the folder ({exc.strerror or exc})") from exc
