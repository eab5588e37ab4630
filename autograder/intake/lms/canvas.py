"""Canvas's names: ``{sortable name squashed}_[LATE_]{user id}_{attachment id}_{original}``, or
``[LATE_]anon_{id}_...`` when grading is anonymous, and ``..._{text|link}.html`` for text and link entries.

A name alone can mislead (``lab_3_2024_final.ipynb`` fits the pattern), so the pattern only counts in a folder or
zip that looks like a Canvas download as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from autograder.intake.scheme import Listing, LmsScheme, base_names
from autograder.model import Candidate, Source

_TAIL = r"_(?:(?P<att>\d+)_(?P<orig>.+)|(?P<kind>text|link)\.html)$"
_NAMED = re.compile(r"^(?P<slug>\w*?)_(?P<late>LATE_)?(?P<uid>\d+)" + _TAIL, re.S)
_ANON = re.compile(r"^(?P<late>LATE_)?(?P<uid>anon_[A-Za-z0-9]+)" + _TAIL, re.S)


def identify(path: Path, name: str, in_download: bool) -> Candidate | None:
    """A Canvas name in a folder that looks like a Canvas download, or one unmistakable wherever it lies.

    The same upload must be the same student in a download and alone in a folder (regrading one student must not
    create another), so a name with Canvas's own ids (at least three digits each) or its ``LATE_``/``anon_``
    marks is read as Canvas's anywhere; a name like ``lab_3_2024_final.ipynb`` only inside a download.
    """
    match = _match(name)
    if match is None or not (in_download or _unmistakable(match)):
        return None
    return _candidate(path, match)


def _unmistakable(match: re.Match[str]) -> bool:
    if match["late"] or match["uid"].startswith("anon_") or match["kind"]:
        return True
    return len(match["uid"]) >= MIN_ID_DIGITS and len(match["att"] or "") >= MIN_ID_DIGITS


MIN_ID_DIGITS = 3
"""Canvas's user and attachment ids; shorter numbers in a name are more likely a student's own numbering."""


def read_folder(listing: Listing) -> bool:
    """Whether the folder is a Canvas download."""
    return _is_group(listing.handed_in, listing.directory.name)


def is_download(paths: Sequence[str], group: str) -> bool:
    """Whether a zip called ``group`` holding ``paths`` is a Canvas download."""
    return _is_group(base_names(paths), group)


def names_upload(name: str) -> bool:
    """Whether ``name`` has the shape of a Canvas upload's name, wherever it lies."""
    return _match(name) is not None


def _match(name: str) -> re.Match[str] | None:
    match = _ANON.match(name) or _NAMED.match(name)
    slug = match.groupdict().get("slug") if match else None
    if match and slug and slug != slug.lower():
        return None  # Canvas lowercases the sortable name
    return match


def _is_group(names: Sequence[str], group: str) -> bool:
    """Whether files named ``names``, in a folder or zip called ``group``, are a Canvas download."""
    matches = [m for n in names if (m := _match(n))]
    if not matches or 2 * len(matches) < len(names):
        return False
    flagged = any(m["late"] or m["uid"].startswith("anon_") for m in matches)
    return flagged or len({m["uid"] for m in matches}) >= 2 or group.lower().endswith("submissions")


def _candidate(path: Path, match: re.Match[str]) -> Candidate:
    att = match["att"]
    return Candidate(
        path=path,
        student=match["uid"],
        display_name=match.groupdict().get("slug") or None,
        submitted_at=None,
        late=bool(match["late"]),
        source=Source.CANVAS,
        original_name=match["orig"] or f"{match['kind']}.html",
        attempt=att.zfill(20) if att else "",
    )


SCHEME = LmsScheme(
    source=Source.CANVAS,
    export_module="canvas",
    roster_keys=(("lms_id", "student"), ("slug", "display_name")),
    identify=identify,
    read_folder=read_folder,
    is_download=is_download,
    names_upload=names_upload,
)
