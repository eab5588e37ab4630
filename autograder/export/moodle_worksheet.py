"""Moodle's offline grading worksheet, filled in: the Grade column and, with feedback, the Feedback comments column.

Rules from moodle/moodle ``mod/assign/feedback/offline/importgradeslib.php`` and ``locallib.php``: the importer
finds the columns 'Identifier', 'Grade' and 'Last modified (grade)' by their (English) headers, and each feedback
plugin's text column by its name ('Feedback comments'); it reads the participant number after 'Participant ',
skips empty grades, and skips a row whose grade changed in Moodle after 'Last modified (grade)' (grade and comment)
unless the teacher ticks "Allow updating records that have been modified more recently in Moodle than in the
spreadsheet". A new comment is stored as HTML (``assignfeedback_comments`` ``set_editor_text``: ``FORMAT_HTML``).
"""

from __future__ import annotations

from collections.abc import Sequence

from autograder.export.matching import RowIndex
from autograder.export.rows import Export, ExportRefused, Scored, describe, points
from autograder.export.tables import Table

IDENTIFIER, GRADE, MODIFIED = "Identifier", "Grade", "Last modified (grade)"
COMMENTS = "Feedback comments"
PARTICIPANT = "Participant "


def is_worksheet(header: Sequence[str]) -> bool:
    """Whether a roster is (meant to be) a grading worksheet: it has the 'Identifier' column."""
    return IDENTIFIER in {cell.strip().lstrip("\ufeff") for cell in header}


def _columns(header: list[str], with_comments: bool) -> dict[str, int]:
    cols = {cell.strip().lstrip("\ufeff"): i for i, cell in enumerate(header)}
    missing = [name for name in (IDENTIFIER, GRADE, MODIFIED) if name not in cols]
    if not missing and "Scale" in cols:
        raise ValueError("the Moodle assignment is graded with a scale: numeric scores cannot be imported into it")
    if missing:
        raise ValueError(
            "Moodle roster must be the assignment's offline grading worksheet (Assignment > View all submissions > "
            f"Download grading worksheet, in English); it has no {', '.join(repr(m) for m in missing)} column"
        )
    if with_comments and COMMENTS not in cols:
        raise ExportRefused(
            f"moodle feedback refused: the grading worksheet has no {COMMENTS!r} column; enable the feedback type "
            "'Feedback comments' in the assignment's settings and download the worksheet again"
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


def fill_worksheet(scored: Sequence[Scored], max_score: float, roster: Table) -> Export:
    """The worksheet as downloaded with our Grade (and Feedback comments, when rows carry them) for each student
    with a submission; every other cell, row, the BOM and the separator as read."""
    header = roster.rows[0]
    cols = _columns(header, any(item.row.comment for item in scored))
    index, notices, maxima, filled = RowIndex(scored, "moodle"), [], set(), 0
    for cells in roster.rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        item = index.find(_keys(cells, cols))
        if item is None or item.missing:
            continue
        cells.extend([""] * (len(header) - len(cells)))
        cells[cols[GRADE]] = points(item.final)
        if item.row.comment:
            cells[cols[COMMENTS]] = item.row.comment
        filled += 1
        if "Maximum Grade" in cols:
            maxima.add(cells[cols["Maximum Grade"]].strip())
        if "Grade can be changed" in cols and cells[cols["Grade can be changed"]].strip().lower() == "no":
            notices.append(f"{describe(item.row)}: the grade is locked in Moodle; the import will skip it.")
    index.refuse_if_none_matched("Moodle grading worksheet")
    notices += [
        f"Moodle's maximum grade is {m}, not {points(max_score)}: scores were not rescaled."
        for m in sorted(maxima)
        if _differs(m, max_score)
    ]
    lost = [s for s in index.unmatched() if not s.missing]
    notices += [f"{describe(s.row)} is not in the Moodle worksheet: score not exported." for s in lost]
    return Export(roster.to_bytes(), tuple(notices), filled)
