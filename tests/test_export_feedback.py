"""Feedback back into each LMS: zips named as the LMSs' own importers read them, comment columns, refusals.

The zips are opened and every name is parsed the way the LMS's importer parses it (Moodle's
``assignfeedback_file_zip_importer::is_valid_filename_for_import``, Canvas's
``Assignment#infer_comment_context_from_filename``); each file must be the page the report wrote for that student.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.export import ExportRefused, feedback_lab
from autograder.export.feedback_files import comment_html
from autograder.record.gradebook import Gradebook
from tests.conftest import ROOT
from tests.test_export_lms import EXAMPLES, LAB, add

MOODLE_CLASS = {"8812001": "Jane Doe", "8812002": "Ann_Marie Lee", "8812003": "Participant"}
CANVAS_CLASS = {"101": ("doejane", "99812", True), "102": ("leeann", "99813", False)}


def moodle_import_names(names: list[str], participants: set[str]) -> dict[str, str]:
    """``is_valid_filename_for_import``: split each path part on '_' (at most 5 pieces); the second piece is a
    participant id of the assignment, the third and fourth a plugin; the rest is the feedback file's name."""
    placed = {}
    for name in names:
        parts = name.split("/")
        assert not parts[-1].startswith((".", "~")), "the importer skips hidden files"
        while parts:
            info = parts.pop(0).split("_", 4)
            if len(info) >= 4 and info[1].isdigit() and info[1] in participants:
                assert (info[2], info[3]) == ("assignsubmission", "file")
                placed[info[1]] = "/".join([info[4] if len(info) == 5 else "", *parts])
                break
        else:
            pytest.fail(f"Moodle would skip {name}")
    return placed


def canvas_import_name(name: str) -> tuple[str, str]:
    """``infer_comment_context_from_filename``: the first two all-digit '_' pieces are user id and file id."""
    user_id, attachment_id = [piece for piece in name.split("_") if re.fullmatch(r"\d+", piece)][:2]
    return user_id, attachment_id


def pages(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in folder.glob("*.html")}


def test_moodle_feedback_zip_is_named_as_moodles_download(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        for pid, name in MOODLE_CLASS.items():
            add(book, pid, 7.0, source="moodle", name=None if name == "Participant" else name)
        done = feedback_lab(book, LAB, "moodle", out_dir=tmp_path / "fb")
    (zip_path,) = done.files
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        content = {name: archive.read(name).decode() for name in names}
    assert sorted(names) == ["Ann Marie Lee_8812002_assignsubmission_file/lab03-feedback.html",
                             "Jane Doe_8812001_assignsubmission_file/lab03-feedback.html",
                             "Participant_8812003_assignsubmission_file/lab03-feedback.html"]
    placed = moodle_import_names(names, set(MOODLE_CLASS))
    assert set(placed) == set(MOODLE_CLASS) and set(placed.values()) == {"/lab03-feedback.html"}
    written = pages(tmp_path / "fb")
    for name, html in content.items():
        assert html == written[name.split("_")[1]], "the zip holds the student's own page"
    assert done.students == 3


def test_moodle_worksheet_gets_grade_and_feedback_comments(tmp_path: Path) -> None:
    worksheet = EXAMPLES / "moodle-worksheet-lab01-tensors.csv"
    with Gradebook(tmp_path / "g.sqlite") as book:
        add(book, "ada", 7.0)
        add(book, "ben", 4.0)
        done = feedback_lab(book, LAB, "moodle", out_dir=tmp_path / "fb", roster=worksheet,
                            assignment="lab01-tensors")
        recorded = book.exports(LAB.lab)
    zip_path, sheet = done.files
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8-sig"), newline="")))
    by_name = {r["Full name"]: r for r in rows}
    assert (by_name["Ada Lovelace"]["Grade"], by_name["Ben Okafor"]["Grade"]) == ("7", "4")
    markdown = (tmp_path / "fb" / "ada.md").read_text(encoding="utf-8")
    assert by_name["Ada Lovelace"]["Feedback comments"] == comment_html(markdown)
    assert by_name["Ada Lovelace"]["Feedback comments"].startswith("<p><strong>lab03: 7 / 10 points</strong>")
    assert "\n" not in by_name["Ada Lovelace"]["Feedback comments"]
    assert by_name["Dev Patel"]["Grade"] == "" and by_name["Dev Patel"]["Feedback comments"] == "", "untouched"
    with zipfile.ZipFile(zip_path) as archive:
        assert sorted(archive.namelist()) == ["Ada Lovelace_880101_assignsubmission_file/lab03-feedback.html",
                                              "Ben Okafor_880102_assignsubmission_file/lab03-feedback.html"]
    assert [(r["format"], r["rows"]) for r in recorded] == [("moodle-feedback", 2)]


def test_worksheet_without_feedback_comments_is_refused_before_writing(tmp_path: Path) -> None:
    worksheet = tmp_path / "sheet.csv"
    worksheet.write_text("Identifier,Full name,Email address,Grade,Last modified (grade)\n"
                         "Participant 1,Ada Lovelace,ada@example.edu,,-\n", encoding="utf-8")
    with Gradebook(tmp_path / "g.sqlite") as book:
        add(book, "ada", 7.0)
        with pytest.raises(ExportRefused, match="no 'Feedback comments' column; enable the feedback type"):
            feedback_lab(book, LAB, "moodle", out_dir=tmp_path / "fb", roster=worksheet)
    assert not (tmp_path / "fb").exists(), "nothing written"


def test_canvas_feedback_zip_names_follow_the_submissions_download(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        for uid, (slug, attachment, late) in CANVAS_CLASS.items():
            add(book, uid, 6.0, source="canvas", name=slug, attempt=attachment.zfill(20), late=late)
        done = feedback_lab(book, LAB, "canvas", out_dir=tmp_path / "fb")
    with zipfile.ZipFile(done.files[0]) as archive:
        names = sorted(archive.namelist())
        assert names == ["doejane_LATE_101_99812_lab03-feedback.html", "leeann_102_99813_lab03-feedback.html"]
        assert {canvas_import_name(n) for n in names} == {(u, a) for u, (_, a, _) in CANVAS_CLASS.items()}
        assert archive.read(names[0]).decode() == pages(tmp_path / "fb")["101"]
    assert "Re-upload Submissions" in done.notices[0]


def test_canvas_feedback_refused_without_canvas_ids(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        add(book, "anon_x7", 6.0, source="canvas", attempt="9".zfill(20))
        add(book, "ada", 6.0)
        with pytest.raises(ExportRefused, match=r"canvas feedback refused: 2 students without Canvas's user and file"):
            feedback_lab(book, LAB, "canvas", out_dir=tmp_path / "fb")
    assert not (tmp_path / "fb").exists()


def test_blackboard_feedback_fills_feedback_to_learner(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        add(book, "ada", 7.0)
        done = feedback_lab(book, LAB, "blackboard", out_dir=tmp_path / "fb", assignment="lab01-tensors",
                            roster=EXAMPLES / "blackboard-column-lab01-tensors.xls", encoding="utf-8")
    data = done.files[0].read_bytes()
    assert not data.startswith(b"\xff\xfe"), "UTF-8 as asked"
    (header, cells) = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter="\t"))
    assert header[-3:] == ["lab01-tensors [Total Pts: 14 Score] |40001", "Feedback to Learner", "Feedback Format"]
    assert cells[2] == "ada" and cells[-3] == "7" and cells[-1] == "HTML"
    assert cells[-2] == comment_html((tmp_path / "fb" / "ada.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("roster", [None, "blackboard-gradecenter.xls"])
def test_blackboard_feedback_needs_the_column_download_with_comments(roster: str | None, tmp_path: Path) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        add(book, "ada", 7.0)
        with pytest.raises(ExportRefused, match="Include comments for this Column"):
            feedback_lab(book, LAB, "blackboard", out_dir=tmp_path / "fb", assignment="lab01-tensors",
                         roster=EXAMPLES / roster if roster else None)
    assert not (tmp_path / "fb").exists()


def test_brightspace_feedback_is_refused_with_the_reason(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        add(book, "ada", 7.0)
        with pytest.raises(ExportRefused, match="Brightspace's grades import takes no comments"):
            feedback_lab(book, LAB, "brightspace", out_dir=tmp_path / "fb")


def test_comment_html_escapes_what_the_student_wrote() -> None:
    html = comment_html("**lab: 1 / 2 points** for x\n\n```\n<script>alert(1)</script>\nline 2\n```\n\n<b>hi</b>\n")
    assert "<script" not in html and "<b>" not in html and "&lt;script&gt;" in html
    assert "\n" not in html and "&lt;/script&gt;&#10;line 2" in html, "line breaks kept inside <pre> only"


def test_cli_feedback_lms_refusal_exits_1_in_one_line(tmp_path: Path) -> None:
    book_path = tmp_path / "g.sqlite"
    with Gradebook(book_path) as book:
        add(book, "ada", 7.0, lab="lab01-tensors")
    result = CliRunner().invoke(main, ["--course", str(ROOT), "feedback", "lab01-tensors", "--lms", "moodle",
                                       "--gradebook", str(book_path), "-o", str(tmp_path / "fb")])
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: moodle feedback refused: 1 student without a Moodle participant id (ada)")
    assert "--roster with the assignment's grading worksheet" in line
