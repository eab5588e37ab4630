"""Blackboard Learn Grade Center upload (Work Offline > Upload), in the shape of Grade Center's own download.

Students are matched by Username (required in every row); an existing column only by its ``|columnId`` suffix,
which only a Grade Center download has: pass that download as the roster to fill the existing column.
The file is tab-separated, every field quoted, UTF-16 little-endian with a BOM, as Grade Center's tab-delimited
``.xls`` download is (see docs/lms-formats.md for what is and is not confirmed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from autograder.export.matching import find_column
from autograder.export.rows import Export, Scored, describe, points, split_name
from autograder.export.tables import Table, encode_rows

HEADER = ("Last Name", "First Name", "Username")
_COLUMN = re.compile(r"^(.*?)\s*(?:\[Total Pts:[^\]]*\])?\s*\|\s*(\d+)\s*$")


def _title(cell: str) -> str | None:
    """A Grade Center column's title ('Lab 3 [Total Pts: 10 Score] |664617' -> 'Lab 3'); ``None`` if no id."""
    match = _COLUMN.match(cell)
    return match.group(1) if match else None


def render(scored: Sequence[Scored], *, assignment: str, max_score: float, roster: Table | None) -> Export:
    """One row per student with a Username; no submission is an empty cell, or no row when filling an existing
    column (``roster`` given), so that a grade entered by hand is never cleared."""
    notices: list[str] = []
    if roster is not None:
        column = roster.rows[0][find_column(roster.rows[0], assignment, _title, "Blackboard")]
    else:
        column = assignment
        notices.append(
            f"Blackboard will add {assignment!r} as a NEW text column with 0 points possible: to fill an existing "
            "column, download the Full Grade Center (Work Offline > Download) and pass it as --roster."
        )
    rows = [[*HEADER, column]]
    for item in scored:
        username = item.row.username or item.row.lms_id
        if item.missing and roster is not None:
            continue
        if not username:
            notices.append(f"{describe(item.row)} has no Blackboard username: left out (the upload needs one).")
            continue
        first, last = split_name(item.row.name)
        rows.append([last, first, username, points(item.final)])
    content = encode_rows(rows, delimiter="\t", encoding="utf-16", quote_all=True)
    return Export(content, tuple(notices), len(rows) - 1)
