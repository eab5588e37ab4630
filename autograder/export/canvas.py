"""Canvas gradebook import CSV (Grades > Import), following instructure/canvas-lms ``lib/gradebook_importer.rb``.

With the roster (Canvas's own gradebook export) only the assignment's column changes; every other row, column,
the BOM and the separator stay as exported. Without it (or with a plain class list), Canvas creates a new
assignment on import, and every row needs an id Canvas matches: a file Canvas cannot place is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from autograder.export.matching import RowIndex, find_column
from autograder.export.rows import Export, Scored, ScoreRow, describe, own_lms_id, points, refuse_unidentified
from autograder.export.tables import Table, encode_rows

STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "    Points Possible"
_TITLE_WITH_ID = re.compile(r"^(.*?)\s*\((\d+)\)\s*$")
_IDENTITY = {
    "Student",
    "LastName",
    "FirstName",
    "ID",
    "SIS User ID",
    "SIS Login ID",
    "Integration ID",
    "Root Account",
    "Section",
}


CLASS_LIST_ONLY = "the --roster file is not Canvas's gradebook export: it served as the class list only."


def render(scored: Sequence[Scored], *, assignment: str, max_score: float, roster: Table | None) -> Export:
    """Fill the roster's assignment column when it is Canvas's export, else write an import file that creates the
    assignment; refused when a student has no id Canvas matches (its user ID, SIS User ID or SIS Login ID)."""
    if roster is not None and _is_canvas_export(roster.rows[0]):
        return _fill_roster(scored, assignment, max_score, roster)
    lacking = [item.row for item in scored if not any(_ids(item.row))]
    refuse_unidentified("canvas", lacking, "a Canvas user ID, SIS User ID or SIS Login ID",
                        "pass --roster with Canvas's gradebook export (Grades > Export > Export Entire Gradebook)")
    rows = [[*STUDENT_COLUMNS, assignment], [POINTS_POSSIBLE, "", "", "", "", points(max_score)]]
    notices = [
        f"Canvas will create a NEW assignment {assignment!r} on import unless one is titled exactly so (then its "
        "grades are replaced, blank cells included): to fill an existing assignment safely, export the gradebook "
        "from Canvas (Grades > Export > Export Entire Gradebook) and pass it as --roster."
    ]
    notices += [CLASS_LIST_ONLY] if roster is not None else []
    for item in scored:
        rows.append([item.row.name or "", *_ids(item.row), "", points(item.final)])
    return Export(encode_rows(rows, lineterminator="\n"), tuple(notices), len(scored))


def _ids(row: ScoreRow) -> tuple[str, str, str]:
    """``(ID, SIS User ID, SIS Login ID)``: a Canvas user ID is a number (``anon_...`` ids match nothing)."""
    canvas_id = own_lms_id(row, "canvas") or ""
    return (canvas_id if canvas_id.isdigit() else "", row.sis_id or "", row.username or "")


def _title(cell: str) -> str | None:
    """An assignment column's title ('Lab 3 (48213)' -> 'Lab 3'); ``None`` for every other column."""
    match = _TITLE_WITH_ID.match(cell)
    return match.group(1) if match else None


def _is_canvas_export(header: list[str]) -> bool:
    """Canvas's gradebook export starts 'Student', 'ID' (or 'LastName', 'FirstName' when names are split)."""
    first = header[0].lstrip("\ufeff") if header else ""
    named = first.startswith("LastName") and len(header) > 2 and header[1].startswith("FirstName")
    return len(header) >= 4 and (("Student" in first and "ID" in header[1]) or named)


def _identity_columns(header: list[str]) -> dict[str, int]:
    return {cell.strip(): i for i, cell in enumerate(header) if cell.strip() in _IDENTITY}


def _is_special(cells: list[str]) -> bool:
    """Points Possible row, the 'Manual Posting' row, or a blank line: never a student."""
    if not cells or not any(c.strip() for c in cells):
        return True
    if "Points Possible" in cells[0]:
        return True
    return all(re.fullmatch(r"\s*(Muted|Manual Posting.*)?\s*", c or "", re.IGNORECASE) for c in cells)


def _identity_keys(cells: list[str], cols: dict[str, int]) -> list[tuple[str, str | None]]:
    def cell(name: str) -> str | None:
        return cells[cols[name]] if name in cols and cols[name] < len(cells) else None

    name = cell("Student") or " ".join(filter(None, (cell("FirstName"), cell("LastName"))))
    return [
        ("lms_id", cell("ID")),
        ("student", cell("ID")),
        ("sis_id", cell("SIS User ID")),
        ("username", cell("SIS Login ID")),
        ("student", cell("SIS Login ID")),
        ("name", name),
    ]


def _check_points_possible(cells: list[str], column: int, title: str, max_score: float) -> list[str]:
    value = cells[column].strip() if column < len(cells) else ""
    try:
        possible = float(value.replace(",", ".")) if value else max_score
    except ValueError:
        possible = None
    if possible is not None and abs(possible - max_score) < 0.005:
        return []
    return [f"Canvas says {title!r} is worth {value!r} points, not {points(max_score)}: scores were not rescaled."]


def _fill_roster(scored: Sequence[Scored], assignment: str, max_score: float, roster: Table) -> Export:
    header = roster.rows[0]
    cols = _identity_columns(header)
    column = find_column(header, assignment, _title, "Canvas")
    index, notices, filled = RowIndex(scored, "canvas"), [], 0
    for cells in roster.rows[1:]:
        if cells and "Points Possible" in cells[0]:
            notices += _check_points_possible(cells, column, header[column], max_score)
            continue
        if _is_special(cells):
            continue
        item = index.find(_identity_keys(cells, cols))
        if item is None or item.missing:
            continue
        cells.extend([""] * (column + 1 - len(cells)))
        if cells[column].strip() == "N/A":
            notices.append(
                f"{describe(item.row)}: {header[column]!r} is not assigned to them in Canvas; "
                "Canvas will ignore this score."
            )
        cells[column] = points(item.final)
        filled += 1
    index.refuse_if_none_matched("Canvas gradebook export")
    lost = [s for s in index.unmatched() if not s.missing]
    notices += [f"{describe(s.row)} is not in the Canvas roster: score not exported." for s in lost]
    return Export(roster.to_bytes(), tuple(notices), filled)
