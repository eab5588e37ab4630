"""What a naming scheme is: how the download walker asks one LMS about a file, and how the roster then matches it.

The schemes themselves, one module per LMS, and their registry are in :mod:`autograder.intake.lms`; the walker
(:mod:`autograder.intake.discover`) knows only this interface, so it never depends on a particular LMS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from autograder.model import Candidate, Source

Namer = Callable[[Path, str], Candidate]
"""Names any file ``(path, NFC file name)`` inside a folder that is one student's submission (Moodle's)."""

RosterColumn = Literal["lms_id", "sis_id", "username", "local", "name", "slug"]
"""A roster index: an identity column, the local part of the email, the name's words, Canvas's squashed name."""
CandidateField = Literal["student", "display_name"]
RosterKey = tuple[RosterColumn, CandidateField]
"""Look the candidate's field up in that roster index."""


@dataclass(frozen=True)
class Listing:
    """The files of one folder, read once: one name alone can mislead, the names of a folder together less so."""

    directory: Path
    names: tuple[str, ...]
    """Its files' names, NFC, without junk, sorted."""
    handed_in: tuple[str, ...]
    """The names no scheme ignores: what students handed in, without the receipts an LMS adds."""
    lab: str
    """The lab being handed in, which plain file names may repeat (``lab01-tensors.ipynb`` in a student's folder)."""


def _the_listing(listing: Listing) -> Listing:
    return listing


def _never(*_: object) -> bool:
    return False


def _no_folder(_: str) -> Namer | None:
    return None


@dataclass(frozen=True)
class LmsScheme:
    """One way a download names files: which LMS, how to read its names, how to match them to a roster and export."""

    source: Source
    export_module: str
    """The module of ``autograder/export/`` that writes this LMS's grade import."""
    roster_keys: tuple[RosterKey, ...]
    """The roster lookups a candidate of this scheme gets, most trustworthy first; the first unique match wins."""
    identify: Callable[[Path, str, Any], Candidate | None]
    """``(path, NFC file name, what read_folder gave for its folder)``: the candidate, or None if not this name."""
    read_folder: Callable[[Listing], Any] = _the_listing
    """What a folder's names say together (a Canvas download? Blackboard receipts?); read once per folder."""
    is_download: Callable[[Sequence[str], str], bool] = _never
    """``(a zip's entry paths, NFC, its stem)``: whether the zip is this LMS's download, to expand."""
    ignores: Callable[[str], bool] = _never
    """Files this LMS adds to a download that no student handed in (Blackboard's receipts)."""
    submission_folder: Callable[[str], Namer | None] = _no_folder
    """For a folder name that makes the folder one student's submission, how to name the files inside."""
    names_upload: Callable[[str], bool] = _never
    """Whether a file name is this LMS's name for a student's upload, wherever the file lies (given alone, in a folder
    that does not look like a download): a zip so named is that student's submission, never opened as a download."""


def base_names(paths: Sequence[str]) -> list[str]:
    """The last part of each ``a/b`` path."""
    return [path.rsplit("/", 1)[-1] for path in paths]
