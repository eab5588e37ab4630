"""Moodle: the assignment's grading worksheet filled in, or a gradebook CSV for Grades > Import > CSV file.

Gradebook CSV rules from moodle/moodle ``grade/import/csv/classes/load_data.php``: in the import form the teacher
maps ONE column to a user field (``useremail``, ``useridnumber``, ``username`` or ``userid``), and one value that
matches no user aborts the whole import; '' or '-' is "no grade", which clears a grade entered by hand. So every
row carries the one column the teacher maps, students without a submission get no row, and an export that cannot
give every row that column is refused. With a Moodle participants download (``user/action_redir.php``: 'First
name', 'Last name', then the site's identity fields) or grades export (``grade/export/lib.php``: the same, then
'Assignment: Lab 3 (Real)' columns) as the roster, the identity cells are copied from it, exactly as Moodle knows
them. The worksheet (:mod:`autograder.export.moodle_worksheet`) is the route that never touches other grades.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from autograder.export.matching import RowIndex, find_column_or_none
from autograder.export.moodle_worksheet import fill_worksheet, is_worksheet
from autograder.export.rows import Export, ExportRefused, Scored, ScoreRow, describe, points, refuse_unidentified
from autograder.export.tables import Table, encode_rows

GRADEBOOK_COLUMNS = ("Full name", "Email address", "ID number", "Username")
USER_FIELDS = {"Email address": "useremail", "ID number": "useridnumber", "Username": "username"}
"""Columns Moodle's import can map a user from, and the field to map each to."""
NAME_COLUMNS = ("First name", "Last name", "Surname", "Full name")
_GRADE_ITEM = re.compile(r"^(?:[^:]+:\s*)?(.*?)(?:\s*\((?:Real|Percentage|Letter)\))?\s*$")
_FIX = ("pass --roster with the assignment's grading worksheet, or the course's participants download or grades "
        "export (Grades > Export > Plain text file)")


def render(scored: Sequence[Scored], *, assignment: str, max_score: float, roster: Table | None) -> Export:
    """The worksheet filled in when ``roster`` is one; else a gradebook CSV, from a Moodle user list when given."""
    if roster is not None and is_worksheet(roster.rows[0]):
        return fill_worksheet(scored, max_score, roster)
    if any(item.row.comment for item in scored):
        raise ExportRefused(f"moodle feedback refused: comments go into the assignment's grading worksheet; {_FIX}")
    if roster is not None and _user_columns(roster.rows[0]):
        return _from_user_list(scored, assignment, roster)
    return _gradebook_csv(scored, assignment, class_list=roster is not None)


def _user_columns(header: Sequence[str]) -> dict[str, int]:
    """The columns of a Moodle user list (participants download or grades export) a user can be mapped from."""
    cells = [cell.strip().lstrip("\ufeff") for cell in header]
    return {name: cells.index(name) for name in USER_FIELDS if name in cells}


def _mapping_advice(column: str, grade: str) -> str:
    return (f"in Moodle's import (Grades > Import > CSV file) map users from {column!r} to {USER_FIELDS[column]} "
            f"and {grade!r} to the grade item; students without a submission have no row, so no grade is cleared.")


def _gradebook_csv(scored: Sequence[Scored], assignment: str, *, class_list: bool) -> Export:
    """A new gradebook CSV from the rows' own identities; refused unless one user column is known for all."""
    kept = [item for item in scored if not item.missing]
    values = {"Email address": lambda r: r.email, "ID number": lambda r: r.sis_id, "Username": lambda r: r.username}
    lacking = {column: [s.row for s in kept if not get(s.row)] for column, get in values.items()}
    column = min(lacking, key=lambda c: len(lacking[c]))
    bare = all(not (r.email or r.sis_id or r.username) for r in lacking[column])
    needs = "an email address, ID number or username" if bare else (
        f"{column!r} (Moodle maps every row by one user column, and none is known for every student)")
    refuse_unidentified("moodle", lacking[column], needs, _FIX)
    grade = f"Assignment: {assignment}"
    rows = [[*GRADEBOOK_COLUMNS, grade]]
    rows += [[r.name or "", r.email or "", r.sis_id or "", r.username or "", points(s.final)]
             for s in kept for r in (s.row,)]
    notices = [_mapping_advice(column, grade)]
    if class_list:
        notices.append("the --roster file is no Moodle grading worksheet or user list: it served as the class list.")
    return Export(encode_rows(rows, bom=True), tuple(notices), len(kept))


def _keys(cells: list[str], cols: dict[str, int]) -> list[tuple[str, str | None]]:
    def cell(name: str) -> str | None:
        return cells[cols[name]].strip() if name in cols and cols[name] < len(cells) else None

    last = cell("Last name") or cell("Surname")
    name = cell("Full name") or " ".join(filter(None, (cell("First name"), last))) or None
    return [("email", cell("Email address")), ("username", cell("Username")), ("sis_id", cell("ID number")),
            ("name", name)]


def _grade_title(cell: str) -> str | None:
    """'Assignment: Lab 3 (Real)' -> 'Lab 3'; ``None`` for the user columns."""
    text = cell.strip()
    if text in USER_FIELDS or text in NAME_COLUMNS or ":" not in text:
        return None
    match = _GRADE_ITEM.match(text)
    return match.group(1) if match else None


def _from_user_list(scored: Sequence[Scored], assignment: str, roster: Table) -> Export:
    """A gradebook CSV whose rows are the user list's own rows (names and user columns as Moodle has them) for the
    students with a submission, and whose grade column is the list's column for the assignment when it has one."""
    header = [cell.strip().lstrip("\ufeff") for cell in roster.rows[0]]
    cols = {cell: i for i, cell in reversed(list(enumerate(header)))}
    copied = [name for name in (*NAME_COLUMNS, *USER_FIELDS) if name in cols]
    found = find_column_or_none(header, assignment, _grade_title, "Moodle")
    grade = header[found] if found is not None else f"Assignment: {assignment}"
    index, written, matched = RowIndex(scored, "moodle"), [], []
    for cells in roster.rows[1:]:
        item = index.find(_keys(cells, cols)) if any(c.strip() for c in cells) else None
        if item is not None and not item.missing:
            identity = [cells[cols[name]] if cols[name] < len(cells) else "" for name in copied]
            written.append([*identity, points(item.final)])
            matched.append(item.row)
    index.refuse_if_none_matched("Moodle user list")
    column = _complete_user_column(copied, written, matched)
    notices = [_mapping_advice(column, grade)]
    if found is None:
        notices.append(f"the Moodle user list has no column for {assignment!r}: map {grade!r} to the grade item.")
    notices += [f"{describe(s.row)} is not in the Moodle user list: score not exported."
                for s in index.unmatched() if not s.missing]
    content = encode_rows([[*copied, grade], *written], delimiter=roster.delimiter, encoding=roster.encoding,
                          bom=roster.bom, lineterminator=roster.lineterminator, as_read=True)
    return Export(content, tuple(notices), len(written))


def _complete_user_column(copied: list[str], written: list[list[str]], rows: list[ScoreRow]) -> str:
    """The first user column filled in every written row; refused when Moodle's list leaves each one blank for some."""
    users = [name for name in copied if name in USER_FIELDS]
    for name in users:
        if all(cells[copied.index(name)].strip() for cells in written):
            return name
    lacking = [row for row, cells in zip(rows, written, strict=True) if not cells[copied.index(users[0])].strip()]
    raise ExportRefused(
        f"moodle export refused: the Moodle user list leaves {users[0]!r} blank for "
        f"{', '.join(describe(r) for r in lacking[:5])}, and no other user column is filled for everyone; "
        "download it again with an identity field every student has (Site administration > Show user identity)"
    )
