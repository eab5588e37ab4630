"""Blackboard Learn Grade Center upload (Work Offline > Upload), in the shape of Grade Center's own download.

Students are matched by Username (required in every row); an existing column only by its ``|columnId`` suffix,
which only a Grade Center download has: pass that download as the roster to fill the existing column. Comments
(``Feedback to Learner``) upload only into a column downloaded alone with "Include comments for this Column"
(Blackboard's help: the Full Grade Center download has no comments and "you can't add them offline"). The file
is tab-separated with every field quoted; UTF-16 little-endian with a BOM by default, as Grade Center's
tab-delimited ``.xls`` download is, or UTF-8 (``encoding="utf-8"``); see docs/lms-formats.md for the sources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from autograder.export.matching import RowIndex, find_column
from autograder.export.rows import (
    Export,
    ExportRefused,
    Scored,
    describe,
    points,
    refuse_unidentified,
    split_name,
)
from autograder.export.tables import Table, encode_rows, neutralise

HEADER = ("Last Name", "First Name", "Username")
COPIED = ("Last Name", "First Name", "Username", "Student ID")
"""Identity columns copied from a Grade Center download (the upload matches on Username and ignores the rest)."""
ENCODINGS = ("utf-16", "utf-8")
FEEDBACK, FEEDBACK_FORMAT = "Feedback to Learner", "Feedback Format"
HTML_FORMAT = "HTML"
"""Blackboard's ``FormattedText.Type`` for an HTML comment (the others are ``SMART_TEXT`` and ``PLAIN_TEXT``)."""
_COLUMN = re.compile(r"^(.*?)\s*(?:\[Total Pts:[^\]]*\])?\s*\|\s*(\d+)\s*$")
_WITH_COMMENTS = ("download the column alone with its comments (Work Offline > Download > Selected Column, tick "
                  "'Include comments for this Column') and pass it as --roster")


def _title(cell: str) -> str | None:
    """A Grade Center column's title ('Lab 3 [Total Pts: 10 Score] |664617' -> 'Lab 3'); ``None`` if no id."""
    match = _COLUMN.match(cell)
    return match.group(1) if match else None


def render(
    scored: Sequence[Scored], *, assignment: str, max_score: float, roster: Table | None, encoding: str | None = None
) -> Export:
    """Fill the column of a Grade Center download, else write a file that adds a new column; refused when a student
    has no username (the upload would fail on that row)."""
    if roster is not None and any(_title(cell) for cell in roster.rows[0]):
        return _fill(scored, assignment, roster, encoding)
    if any(item.row.comment for item in scored):
        raise ExportRefused(f"blackboard feedback refused: comments need an existing column; {_WITH_COMMENTS}")
    refuse_unidentified("blackboard", [item.row for item in scored if not item.row.username], "a Blackboard username",
                        "pass --roster with the Full Grade Center download (Work Offline > Download), or a class "
                        "list with usernames")
    notices = [
        f"Blackboard will add {assignment!r} as a NEW text column with 0 points possible: to fill an existing "
        "column, download the Full Grade Center (Work Offline > Download) and pass it as --roster."
    ]
    if roster is not None:
        notices.append("the --roster file is not a Grade Center download (no '|column id' header): it served as the "
                       "class list only.")
    rows = [[*HEADER, assignment]]
    for item in scored:
        first, last = split_name(item.row.name)
        rows.append([last, first, item.row.username or "", points(item.final)])
    content = encode_rows(rows, delimiter="\t", encoding=encoding or ENCODINGS[0], quote_all=True)
    return Export(content, tuple(notices), len(scored))


def _fill(scored: Sequence[Scored], assignment: str, roster: Table, encoding: str | None) -> Export:
    """Rows of the download's students with a submission: their identity cells as downloaded, the column's exact
    header, our score (and comment); students without a submission get no row, so a grade typed in is kept."""
    header = [cell.strip().lstrip("\ufeff") for cell in roster.rows[0]]
    cols = {cell: i for i, cell in reversed(list(enumerate(header)))}
    if "Username" not in cols:
        raise ValueError("Blackboard roster has no 'Username' column: download it again with the user information")
    column = find_column(header, assignment, _title, "Blackboard")
    with_comments = any(item.row.comment for item in scored)
    if with_comments and FEEDBACK not in cols:
        raise ExportRefused(f"blackboard feedback refused: the download has no {FEEDBACK!r} column; {_WITH_COMMENTS}")
    copied = [name for name in COPIED if name in cols]
    out = [[*copied, header[column], *((FEEDBACK, FEEDBACK_FORMAT) if with_comments else ())]]
    index = RowIndex(scored, "blackboard")
    for cells in roster.rows[1:]:
        item = index.find(_keys(cells, cols))
        if item is None or item.missing:
            continue
        row = [cells[cols[name]] if cols[name] < len(cells) else "" for name in copied] + [points(item.final)]
        out.append(row + ([neutralise(item.row.comment or ""), HTML_FORMAT] if with_comments else []))
    index.refuse_if_none_matched("Grade Center download")
    notices = [f"{describe(s.row)} is not in the Grade Center download: score not exported."
               for s in index.unmatched() if not s.missing]
    content = encode_rows(out, delimiter=roster.delimiter, encoding=encoding or roster.encoding,
                          quote_all=True, as_read=True)
    return Export(content, tuple(notices), len(out) - 1)


def _keys(cells: list[str], cols: dict[str, int]) -> list[tuple[str, str | None]]:
    def cell(name: str) -> str | None:
        return cells[cols[name]].strip() if name in cols and cols[name] < len(cells) else None

    username = cell("Username")
    name = " ".join(filter(None, (cell("First Name"), cell("Last Name")))) or None
    return [("username", username), ("student", username), ("sis_id", cell("Student ID")), ("name", name)]
