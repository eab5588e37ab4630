"""Moodle: the assignment's offline grading worksheet, or a gradebook CSV for Grades > Import > CSV file.

Worksheet rules from moodle/moodle ``mod/assign/feedback/offline/importgradeslib.php`` and ``locallib.php``:
the importer finds the columns 'Identifier', 'Grade' and 'Last modified (grade)' by their (English) headers,
reads the participant number after 'Participant ', skips empty grades, and skips a row whose grade changed in
Moodle after 'Last modified (grade)' unless the teacher ticks "Allow updating records that have been modified
more recently in Moodle than in the spreadsheet". Gradebook CSV rules from ``grade/import/csv/classes/load_data.php``:
'' or '-' is no grade and one identifier that matches no user aborts the whole import.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograder.export.matching import RowIndex
from autograder.export.rows import Export, Scored, describe, points
from autograder.export.tables import Table, encode_rows

IDENTIFIER, GRADE, MODIFIED = "Identifier", "Grade", "Last modified (grade)"
PARTICIPANT = "Participant "
GRADEBOOK_COLUMNS = ("Full name", "Email address", "ID number", "Username")
NO_GRADE = "-"


def render(scored: Sequence[Scored], *, assignment: str, max_score: float, roster: Table | None) -> Export:
    """Fill the worksheet's Grade column when ``roster`` is the worksheet, else write a gradebook CSV."""
    if roster is not None:
        return _fill_worksheet(scored, max_score, roster)
    rows = [[*GRADEBOOK_COLUMNS, f"Assignment: {assignment}"]]
    for item in scored:
        row = item.row
        grade = NO_GRADE if item.missing else points(item.final)
        rows.append([row.name or "", row.email or "", row.sis_id or "", row.username or "", grade])
    notices = _identifier_notices(scored, rows[1:])
    if any(item.missing for item in scored):
        notices += (
            "students without a submission get '-' (no grade): mapped onto an existing grade item, Moodle clears "
            "any grade already entered for them; use the grading worksheet as --roster to leave those untouched.",
        )
    return Export(encode_rows(rows, bom=True), notices, len(scored))


def _identifier_notices(scored: Sequence[Scored], rows: list[list[str]]) -> tuple[str, ...]:
    """Moodle aborts the whole import on one blank identifier: say which column every row can be mapped from."""
    gaps = {
        label: [describe(s.row) for s, cells in zip(scored, rows, strict=True) if not cells[column]]
        for column, label in ((1, "email"), (2, "ID number"), (3, "username"))
    }
    if not any(gaps.values()):
        return ()
    complete = [label for label, lacking in gaps.items() if not lacking]
    advice = f"map the user from {' or '.join(complete)}" if complete else "no identifier column is complete"
    details = "; ".join(f"without {label}: {', '.join(lacking)}" for label, lacking in gaps.items() if lacking)
    return (f"Moodle aborts the whole import on one blank or unknown identifier: {advice} ({details}).",)


def _columns(header: list[str]) -> dict[str, int]:
    cols = {cell.strip(): i for i, cell in enumerate(header)}
    missing = [name for name in (IDENTIFIER, GRADE, MODIFIED) if name not in cols]
    if not missing and "Scale" in cols:
        raise ValueError("the Moodle assignment is graded with a scale: numeric scores cannot be imported into it")
    if missing:
        raise ValueError(
            "Moodle roster must be the assignment's offline grading worksheet (Assignment > View all submissions > "
            f"Download grading worksheet, in English); it has no {', '.join(repr(m) for m in missing)} column"
        )
    return cols


def _keys(cells: list[str], cols: dict[str, int]) -> list[tuple[str, str | None]]:
    def cell(name: str) -> str | None:
        return cells[cols[name]] if name in cols and cols[name] < len(cells) else None

    ident = cell(IDENTIFIER) or ""
    participant = ident[len(PARTICIPANT) :].strip() if ident.startswith(PARTICIPANT) else None
    return [
        ("lms_id", participant),
        ("student", participant),
        ("email", cell("Email address")),
        ("username", cell("Username")),
        ("sis_id", cell("ID number")),
        ("name", cell("Full name")),
    ]


def _differs(text: str, value: float) -> bool:
    try:
        return abs(float(text.replace(",", ".")) - value) > 0.005
    except ValueError:
        return bool(text)


def _fill_worksheet(scored: Sequence[Scored], max_score: float, roster: Table) -> Export:
    header = roster.rows[0]
    cols = _columns(header)
    index, notices, maxima, filled = RowIndex(scored), [], set(), 0
    for cells in roster.rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        item = index.find(_keys(cells, cols))
        if item is None or item.missing:
            continue
        cells.extend([""] * (len(header) - len(cells)))
        cells[cols[GRADE]] = points(item.final)
        filled += 1
        if "Maximum Grade" in cols:
            maxima.add(cells[cols["Maximum Grade"]].strip())
        if "Grade can be changed" in cols and cells[cols["Grade can be changed"]].strip().lower() == "no":
            notices.append(f"{describe(item.row)}: the grade is locked in Moodle; the import will skip it.")
    notices += [
        f"Moodle's maximum grade is {m}, not {points(max_score)}: scores were not rescaled."
        for m in sorted(maxima)
        if _differs(m, max_score)
    ]
    lost = [s for s in index.unmatched() if not s.missing]
    notices += [f"{describe(s.row)} is not in the Moodle worksheet: score not exported." for s in lost]
    return Export(roster.to_bytes(), tuple(notices), filled)
