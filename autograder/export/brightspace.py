"""D2L Brightspace grades import (Grades > Enter Grades > Import), following D2L's "Importing grades" help page.

Identifier columns ``OrgDefinedId`` and/or ``Username`` (a row needs at least one), then
``<item> Points Grade <Numeric MaxPoints:N>`` and a last column ``End-of-Line Indicator`` holding ``#``.
IDs are written with a ``#`` prefix as Brightspace's own export writes them (keeps leading zeros). No names or
emails: D2L says not to import them. The import takes no comments (the help lists Points Grade, Grade Symbol,
Text Grade and the adjusted final grade only).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from autograder.export.matching import RowIndex, find_column
from autograder.export.rows import Export, Scored, describe, points, refuse_unidentified
from autograder.export.tables import Table, encode_rows

END_OF_LINE = "End-of-Line Indicator"
ID_COLUMNS = ("OrgDefinedId", "Username")
_GRADE_COLUMN = re.compile(r"^(.*?)\s+Points Grade(?:\s*<[^>]*>)?\s*$")


def _title(cell: str) -> str | None:
    """'Lab 3 Points Grade <Numeric MaxPoints:10 Category:Labs>' -> 'Lab 3'; ``None`` for other columns."""
    match = _GRADE_COLUMN.match(cell)
    return match.group(1) if match else None


def _hash(value: str | None) -> str:
    return f"#{value.lstrip('#')}" if value else ""


def _is_export(header: Sequence[str]) -> bool:
    """Brightspace's grades export: an ``End-of-Line Indicator`` or a ``... Points Grade`` column."""
    return any(cell.strip() == END_OF_LINE or _title(cell.strip()) for cell in header)


def render(scored: Sequence[Scored], *, assignment: str, max_score: float, roster: Table | None) -> Export:
    """Fill the item of a Brightspace grades export, else write a file that creates the item; refused when a student
    has neither an OrgDefinedId (``sis_id``) nor a Username."""
    if roster is not None and _is_export(roster.rows[0]):
        return _fill(scored, assignment, roster)
    lacking = [item.row for item in scored if not (item.row.sis_id or item.row.username)]
    refuse_unidentified("brightspace", lacking, "an OrgDefinedId or Username",
                        "pass --roster with Brightspace's grades export (Grades > Enter Grades > Export, key field "
                        "'Both'), or a class list with student numbers or usernames")
    use_org = any(item.row.sis_id for item in scored) or not scored
    use_user = any(item.row.username for item in scored)
    header = ["OrgDefinedId"] * use_org + ["Username"] * use_user
    rows = [[*header, f"{assignment} Points Grade <Numeric MaxPoints:{points(max_score)}>", END_OF_LINE]]
    for item in scored:
        ids = [_hash(item.row.sis_id)] * use_org + [_hash(item.row.username)] * use_user
        rows.append([*ids, points(item.final), "#"])
    notices = ("the --roster file is not a Brightspace grades export: it served as the class list only.",)
    return Export(encode_rows(rows), notices if roster is not None else (), len(scored))


def _fill(scored: Sequence[Scored], assignment: str, roster: Table) -> Export:
    """Rows of the export's students with a submission: their ids as exported, the item's exact header (so it
    matches), our score; students without a submission get no row, so a grade entered in Brightspace is kept."""
    header = [cell.strip().lstrip("\ufeff") for cell in roster.rows[0]]
    cols = {cell: i for i, cell in reversed(list(enumerate(header)))}
    ids = [name for name in ID_COLUMNS if name in cols]
    if not ids:
        raise ValueError("Brightspace roster has neither 'OrgDefinedId' nor 'Username': export with key field 'Both'")
    column = find_column(header, assignment, _title, "Brightspace")
    out = [[*ids, header[column], END_OF_LINE]]
    index = RowIndex(scored, "brightspace")
    for cells in roster.rows[1:]:
        item = index.find(_keys(cells, cols))
        if item is not None and not item.missing:
            out.append([cells[cols[name]] if cols[name] < len(cells) else "" for name in ids]
                       + [points(item.final), "#"])
    index.refuse_if_none_matched("Brightspace grades export")
    notices = [f"{describe(s.row)} is not in the Brightspace export: score not exported."
               for s in index.unmatched() if not s.missing]
    content = encode_rows(out, delimiter=roster.delimiter, lineterminator="\r\n", as_read=True)
    return Export(content, tuple(notices), len(out) - 1)


def _keys(cells: list[str], cols: dict[str, int]) -> list[tuple[str, str | None]]:
    def cell(name: str) -> str | None:
        value = cells[cols[name]].strip().lstrip("#") if name in cols and cols[name] < len(cells) else ""
        return value or None

    name = " ".join(filter(None, (cell("First Name"), cell("Last Name")))) or None
    user, org = cell("Username"), cell("OrgDefinedId")
    return [("sis_id", org), ("username", user), ("student", user), ("student", org), ("email", cell("Email")),
            ("name", name)]
