"""D2L Brightspace grades import (Grades > Enter Grades > Import), following D2L's "Importing grades" help page.

Identifier columns ``OrgDefinedId`` and/or ``Username`` (a row needs at least one), then
``<item> Points Grade <Numeric MaxPoints:N>`` and a last column ``End-of-Line Indicator`` holding ``#``.
IDs are written with a ``#`` prefix as Brightspace's own export writes them (keeps leading zeros). No names or
emails: D2L says not to import them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from autograder.export.matching import find_column
from autograder.export.rows import Export, Scored, describe, points
from autograder.export.tables import Table, encode_rows

END_OF_LINE = "End-of-Line Indicator"
_GRADE_COLUMN = re.compile(r"^(.*?)\s+Points Grade(?:\s*<[^>]*>)?\s*$")


def _title(cell: str) -> str | None:
    """'Lab 3 Points Grade <Numeric MaxPoints:10 Category:Labs>' -> 'Lab 3'; ``None`` for other columns."""
    match = _GRADE_COLUMN.match(cell)
    return match.group(1) if match else None


def _hash(value: str | None) -> str:
    return f"#{value.lstrip('#')}" if value else ""


def grade_header(assignment: str, max_score: float, roster: Table | None) -> str:
    """The roster's exact header for the item when given (so it matches), else one that creates the item."""
    if roster is not None:
        return roster.rows[0][find_column(roster.rows[0], assignment, _title, "Brightspace")]
    return f"{assignment} Points Grade <Numeric MaxPoints:{points(max_score)}>"


def render(scored: Sequence[Scored], *, assignment: str, max_score: float, roster: Table | None) -> Export:
    """One row per identifiable student (none for a missing submission when ``roster`` names an existing item,
    so that a grade entered by hand is never cleared); an identifier column no row has a value for is left out."""
    notices: list[str] = []
    kept = []
    for item in scored:
        if item.missing and roster is not None:
            continue
        org_id, username = item.row.lms_id or item.row.sis_id, item.row.username
        if org_id or username:
            kept.append((org_id, username, item))
        else:
            notices.append(f"{describe(item.row)} has neither OrgDefinedId nor Username: left out.")
    use_org = any(org for org, _, _ in kept) or not kept
    use_user = any(user for _, user, _ in kept)
    header = ["OrgDefinedId"] * use_org + ["Username"] * use_user
    rows = [[*header, grade_header(assignment, max_score, roster), END_OF_LINE]]
    for org_id, username, item in kept:
        ids = [_hash(org_id)] * use_org + [_hash(username)] * use_user
        rows.append([*ids, points(item.final), "#"])
    return Export(encode_rows(rows), tuple(notices), len(kept))
