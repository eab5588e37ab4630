"""Moodle's names: a folder ``{Full Name}_{participant id}_assignsubmission_{plugin}/`` per student and plugin,
holding the files as uploaded, or, in a download without folders, ``..._assignsubmission_file_{original}``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from autograder.intake.scheme import Listing, LmsScheme, Namer
from autograder.model import Candidate, Source

_NAME = re.compile(r"^(?P<name>[^_]*)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z]+)(?:_(?P<orig>.+))?$", re.S)


def identify(path: Path, name: str, _folder: Listing) -> Candidate | None:
    """A flat name, ``{Full Name}_{participant id}_assignsubmission_file_{original}``."""
    match = _NAME.match(name)
    return _candidate(path, match["orig"], match) if match and match["orig"] else None


def submission_folder(name: str) -> Namer | None:
    """How to name the files of a student's submission folder; None when ``name`` is no such folder."""
    match = _NAME.match(unicodedata.normalize("NFC", name))
    return partial(_candidate, match=match) if match and match["orig"] is None else None


def is_download(paths: Sequence[str], _group: str) -> bool:
    """Any entry or folder on the way to it named the Moodle way."""
    return any(_NAME.match(part) for path in paths for part in path.split("/"))


def names_upload(name: str) -> bool:
    """Whether ``name`` is a flat ``..._assignsubmission_file_{original}`` name."""
    match = _NAME.match(name)
    return bool(match and match["orig"])


def _candidate(path: Path, original: str, match: re.Match[str]) -> Candidate:
    name = match["name"].strip()
    anonymous = name.casefold() in ("", "participant")  # blind marking names everyone "Participant"
    return Candidate(path, match["pid"], None if anonymous else name, None, None, Source.MOODLE, original, "")


SCHEME = LmsScheme(
    source=Source.MOODLE,
    export_module="moodle",
    roster_keys=(("lms_id", "student"), ("name", "display_name")),
    identify=identify,
    is_download=is_download,
    submission_folder=submission_folder,
    names_upload=names_upload,
)
