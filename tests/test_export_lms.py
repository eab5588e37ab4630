"""Every LMS export read back the way that LMS's importer reads it, with and without its roster; refusals.

Each ``*_import`` function below models what the LMS's own importer checks (sources in docs/lms-formats.md): a
file our export writes must pass it, and a class the LMS could not place must be refused, with exit code 1 and one
line naming what is needed, before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.export import ExportRefused, ScoreRow, export, export_lab
from autograder.labs import LabBundle, Question
from autograder.model import Lateness, RowStatus, RunInfo, Status, SubmissionInfo, SubmissionResult
from autograder.record.gradebook import Gradebook
from tests.conftest import ROOT

LAB = LabBundle("lab03", "v1", (Question("q1", 4.0), Question("q2", 6.0)), (), Path("tests"), Path("public"))
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
EXAMPLES = ROOT / "examples" / "rosters"


def add(book: Gradebook, student: str, score: float, *, lab: str = LAB.lab, source: str = "file",
        name: str | None = None, attempt: str = "", late: bool | None = None) -> None:
    """A graded submission named the way ``source``'s download names it."""
    info = SubmissionInfo(lab=lab, student=student, path=f"/class/{student}.ipynb", sha256=student.rjust(64, "0"),
                          source=source, display_name=name, attempt=attempt, late=late)
    result = SubmissionResult(info.path, student, lab, Status.GRADED, score, 10.0, "")
    book.record_run(book.add_submission(info), result, RunInfo("v1", "0.1.0", NOW, NOW, {}))


def row(student: str, score: float | None, **ids: str | None) -> ScoreRow:
    fields = {"name": None, "email": None, "sis_id": None, "lms_id": None, "username": None, "id_source": None} | ids
    status = RowStatus.MISSING if score is None else RowStatus.GRADED
    return ScoreRow(student=student, score=score, max_score=10.0, status=status, submitted_at=None,
                    lateness=Lateness(), **fields)


def run(rows: list[ScoreRow], fmt: str, roster: Path | None = None, **options: str) -> tuple[bytes, int]:
    """Export ``rows`` as 'Lab 3', or as the example class's lab01-tensors when an example roster is given."""
    assignment = "lab01-tensors" if roster is not None and roster.parent == EXAMPLES else "Lab 3"
    out = export(rows, fmt, assignment=assignment, max_score=14, roster_file=roster, **options)
    return out.content, out.rows


def table(data: bytes, delimiter: str | None = None) -> list[list[str]]:
    """Decoded as the LMSs decode: UTF-16 by its BOM, else UTF-8 with an optional BOM."""
    text = data.decode("utf-16") if data.startswith(b"\xff\xfe") else data.decode("utf-8-sig")
    first = text.splitlines()[0]
    sep = delimiter or max(",;\t", key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


# --- the importers, as their sources describe them ---------------------------------------------------------------


def canvas_import(data: bytes, title: str = "Lab 3") -> dict[tuple[str, str, str], str]:
    """``gradebook_importer.rb``: 'Student' then 'ID' heads the file, identity columns end at 'Section'; a row is
    placed by its Canvas ID, SIS User ID or SIS Login ID; the Points Possible row is not a student."""
    rows = table(data)
    header = rows[0]
    assert "Student" in header[0] and "ID" in header[1]
    section = header.index("Section")
    grade = next(i for i, h in enumerate(header) if i > section and h.startswith(title))
    placed = {}
    for cells in rows[1:]:
        if "Points Possible" in cells[0] or cells[0] == "Student, Test":
            continue
        ids = (cells[1], cells[header.index("SIS User ID")], cells[header.index("SIS Login ID")])
        assert any(ids), f"Canvas cannot place {cells}"
        assert not ids[0] or ids[0].isdigit(), "a Canvas user ID is a number"
        placed[ids] = cells[grade]
    return placed


def moodle_gradebook_import(data: bytes, map_from: str, title: str = "Lab 3") -> dict[str, str]:
    """``grade/import/csv``: equal-length rows; one column mapped to a user field; one blank value aborts all."""
    rows = table(data, ",")
    assert len({len(r) for r in rows}) == 1, "every row has the header's number of columns"
    column = rows[0].index(map_from)
    grade = next(i for i, h in enumerate(rows[0]) if h.startswith(f"Assignment: {title}"))
    assert all(r[column].strip() for r in rows[1:]), "Moodle aborts the whole import on a blank identifier"
    assert all(r[grade] not in ("", "-") for r in rows[1:]), "no row sets 'no grade' (it would clear one)"
    return {r[column]: r[grade] for r in rows[1:]}


def blackboard_upload(data: bytes, title: str = "Lab 3") -> dict[str, str]:
    """Grade Center upload: a Username in every row, every field quoted, '|id' columns fill existing ones."""
    text = data.decode("utf-16") if data.startswith(b"\xff\xfe") else data.decode("utf-8")
    for line in text.splitlines():
        assert all(f.startswith('"') and f.endswith('"') for f in line.split("\t")), line
    rows = table(data, "\t")
    user = rows[0].index("Username")
    grade = next(i for i, h in enumerate(rows[0]) if h.startswith(title))
    assert all(r[user] for r in rows[1:]), "the upload fails on a row without a username"
    return {r[user]: r[grade] for r in rows[1:]}


def brightspace_import(data: bytes, title: str = "Lab 3") -> dict[tuple[str, str], str]:
    """D2L 'Importing grades': OrgDefinedId and/or Username per row, '<item> Points Grade', 'End-of-Line Indicator'
    last with '#'; no names or emails."""
    rows = table(data, ",")
    header = rows[0]
    assert header[-1] == "End-of-Line Indicator" and all(r[-1] == "#" for r in rows[1:])
    assert not {"First Name", "Last Name", "Email"} & set(header)
    grade = next(i for i, h in enumerate(header) if re.match(rf"{re.escape(title)} Points Grade", h))
    org = header.index("OrgDefinedId") if "OrgDefinedId" in header else None
    user = header.index("Username") if "Username" in header else None
    placed = {}
    for cells in rows[1:]:
        ids = (cells[org] if org is not None else "", cells[user] if user is not None else "")
        assert any(ids), f"Brightspace cannot place {cells}"
        placed[ids] = cells[grade]
    return placed


# --- a class named each LMS's way -------------------------------------------------------------------------------

CANVAS_ROWS = [row("101", 8.5, name="doejane", lms_id="101", id_source="canvas"),
               row("anon_x7", 6.0, lms_id="anon_x7", id_source="canvas", sis_id="S2")]
PLAIN_ROWS = [row("ada", 7.0), row("ben", 4.0)]


def test_canvas_without_roster_writes_only_ids_canvas_places() -> None:
    data, rows = run(CANVAS_ROWS, "canvas")
    assert canvas_import(data) == {("101", "", ""): "8.5", ("", "S2", ""): "6"}, "anon_ ids are no Canvas ids"
    assert rows == 2
    moodle_id_only_sis = [row("8812001", 5.0, lms_id="8812001", id_source="moodle", sis_id="S9")]
    assert canvas_import(run(moodle_id_only_sis, "canvas")[0]) == {("", "S9", ""): "5"}, "no Moodle id as Canvas ID"


def test_canvas_with_its_export_fills_the_assignment() -> None:
    data, rows = run([*PLAIN_ROWS, row("zed", 3.0)], "canvas", EXAMPLES / "canvas-gradebook.csv")
    placed = canvas_import(data, "lab01-tensors")
    assert placed[("5101", "S2026001", "ada")] == "7" and placed[("5102", "S2026002", "ben")] == "4"
    assert sum(bool(v) for v in placed.values()) == rows == 2, "zed is in no roster row and counts for nothing"


def test_moodle_gradebook_csv_maps_from_one_complete_column() -> None:
    rows = [row("ada", 7.0, email="ada@example.edu", username="ada"), row("ben", 4.0, email="ben@example.edu"),
            row("cy", None, email="cy@example.edu")]
    data, count = run(rows, "moodle")
    assert moodle_gradebook_import(data, "Email address") == {"ada@example.edu": "7", "ben@example.edu": "4"}
    assert count == 2 and data.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("roster", ["moodle-grades.csv", "participants.csv"])
def test_moodle_gradebook_csv_filled_from_a_moodle_user_list(roster: str, tmp_path: Path) -> None:
    source = EXAMPLES / "moodle-grades.csv"
    if roster == "participants.csv":  # user/action_redir.php: First name, Last name, the identity fields
        source = tmp_path / roster
        source.write_text("First name,Last name,Email address\nAda,Lovelace,ada@example.edu\n"
                          "Ben,Okafor,ben@example.edu\nChloé,Dubois,chloe@example.edu\n", encoding="utf-8")
    rows = [row("ada", 7.0, email="ada@example.edu"), row("ben", 4.0, email="ben@example.edu")]
    out = export(rows, "moodle", assignment="lab01-tensors", max_score=14, roster_file=source)
    expected = {"ada@example.edu": "7", "ben@example.edu": "4"}
    assert moodle_gradebook_import(out.content, "Email address", "lab01-tensors") == expected
    header = table(out.content, ",")[0]
    assert header[:2] == ["First name", "Last name"], "the user list's own columns, as Moodle wrote them"
    assert out.rows == 2 and "map users from 'Email address' to useremail" in out.notices[0]


def test_moodle_user_list_column_for_the_assignment_is_reused() -> None:
    rows = [row("ada", 7.0, email="ada@example.edu")]
    out = export(rows, "moodle", assignment="lab02-slicing-reshaping", max_score=18,
                 roster_file=EXAMPLES / "moodle-grades.csv")
    assert table(out.content, ",")[0][-1] == "Assignment: lab02-slicing-reshaping (Real)"


@pytest.mark.parametrize("encoding", [None, "utf-16", "utf-8"])
def test_blackboard_encoding_as_downloaded_or_chosen(encoding: str | None) -> None:
    options = {"encoding": encoding} if encoding else {}
    data, _ = run([row("ada", 7.0, username="ada", name="Ada Lovelace")], "blackboard", **options)
    assert data.startswith(b"\xff\xfe") == (encoding != "utf-8"), "UTF-16 with a BOM unless UTF-8 is asked for"
    assert blackboard_upload(data) == {"ada": "7"}
    data, _ = run([row("ada", 7.0, username="ada")], "blackboard", EXAMPLES / "blackboard-gradecenter.xls",
                  **options)
    assert data.startswith(b"\xff\xfe") == (encoding != "utf-8"), "the download's own encoding unless one is chosen"


def test_blackboard_with_its_download_fills_the_column() -> None:
    data, rows = run(PLAIN_ROWS, "blackboard", EXAMPLES / "blackboard-gradecenter.xls")
    assert blackboard_upload(data, "lab01-tensors") == {"ada": "7", "ben": "4"}
    assert table(data, "\t")[0][-1] == "lab01-tensors [Total Pts: 14 Score] |40001", "the column's id, as downloaded"
    assert rows == 2


def test_brightspace_without_and_with_its_export() -> None:
    rows = [row("ada", 7.0, sis_id="S1", lms_id="5101"), row("ben", 4.0, username="ben")]
    data, count = run(rows, "brightspace")
    assert brightspace_import(data) == {("#S1", ""): "7", ("", "#ben"): "4"}, "OrgDefinedId is the student number"
    assert count == 2
    data, count = run(PLAIN_ROWS, "brightspace", EXAMPLES / "brightspace-grades.csv")
    assert brightspace_import(data, "lab01-tensors") == {("#S2026001", "#ada"): "7", ("#S2026002", "#ben"): "4"}
    assert table(data, ",")[0][2] == "lab01-tensors Points Grade <Numeric MaxPoints:14 Weight:0 Category:Labs>"
    assert count == 2


@pytest.mark.parametrize(
    ("fmt", "rows", "needs"),
    [
        ("canvas", PLAIN_ROWS, "without a Canvas user ID, SIS User ID or SIS Login ID (ada, ben)"),
        ("moodle", PLAIN_ROWS, "without an email address, ID number or username (ada, ben)"),
        ("blackboard", CANVAS_ROWS, "without a Blackboard username (doejane (101), anon_x7)"),
        ("brightspace", CANVAS_ROWS[:1], "without an OrgDefinedId or Username (doejane (101))"),
        ("gradescope", PLAIN_ROWS, "without a name, SID or email (ada, ben)"),
    ],
)
def test_a_class_the_lms_cannot_place_is_refused_in_one_line(fmt: str, rows: list[ScoreRow], needs: str) -> None:
    with pytest.raises(ExportRefused) as caught:
        run(rows, fmt)
    message = str(caught.value)
    assert message.startswith(f"{fmt} export refused: ") and needs in message and "\n" not in message
    assert "--roster" in message, "the message says what would make it import"


@pytest.mark.parametrize("fmt", ["canvas", "moodle", "blackboard", "brightspace"])
def test_a_roster_that_matches_nobody_is_refused(fmt: str) -> None:
    roster = {"canvas": "canvas-gradebook.csv", "moodle": "moodle-worksheet-lab01-tensors.csv",
              "blackboard": "blackboard-gradecenter.xls", "brightspace": "brightspace-grades.csv"}[fmt]
    strangers = [row("zed", 5.0, name="Zed Zimmer", username="zz", sis_id="X1", email="zz@else.edu")]
    with pytest.raises(ExportRefused, match=f"{fmt} export refused: none of the 1 scored students is in the"):
        export(strangers, fmt, assignment="lab01-tensors", max_score=14, roster_file=EXAMPLES / roster)


def test_cli_refusal_exits_1_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    book_path = tmp_path / "g.sqlite"
    with Gradebook(book_path) as book:
        add(book, "ada", 7.0, lab="lab01-tensors")
    target = tmp_path / "out" / "canvas.csv"
    result = CliRunner().invoke(main, ["--course", str(ROOT), "export", "lab01-tensors", "--format", "canvas",
                                       "--gradebook", str(book_path), "-o", str(target)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: canvas export refused: 1 student without a Canvas user ID")
    assert not target.exists()
    with Gradebook(book_path) as book:
        assert book.exports("lab01-tensors") == []


def test_encoding_is_blackboards_only() -> None:
    with pytest.raises(ValueError, match="--encoding is for the blackboard format only"):
        run(PLAIN_ROWS, "csv", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown encoding 'latin-1' for blackboard"):
        run(PLAIN_ROWS, "blackboard", encoding="latin-1")


# --- the main job ------------------------------------------------------------------------------------------------

SCRIPT = (ROOT / "scripts" / "grade-examples.sh").read_text()
JOB_ROSTERS = {"canvas": "canvas-gradebook.csv", "moodle": "moodle-grades.csv",
               "blackboard": "blackboard-gradecenter.xls", "brightspace": "brightspace-grades.csv",
               "gradescope": "class.csv", "csv": "class.csv", "json": "class.csv"}
CLASS = ("ada", "ben", "chloe", "dev", "finn", "gina", "hal")


def test_the_main_job_hides_no_warning_and_passes_each_lms_its_roster() -> None:
    assert "2>/dev/null" not in SCRIPT
    assert "--roster \"$(roster_for \"$format\")\"" in SCRIPT
    for fmt, name in JOB_ROSTERS.items():
        assert (EXAMPLES / name).is_file()
        assert f"{name}\"" in SCRIPT.split("roster_for()", 1)[1], f"{fmt} is given {name}"


@pytest.mark.parametrize("fmt", list(JOB_ROSTERS))
def test_the_example_class_exports_to_every_format_without_refusal(fmt: str, tmp_path: Path) -> None:
    """The example class as the main job grades it (plain files named after each student) fills every roster."""
    lab = LabBundle("lab01-tensors", "v1", (Question("q1", 14.0),), (), Path("tests"), Path("public"))
    with Gradebook(tmp_path / "g.sqlite") as book:
        for i, student in enumerate(CLASS):
            add(book, student, float(i), lab=lab.lab)
        out = export_lab(book, lab, fmt, target=tmp_path / "file", roster=EXAMPLES / JOB_ROSTERS[fmt])
    assert out.rows == len(CLASS)
    assert not [n for n in out.notices if "not in the" in n or "no column" in n]


def test_a_refusal_stays_one_line_whatever_the_names() -> None:
    with pytest.raises(ExportRefused) as caught:
        run([row("x\r\ny", 1.0, name="Ann\n=cmd Lee")], "blackboard")
    assert "\n" not in str(caught.value) and "\r" not in str(caught.value) and "Ann =cmd Lee (x y)" in str(caught.value)
