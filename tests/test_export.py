"""Score export: every format parsed back with the reader its LMS would use, late policies, rosters round-tripped."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from autograder.export import FORMATS, Export, ExportRefused, ScoreRow, export, export_lab
from autograder.export.rows import points, split_name
from autograder.export.scoring import score_rows
from autograder.export.tables import neutralise
from autograder.labs import LabBundle
from autograder.model import Lateness, Question, RowStatus, RunInfo, Status, SubmissionInfo, SubmissionResult
from autograder.record.gradebook import Gradebook
from autograder.record.late import DAY, LatePolicy, assess, parse_late_policy
from tests.test_export_goldens import HOSTILE_ROWS, roster_file
from tests.test_export_goldens import ROWS as GOLDEN_ROWS

DUE = datetime(2024, 3, 4, 23, 59, tzinfo=timezone(timedelta(hours=-5)))
LMS_FORMATS = ("canvas", "moodle", "blackboard", "brightspace", "gradescope")
TWO_DECIMALS = re.compile(r"\d+(\.\d{1,2})?")


POLICY = parse_late_policy("10%/day,max=50%")


def row(student: str, score: float | None, *, late: float | None = None, status: str = "graded",
        policy: LatePolicy = POLICY, **ids) -> ScoreRow:
    """A ScoreRow with only what a test cares about, its lateness computed as grading does (``late`` seconds after
    the due date, else an hour early); ``ids`` are name/email/sis_id/lms_id/username."""
    fields = {"name": None, "email": None, "sis_id": None, "lms_id": None, "username": None} | ids
    submitted = None if score is None else DUE + timedelta(seconds=late or -3600)
    return ScoreRow(
        student=student,
        score=score,
        max_score=10.0,
        status=RowStatus.MISSING if score is None else RowStatus(status),
        submitted_at=submitted,
        lateness=assess(DUE, submitted, None, policy) if submitted else Lateness(),
        **fields,
    )


ROWS = (
    row("101", 8.5, name="Doe, Jane", email="jdoe@example.edu", sis_id="S001", lms_id="101", username="jdoe"),
    row("102", 9.0, late=1.5 * DAY, name="Seán O'Brien", email="sob@example.edu", sis_id="S002", username="sobrien"),
    row("103", None, name="Thi Nguyen", email="tn@example.edu", sis_id="S003", lms_id="103", username="tnguyen"),
    row("104", 0.0, status="error", name="Ann Lee", email="alee@example.edu", username="alee"),
    row("105", 7.333333, late=30.0, name="Bob Stone", email="bs@example.edu", sis_id="0042", username="bstone"),
)
# After POLICY on a 10-point assignment: 102 is 2 started days late (-2), 105 is 30 s late (one day: -1).
FINAL = {"101": "8.5", "102": "7", "103": "", "104": "0", "105": "6.33"}


def run(fmt: str, rows=ROWS, roster: Path | None = None, assignment: str = "Lab 3") -> Export:
    return export(rows, fmt, assignment=assignment, max_score=10, roster_file=roster)


def parse(data: bytes, encoding: str = "utf-8", delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=delimiter))


def test_scores_round_half_up_to_two_decimals_and_never_negative() -> None:
    assert [points(v) for v in (8.5, 10.0, 2.675, 8.125, 7.333333, 0.0, -0.0, -3.0, None)] == [
        "8.5",
        "10",
        "2.68",
        "8.13",
        "7.33",
        "0",
        "0",
        "0",
        "",
    ]
    scored = score_rows([row("x", 1.0, late=9 * DAY, policy=parse_late_policy("50%/day"))], 10.0)
    assert (scored[0].final, scored[0].penalty, scored[0].late_days) == (0.0, 1.0, 9)


def test_split_name() -> None:
    assert split_name("Doe, Jane") == ("Jane", "Doe")
    assert split_name("Jane van Doe") == ("Jane van", "Doe")
    assert split_name("Cher") == ("", "Cher")
    assert split_name(None) == ("", "")


# --- every format -----------------------------------------------------------------------------------------------


def test_unknown_format_and_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown export format 'xlsx'; choose one of: canvas, moodle"):
        run("xlsx")
    with pytest.raises(ValueError, match="max_score must be positive"):
        export(ROWS, "csv", assignment="Lab 3", max_score=0)


@pytest.mark.parametrize("fmt", LMS_FORMATS)
def test_lms_numbers_have_at_most_two_decimals(fmt: str) -> None:
    out = run(fmt)
    assert isinstance(out.content, bytes) and isinstance(out.notices, tuple)
    text = out.content.decode("utf-16" if fmt == "blackboard" else "utf-8-sig")
    numbers = re.findall(r"(?<![\w.#-])\d+\.\d+(?![\w.])", text)
    assert numbers and all(TWO_DECIMALS.fullmatch(n) for n in numbers)
    assert "7.333" not in text


def test_canvas_without_roster_creates_assignment() -> None:
    out = run("canvas")
    assert not out.content.startswith(b"\xef\xbb\xbf")
    table = parse(out.content)
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lab 3"]
    assert table[1] == ["    Points Possible", "", "", "", "", "10"]
    assert [r[5] for r in table[2:]] == ["8.5", "7", "", "0", "6.33"]
    assert table[2][:4] == ["Doe, Jane", "101", "S001", "jdoe"]
    assert any("Canvas will create a NEW assignment 'Lab 3'" in n for n in out.notices)


CANVAS_EXPORT = """\
Student,ID,SIS User ID,SIS Login ID,Section,Notes,Lab 1: Arrays (48100),Lab 3: Tensors (48213),\
Bonus for Lab 3 (48299),Current Points,Final Points,Current Score,Unposted Current Score,Final Score,\
Unposted Final Score
    Points Possible,,,,,,10.00,10.00,2.00,(read only),(read only),(read only),(read only),(read only),(read only)
"Doe, Jane",101,S001,jdoe,CS101-01,,9.00,,,9.00,9.00,90.00,90.00,45.00,45.00
"O'Brien, Seán",202,S002,sobrien,CS101-01,"says ""hi"", often",7.50,5.00,1.00,13.50,13.50,61.36,61.36,61.36,61.36
"Nguyen, Thi",103,S003,tnguyen,"CS101-01 and CS101-02",,N/A,,,0.00,0.00,,,0.00,0.00
"Lee, Ann",204,,alee@uni,CS101-02,,8.00,,,8.00,8.00,80.00,80.00,40.00,40.00
"Stone, Bob",205,0042,bstone,CS101-02,,10.00,,,10.00,10.00,100.00,100.00,50.00,50.00
"Student, Test",999,,3f9a2c,CS101-01,,,,,,,,,,
"""


def test_canvas_roster_round_trip(tmp_path: Path) -> None:
    roster = tmp_path / "2024-03-05T1200_Grades-CS101.csv"
    roster.write_bytes(b"\xef\xbb\xbf" + CANVAS_EXPORT.encode("utf-8"))
    extra = row("777", 5.0, name="Zed Ghost", lms_id="777")
    out = run("canvas", rows=(*ROWS, extra), roster=roster)
    assert out.content.startswith(b"\xef\xbb\xbf"), "the BOM of Canvas's export is kept"
    before, after = parse(roster.read_bytes(), "utf-8-sig"), parse(out.content, "utf-8-sig")
    column = before[0].index("Lab 3: Tensors (48213)")
    assert len(after) == len(before) and after[0] == before[0]
    for old, new in zip(before, after, strict=True):
        assert old[:column] + old[column + 1 :] == new[:column] + new[column + 1 :], "other columns untouched"
    assert after[1][column] == "10.00", "Points Possible row kept"
    assert [r[column] for r in after[2:]] == ["8.5", "7", "", "0", "6.33", ""]
    # matched by: Canvas ID 101; SIS User ID S002; (103 missing: left blank); name 'Ann Lee'; SIS Login bstone
    assert after[3][5] == 'says "hi", often' and after[3][0] == "O'Brien, Seán"
    assert out.notices == ("Zed Ghost (777) is not in the Canvas roster: score not exported.",)
    assert out.rows == 4, "rows filled in: not the missing student, the unmatched one or the roster's others"


def test_canvas_roster_warns_about_points_and_unassigned(tmp_path: Path) -> None:
    roster = tmp_path / "grades.csv"
    roster.write_text(
        "Student,ID,SIS Login ID,Section,Lab 3 (48213)\n    Points Possible,,,,20.00\nMuted,,,,Manual Posting\n"
        '"Doe, Jane",101,jdoe,A,N/A\n',
        encoding="utf-8",
    )
    out = run("canvas", rows=ROWS[:1], roster=roster)
    assert parse(out.content)[2] == ["Muted", "", "", "", "Manual Posting"], "the hidden-assignments row is kept"
    assert parse(out.content)[3][4] == "8.5"
    assert out.notices == (
        "Canvas says 'Lab 3 (48213)' is worth '20.00' points, not 10: scores were not rescaled.",
        "Doe, Jane (101): 'Lab 3 (48213)' is not assigned to them in Canvas; Canvas will ignore this score.",
    )


def test_roster_never_matches_by_name_against_a_different_id(tmp_path: Path) -> None:
    roster = tmp_path / "grades.csv"
    text = 'Student,ID,SIS Login ID,Section,Lab 3 (48213)\n"Doe, Jane",101,jdoe,A,\n"Lee, Ann",104,alee,A,\n'
    roster.write_text(text, encoding="utf-8")
    other_jane = row("555", 4.0, name="Jane Doe", lms_id="555")
    out = run("canvas", rows=[other_jane, ROWS[3]], roster=roster)
    assert [r[4] for r in parse(out.content)[1:]] == ["", "0"]
    assert out.notices == ("Jane Doe (555) is not in the Canvas roster: score not exported.",)
    with pytest.raises(ExportRefused, match="none of the 1 scored students is in the Canvas gradebook export"):
        run("canvas", rows=[other_jane], roster=roster)


def test_canvas_semicolon_export_keeps_its_separator(tmp_path: Path) -> None:
    roster = tmp_path / "grades.csv"
    text = "Student;ID;SIS Login ID;Section;Lab 3 (48213);Lab 4 (48214)\n    Points Possible;;;;10,00;10,00\n"
    roster.write_text(text + '"Doe, Jane";101;jdoe;A;;9,50\n', encoding="utf-8")
    out = run("canvas", roster=roster)
    assert out.content.decode() == text + "Doe, Jane;101;jdoe;A;8.5;9,50\n", "only needed quotes are written"


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("Lab 3", r"several columns for 'Lab 3': 'Lab 3a \(1\)', 'Lab 3b \(2\)'"),
        ("Lab 9", r"no column for assignment 'Lab 9'; its assignment columns: 'Lab 3a \(1\)', 'Lab 3b \(2\)'"),
    ],
)
def test_canvas_roster_column_must_be_unambiguous(tmp_path: Path, assignment: str, message: str) -> None:
    roster = tmp_path / "grades.csv"
    text = 'Student,ID,SIS Login ID,Section,Lab 3a (1),Lab 3b (2)\n"Doe, Jane",101,jdoe,A,,\n'
    roster.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        run("canvas", roster=roster, assignment=assignment)
    assert parse(run("canvas", roster=roster, assignment="lab 3B").content)[0][5] == "Lab 3b (2)"


def test_a_roster_that_is_no_canvas_export_is_only_the_class_list(tmp_path: Path) -> None:
    roster = tmp_path / "other.csv"
    roster.write_text("Name,Email,Score\n", encoding="utf-8")
    out = run("canvas", roster=roster)
    assert parse(out.content)[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lab 3"]
    assert "the --roster file is not Canvas's gradebook export: it served as the class list only." in out.notices


MOODLE_WORKSHEET = """\
Identifier,"Full name","Email address",Status,Grade,"Maximum Grade","Grade can be changed",\
"Last modified (submission)","Last modified (grade)","Feedback comments"
"Participant 8812001","Jane Doe",jdoe@example.edu,"Submitted for grading",,10.00,Yes,\
"Monday, 4 March 2024, 10:15 PM",-,
"Participant 8812002","Seán O'Brien",sob@example.edu,"Submitted for grading - Graded",6.00,10.00,Yes,\
"Tuesday, 5 March 2024, 11:00 AM","Wednesday, 6 March 2024, 9:00 AM","Good, but late"
"Participant 8812003","Thi Nguyen",tn@example.edu,"No submission",,10.00,Yes,-,-,
"Participant 8812004","Ann Lee",alee@example.edu,"Submitted for grading",,10.00,No,\
"Monday, 4 March 2024, 9:00 PM",-,
"""


def test_moodle_worksheet_round_trip(tmp_path: Path) -> None:
    roster = tmp_path / "Grades-CS101-Lab 3-123.csv"
    roster.write_bytes(b"\xef\xbb\xbf" + MOODLE_WORKSHEET.encode("utf-8"))
    rows = [replace(ROWS[0], lms_id="8812001"), *ROWS[1:]]
    out = run("moodle", rows=rows, roster=roster)
    assert out.content.startswith(b"\xef\xbb\xbf")
    before, after = parse(roster.read_bytes(), "utf-8-sig"), parse(out.content, "utf-8-sig")
    grade = before[0].index("Grade")
    assert [r[grade] for r in after[1:]] == ["8.5", "7", "", "0"]
    for old, new in zip(before, after, strict=True):
        assert old[:grade] + old[grade + 1 :] == new[:grade] + new[grade + 1 :], "other columns untouched"
    assert "Ann Lee (104): the grade is locked in Moodle; the import will skip it." in out.notices
    assert "Bob Stone (105) is not in the Moodle worksheet: score not exported." in out.notices
    assert out.rows == 3


def test_moodle_roster_must_be_the_worksheet(tmp_path: Path) -> None:
    roster = tmp_path / "grades.csv"
    roster.write_text("Identifier,Full name,Grade\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"offline grading worksheet.*no 'Last modified \(grade\)' column"):
        run("moodle", roster=roster)


def test_moodle_scale_assignment_is_rejected(tmp_path: Path) -> None:
    roster = tmp_path / "grades.csv"
    roster.write_text("Identifier,Full name,Grade,Scale,Last modified (grade)\n", encoding="utf-8")
    with pytest.raises(ValueError, match="graded with a scale"):
        run("moodle", roster=roster)


def test_moodle_gradebook_csv() -> None:
    out = run("moodle")
    assert out.content.startswith(b"\xef\xbb\xbf")
    table = parse(out.content, "utf-8-sig")
    assert table[0] == ["Full name", "Email address", "ID number", "Username", "Assignment: Lab 3"]
    assert {r[1]: r[4] for r in table[1:]} == {
        "jdoe@example.edu": "8.5",
        "sob@example.edu": "7",
        "alee@example.edu": "0",
        "bs@example.edu": "6.33",
    }, "no row for the missing student: a '-' would clear a grade entered in Moodle"
    assert table[4][2] == "0042", "leading zeros kept"
    assert out.notices == (
        "in Moodle's import (Grades > Import > CSV file) map users from 'Email address' to useremail and "
        "'Assignment: Lab 3' to the grade item; students without a submission have no row, so no grade is cleared.",
    )
    assert out.rows == 4


def test_blackboard_utf16_tab_all_quoted() -> None:
    out = run("blackboard")
    assert out.content.startswith(b"\xff\xfe")
    text = out.content.decode("utf-16")
    for line in text.splitlines():
        assert all(f.startswith('"') and f.endswith('"') for f in line.split("\t")), line
    table = parse(out.content, "utf-16", "\t")
    assert table[0] == ["Last Name", "First Name", "Username", "Lab 3"]
    assert table[1:] == [
        ["Doe", "Jane", "jdoe", "8.5"],
        ["O'Brien", "Seán", "sobrien", "7"],
        ["Nguyen", "Thi", "tnguyen", ""],
        ["Lee", "Ann", "alee", "0"],
        ["Stone", "Bob", "bstone", "6.33"],
    ]
    assert any("NEW text column" in n for n in out.notices)


def test_blackboard_roster_gives_the_column_id(tmp_path: Path) -> None:
    header = [
        "Last Name",
        "First Name",
        "Username",
        "Student ID",
        "Last Access",
        "Availability",
        "Lab 3 [Total Pts: 10 Score] |664617",
        "Weighted Total [Total Pts: up to 0 Percentage] |664600",
    ]
    people = [["Doe", "Jane", "jdoe", "S001"], ["Nguyen", "Thi", "tnguyen", "S003"], ["Lee", "Ann", "alee", ""],
              ["Stone", "Bob", "bstone", "0042"], ["Old", "Ola", "oold", "S099"]]
    lines = [header, *([*p, "", "", "", "9"] for p in people)]
    roster = tmp_path / "gc_CS101_fullgc_2024-03-05-12-00-00.xls"
    roster.write_bytes(b"\xff\xfe" + "".join("\t".join(f'"{h}"' for h in line) + "\r\n" for line in lines)
                       .encode("utf-16-le"))
    out = run("blackboard", roster=roster)
    table = parse(out.content, "utf-16", "\t")
    assert table[0] == ["Last Name", "First Name", "Username", "Student ID", "Lab 3 [Total Pts: 10 Score] |664617"]
    assert table[1:] == [["Doe", "Jane", "jdoe", "S001", "8.5"], ["Lee", "Ann", "alee", "", "0"],
                         ["Stone", "Bob", "bstone", "0042", "6.33"]], "no row clears a missing grade (Thi, Ola)"
    assert out.notices == ("Seán O'Brien (102) is not in the Grade Center download: score not exported.",)
    assert out.rows == 3


def test_brightspace_ids_hash_prefixed_and_end_of_line() -> None:
    out = run("brightspace")
    table = parse(out.content)
    grade = "Lab 3 Points Grade <Numeric MaxPoints:10>"
    assert table[0] == ["OrgDefinedId", "Username", grade, "End-of-Line Indicator"]
    assert table[1:] == [
        ["#S001", "#jdoe", "8.5", "#"],
        ["#S002", "#sobrien", "7", "#"],
        ["#S003", "#tnguyen", "", "#"],
        ["", "#alee", "0", "#"],
        ["#0042", "#bstone", "6.33", "#"],
    ], "OrgDefinedId is the student number (sis_id), never another LMS's user id"
    assert "example.edu" not in out.content.decode() and "Doe" not in out.content.decode(), "D2L: no names or emails"
    only_users = run("brightspace", rows=[row("u1", 4.0, username="u1")])
    assert parse(only_users.content)[0][0] == "Username"


def test_brightspace_roster_gives_the_item_header(tmp_path: Path) -> None:
    roster = tmp_path / "export.csv"
    roster.write_text(
        "OrgDefinedId,Username,Last Name,First Name,Email,"
        "Lab 3 Points Grade <Numeric MaxPoints:10 Weight:5 Category:Labs>,End-of-Line Indicator\n"
        "#S001,#jdoe,Doe,Jane,jdoe@example.edu,,#\n#S003,#tnguyen,Nguyen,Thi,tn@example.edu,4,#\n",
        encoding="utf-8-sig",
    )
    table = parse(run("brightspace", roster=roster).content)
    assert table == [["OrgDefinedId", "Username", "Lab 3 Points Grade <Numeric MaxPoints:10 Weight:5 Category:Labs>",
                      "End-of-Line Indicator"], ["#S001", "#jdoe", "8.5", "#"]], "no row clears a missing grade"


def test_gradescope_export_shape() -> None:
    out = run("gradescope")
    table = parse(out.content)
    assert table[0][:5] == ["First Name", "Last Name", "SID", "Email", "Sections"]
    assert table[0][5:8] == ["Total Score", "Max Points", "Status"]
    assert table[0][-3:] == ["Lateness (H:M:S)", "View Count", "Submission Count"]
    by_email = {r[3]: r for r in table[1:]}
    assert by_email["sob@example.edu"][5:8] == ["7", "10", "Graded"]
    assert by_email["sob@example.edu"][9:11] == ["2024-03-06 11:59:00 -0500", "36:00:00"]
    assert by_email["tn@example.edu"][5:8] == ["", "10", "Missing"]
    assert any("cannot import scores" in n for n in out.notices)


def test_plain_csv_has_every_field() -> None:
    table = list(csv.DictReader(io.StringIO(run("csv").content.decode("utf-8"), newline="")))
    by_student = {r["student"]: r for r in table}
    late = by_student["102"]
    assert [late[k] for k in ("score_before_penalty", "penalty", "score", "late_days")] == ["9.0", "2.0", "7.0", "2"]
    assert late["late_seconds"] == "129600.0" and late["late_policy"] == "10%/day,max=50%"
    assert late["late_status"] == "late" and by_student["101"]["late_status"] == "on time"
    assert late["submitted_at"] == "2024-03-06T11:59:00-05:00" and late["name"] == "Seán O'Brien"
    assert by_student["103"]["status"] == "missing" and by_student["103"]["score"] == ""
    assert by_student["104"]["status"] == "error" and by_student["104"]["score"] == "0.0"
    assert by_student["105"]["score_before_penalty"] == "7.333333" and by_student["105"]["score"] == "6.33"


def test_plain_json_has_every_field() -> None:
    document = json.loads(run("json").content)
    assert (document["schema"], document["assignment"], document["max_score"]) == (2, "Lab 3", 10)
    rows = {r["student"]: r for r in document["rows"]}
    assert rows["102"]["late_policy"] == "10%/day,max=50%" and rows["102"]["late_status"] == "late"
    assert rows["102"]["penalty"] == 2.0 and rows["102"]["score"] == 7.0
    assert rows["103"]["score"] is None and rows["103"]["score_before_penalty"] is None
    assert rows["101"]["late_days"] == 0 and rows["101"]["late_seconds"] == 0
    assert {k for k in rows["101"]} >= {"email", "sis_id", "lms_id", "username", "status", "submitted_at"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_scores_match_the_rows(fmt: str) -> None:
    """Whatever the layout, the scores read back are the penalised scores, and missing stays missing."""
    out = run(fmt)
    if fmt == "json":
        got = {r["student"]: points(r["score"]) for r in json.loads(out.content)["rows"]}
    elif fmt == "csv":
        got = {
            r["student"]: points(float(r["score"])) if r["score"] else ""
            for r in csv.DictReader(io.StringIO(out.content.decode()))
        }
    else:
        encoding, delimiter = ("utf-16", "\t") if fmt == "blackboard" else ("utf-8-sig", ",")
        table = parse(out.content, encoding, delimiter)
        column = {"canvas": 5, "moodle": 4, "blackboard": 3, "brightspace": 2, "gradescope": 5}[fmt]
        start = 2 if fmt == "canvas" else 1
        written = [r for r in ROWS if not (fmt == "moodle" and r.score is None)]
        got = {r.student: cells[column] for r, cells in zip(written, table[start:], strict=True)}
        if fmt == "moodle":
            got["103"] = ""
    assert got == FINAL


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_counts_the_student_rows_it_writes(fmt: str) -> None:
    assert run(fmt).rows == len(ROWS) - (fmt == "moodle"), "Moodle's gradebook CSV has no row for a missing student"


# --- the whole job from the gradebook ---------------------------------------------------------------------------

LAB = LabBundle("lab03", "v1", (Question("q1", 4.0), Question("q2", 6.0)), (), Path("tests"), Path("public"))
NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)


def graded(book: Gradebook, student: str, score: float, late_seconds: float | None = None,
           policy: str = "none") -> None:
    """A Canvas submission of LAB, graded ``score`` out of 10, recorded ``late_seconds`` after the due date under
    ``policy`` (as ``grade --due --late-penalty`` records it)."""
    submitted = NOW + timedelta(seconds=late_seconds or -60)
    book.set_late_settings(LAB.lab, NOW, policy)
    lateness = assess(NOW, submitted, None, parse_late_policy(policy))
    info = SubmissionInfo(lab=LAB.lab, student=student, path=f"/class/{student}.ipynb", sha256=student.rjust(64, "0"),
                          source="canvas", submitted_at=submitted, lateness=lateness)
    result = SubmissionResult(info.path, student, LAB.lab, Status.GRADED, score, 10.0, "")
    book.record_run(book.add_submission(info), result, RunInfo("v1", "0.1.0", NOW, NOW, {}))


def test_export_lab_fills_the_roster_writes_the_file_and_records_it(tmp_path: Path) -> None:
    roster = tmp_path / "grades.csv"
    roster.write_bytes(b"\xef\xbb\xbf" + CANVAS_EXPORT.encode("utf-8"))
    target = tmp_path / "out" / "lab03" / "lab03-canvas.csv"
    with Gradebook(tmp_path / "g.sqlite") as book:
        graded(book, "101", 8.5, policy="10%/day")
        graded(book, "202", 9.0, late_seconds=1.5 * DAY, policy="10%/day")
        out = export_lab(book, LAB, "canvas", target=target, roster=roster, assignment="Lab 3")
        (record,) = book.exports(LAB.lab)
    table = parse(out.content, "utf-8-sig")
    column = table[0].index("Lab 3: Tensors (48213)")
    assert target.read_bytes() == out.content
    assert [r[column] for r in table[2:]] == ["8.5", "7", "", "", "", ""], "students without a submission untouched"
    assert out.rows == 2 and out.notices == ()
    assert (record["format"], record["late_policy"], record["rows"]) == ("canvas", "10%/day", 2)
    assert record["file"] == str(target.resolve()) and record["sha256"] == hashlib.sha256(out.content).hexdigest()


def test_export_lab_defaults_the_assignment_to_the_lab(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        graded(book, "101", 8.5)
        out = export_lab(book, LAB, "json", target=tmp_path / "lab03.json")
    document = json.loads(out.content)
    assert (document["assignment"], document["max_score"], document["rows"][0]["late_policy"]) == ("lab03", 10.0,
                                                                                                   "none")
    assert out.rows == 1


@pytest.mark.parametrize(
    ("fmt", "roster_text", "message"),
    [
        ("xlsx", None, "unknown export format 'xlsx'; choose one of: canvas"),
        ("csv", "PK\x03\x04", "roster.csv: an Excel workbook or zip, not CSV; save it as CSV"),
        ("moodle", "Identifier,Full name,Grade\nParticipant 1,Ann Lee,\n", "offline grading worksheet"),
    ],
)
def test_export_lab_refuses_bad_input_before_writing(
    tmp_path: Path, fmt: str, roster_text: str | None, message: str
) -> None:
    roster = None
    if roster_text is not None:
        roster = tmp_path / "roster.csv"
        roster.write_text(roster_text, encoding="utf-8")
    target = tmp_path / "out" / "file"
    with Gradebook(tmp_path / "g.sqlite") as book:
        graded(book, "101", 8.5)
        with pytest.raises(ValueError, match=re.escape(message)) as caught:
            export_lab(book, LAB, fmt, target=target, roster=roster)
        assert book.exports(LAB.lab) == []
    assert "\n" not in str(caught.value) and not target.parent.exists()


# --- formulas in student-controlled text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("https://evil.example","x")', '\'=HYPERLINK("https://evil.example","x")'),
        ("+1+cmd", "'+1+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("  =1+1", "'  =1+1"),
        ("Ann;=1+1", "Ann;'=1+1"),
        ("a\n-b", "a\n'-b"),
        ("-0", "-0"),
        ("-3.5", "-3.5"),
        ("+1e3", "+1e3"),
        ("-8,5", "-8,5"),
        ("-", "-"),
        ("", ""),
        ("Doe, Jane", "Doe, Jane"),
        ("Good, -1 for style", "Good, -1 for style"),
        ("#S001", "#S001"),
    ],
)
def test_text_that_would_run_as_a_formula_is_neutralised_and_numbers_stay(cell: str, written: str) -> None:
    assert neutralise(cell) == written


SPREADSHEET_SEPARATORS = re.compile(r"[,;\t\r\n]")
NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?([eE][+-]?\d+)?")


def live_formulas(cells: list[str]) -> list[str]:
    """Cells, or parts after a separator another program may split on, that a spreadsheet would run."""
    parts = [part for cell in cells for part in (cell, *SPREADSHEET_SEPARATORS.split(cell)[1:])]
    return [p for p in parts if p.lstrip(" ")[:1] in ("=", "+", "-", "@") and not NUMBER.fullmatch(p.strip())
            and len(p.strip()) > 1]  # fmt: skip


@pytest.mark.parametrize("with_roster", [False, True], ids=["plain", "roster"])
@pytest.mark.parametrize("fmt", [*LMS_FORMATS, "csv"])
def test_no_export_holds_a_live_formula_from_student_text(fmt: str, with_roster: bool, tmp_path: Path) -> None:
    roster = roster_file(tmp_path, fmt) if with_roster else None
    jane = GOLDEN_ROWS[0] if with_roster else None  # on every roster: the hostile rows are not, and are left out
    out = run(fmt, rows=(*HOSTILE_ROWS, *filter(None, [jane])), roster=roster)
    encoding, delimiter = ("utf-16", "\t") if fmt == "blackboard" else ("utf-8-sig", ",")
    cells = [cell for cells in parse(out.content, encoding, delimiter) for cell in cells]
    assert cells and not live_formulas(cells)
    if not with_roster and fmt != "brightspace":  # Brightspace writes ids after '#'; a roster gets only scores
        assert {"-42", "-0042", "-3.5"} & set(cells), "numbers, negative ones included, are written as numbers"


def test_plain_json_keeps_student_text_exactly() -> None:
    rows = json.loads(run("json", rows=HOSTILE_ROWS).content)["rows"]
    assert [r["student"] for r in rows] == [r.student for r in HOSTILE_ROWS]
    assert [r["name"] for r in rows] == [r.name for r in HOSTILE_ROWS]


def test_an_lms_download_written_back_keeps_its_own_cells(tmp_path: Path) -> None:
    roster = tmp_path / "worksheet.csv"
    text = MOODLE_WORKSHEET.replace('"Good, but late"', '"-1: late"').replace('"Jane Doe"', '"=Jane Doe"')
    roster.write_text(text, encoding="utf-8")
    after = parse(run("moodle", rows=[replace(ROWS[0], lms_id="8812001")], roster=roster).content)
    assert after[2][-1] == "-1: late" and after[1][1] == "=Jane Doe", "the LMS's file, only the grades changed"
