"""Finding submissions in LMS downloads (Canvas, Moodle, Blackboard) and matching them to a roster.

Every download is built here in tmp_path with the exact names the LMSs use (see /work/shared/lms-formats.md).
"""

from __future__ import annotations

import io
import logging
import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest

from autograder.intake import archive as intake_archive
from autograder.intake.lms import discover, latest_per_student, parse_receipt_date
from autograder.intake.notebook import IntakeError, read_notebook, receive
from autograder.intake.roster import Roster, RosterError, Student, load_roster, reconcile
from autograder.model import Candidate

LAB = "lab01-tensors"


def notebook_bytes(code: str = "x = 1") -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.metadata["otter"] = {"assignment_name": LAB}
    nb.cells = [nbformat.v4.new_code_cell(code)]
    return nbformat.writes(nb).encode()


def export_zip_bytes(code: str = "x = 1") -> bytes:
    """What otter's ``grader.export()`` writes: one notebook, a log, junk a Mac adds."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(f"{LAB}.ipynb", notebook_bytes(code))
        z.writestr(".OTTER_LOG", b"log")
        z.writestr(f"__MACOSX/._{LAB}.ipynb", b"junk")
    return buffer.getvalue()


def write_zip(path: Path, entries: dict[str, bytes | str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


def write_tree(root: Path, entries: dict[str, bytes | str]) -> Path:
    for name, data in entries.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def by_file(cands: list[Candidate]) -> dict[str, Candidate]:
    return {c.original_name if c.source != "canvas" else f"{c.student}/{c.original_name}": c for c in cands}


def summary(cands: list[Candidate]) -> list[tuple]:
    return [(c.source, c.student, c.original_name, c.late, c.attempt) for c in cands]


# ---------------------------------------------------------------- Canvas


CANVAS_ZIP = {
    "doejane_LATE_101_99812_lab3.ipynb": notebook_bytes(),
    "smithbob_102_99813_lab3.ipynb": notebook_bytes(),
    "smithbob_102_99814_lab3.pdf": b"%PDF-1.4",
    "müllerjörg_103_99820_lab01-tensors_2024_03_04T10_00_00_000000.zip": export_zip_bytes(),
    "leeann_104_99830_notes.txt": "I could not finish",
    "o_brienmary_105_99840_lab3.ipynb": notebook_bytes(),
    "kimsun_106_text.html": "<p>see attached</p>",
    "__MACOSX/._doejane_LATE_101_99812_lab3.ipynb": b"junk",
    ".DS_Store": b"junk",
    "Thumbs.db": b"junk",
    ".ipynb_checkpoints/doejane_LATE_101_99812_lab3-checkpoint.ipynb": notebook_bytes(),
}


@pytest.fixture
def canvas_zip(tmp_path: Path) -> Path:
    return write_zip(tmp_path / "cs101-lab_3_submissions.zip", CANVAS_ZIP)


def test_canvas_zip_maps_user_ids_lateness_and_original_names(tmp_path, canvas_zip):
    cands = discover([canvas_zip], tmp_path / "work", LAB)
    assert summary(cands) == [
        ("canvas", "101", "lab3.ipynb", True, "99812".zfill(20)),
        ("canvas", "102", "lab3.ipynb", False, "99813".zfill(20)),
        ("canvas", "102", "lab3.pdf", False, "99814".zfill(20)),
        ("canvas", "103", "lab01-tensors_2024_03_04T10_00_00_000000.zip", False, "99820".zfill(20)),
        ("canvas", "104", "notes.txt", False, "99830".zfill(20)),
        ("canvas", "105", "lab3.ipynb", False, "99840".zfill(20)),
        ("canvas", "106", "text.html", False, ""),
    ]
    assert [c.display_name for c in cands][:4] == ["doejane", "smithbob", "smithbob", "müllerjörg"]
    assert cands[5].display_name == "o_brienmary"
    assert all(c.submitted_at is None for c in cands)
    assert all(c.path.is_relative_to(tmp_path / "work") and c.path.is_file() for c in cands)


def test_an_export_zip_inside_a_canvas_zip_is_one_submission(tmp_path, canvas_zip):
    (cand,) = [c for c in discover([canvas_zip], tmp_path / "work", LAB) if c.student == "103"]
    assert cand.path.suffix == ".zip"
    assert read_notebook(cand.path).cells[0].source == "x = 1"


def test_an_unpacked_canvas_folder_reads_the_same(tmp_path):
    folder = write_tree(tmp_path / "cs101-lab_3_submissions", CANVAS_ZIP)
    from_folder = discover([folder], tmp_path / "work", LAB)
    from_zip = discover([write_zip(tmp_path / "c.zip", CANVAS_ZIP)], tmp_path / "work2", LAB)
    assert summary(from_folder) == summary(from_zip)
    assert all(c.path.parent == folder for c in from_folder if c.student != "103")


def test_canvas_anonymous_names(tmp_path):
    folder = write_tree(
        tmp_path / "download",
        {"anon_aB3xZ_99840_lab3.ipynb": notebook_bytes(), "LATE_anon_Qr7Tp_99841_lab3.ipynb": notebook_bytes()},
    )
    cands = discover([folder], tmp_path / "work", LAB)
    assert [(c.student, c.late, c.display_name) for c in cands] == [
        ("anon_Qr7Tp", True, None),
        ("anon_aB3xZ", False, None),
    ]


def test_two_canvas_downloads_latest_attachment_counts_and_a_pdf_never_replaces_the_notebook(tmp_path):
    old = write_zip(tmp_path / "old_submissions.zip", {"doejane_101_500_lab3.ipynb": notebook_bytes("x = 0")})
    new = write_zip(tmp_path / "new_submissions.zip", CANVAS_ZIP)
    counted, superseded = latest_per_student(discover([old, new], tmp_path / "work", LAB))
    jane = next(c for c in counted if c.student == "101")
    assert jane.attempt == "99812".zfill(20) and jane.late is True
    bob = next(c for c in counted if c.student == "102")
    assert bob.original_name == "lab3.ipynb"  # the PDF has a later attachment id but is not gradable
    assert sorted((c.student, c.original_name) for c in superseded) == [("101", "lab3.ipynb"), ("102", "lab3.pdf")]
    assert next(c for c in counted if c.student == "104").original_name == "notes.txt"


# ---------------------------------------------------------------- Moodle


MOODLE_FOLDERS = {
    "Jane Doe_1234567_assignsubmission_file/lab3.ipynb": notebook_bytes(),
    "Bob Smith_1234568_assignsubmission_file/lab3.ipynb": notebook_bytes(),
    "Bob Smith_1234568_assignsubmission_file/data/points.csv": "1,2\n",
    "Bob Smith_1234568_assignsubmission_onlinetext/onlinetext.html": "<p>hello</p>",
    "José Núñez_1234570_assignsubmission_file/lab01-tensors_2024_03_04T10_00_00_000000.zip": export_zip_bytes(),
    "Participant_1234571_assignsubmission_file/lab3.ipynb": notebook_bytes(),
    "Jane Doe_1234567_assignsubmission_file/.DS_Store": b"junk",
}


def test_moodle_folders_map_participant_ids_and_full_names(tmp_path):
    cands = discover([write_zip(tmp_path / "CS101-Lab 3-42.zip", MOODLE_FOLDERS)], tmp_path / "work", LAB)
    assert [(c.student, c.display_name, c.original_name) for c in cands] == [
        ("1234567", "Jane Doe", "lab3.ipynb"),
        ("1234568", "Bob Smith", "lab3.ipynb"),
        ("1234568", "Bob Smith", "onlinetext.html"),
        ("1234568", "Bob Smith", "points.csv"),
        ("1234570", "José Núñez", "lab01-tensors_2024_03_04T10_00_00_000000.zip"),
        ("1234571", None, "lab3.ipynb"),
    ]
    assert {(c.source, c.late, c.submitted_at) for c in cands} == {("moodle", None, None)}
    counted, superseded = latest_per_student(cands)
    assert [c.original_name for c in counted if c.student == "1234568"] == ["lab3.ipynb"]
    assert len(superseded) == 2


def test_moodle_flat_names_and_a_whole_course_zip(tmp_path):
    flat = {
        "Ann Lee_1234569_assignsubmission_file_lab3.ipynb": notebook_bytes(),
        "Ann Lee_1234569_assignsubmission_file_my_lab_attempt_2.ipynb": notebook_bytes(),
    }
    course = write_zip(
        tmp_path / "course.zip",
        {f"Lab 3/{name}": data for name, data in MOODLE_FOLDERS.items()} | {f"Lab 4/{n}": d for n, d in flat.items()},
    )
    cands = discover([course], tmp_path / "work", LAB)
    assert {(c.student, c.original_name) for c in cands if c.student == "1234569"} == {
        ("1234569", "lab3.ipynb"),
        ("1234569", "my_lab_attempt_2.ipynb"),
    }
    assert len(cands) == 8 and {c.source for c in cands} == {"moodle"}


def test_a_single_moodle_submission_folder_given_alone(tmp_path):
    root = write_tree(tmp_path, MOODLE_FOLDERS)
    (cand,) = discover([root / "Jane Doe_1234567_assignsubmission_file" / "lab3.ipynb"], tmp_path / "work", LAB)
    assert (cand.source, cand.student, cand.display_name) == ("moodle", "1234567", "Jane Doe")


# ---------------------------------------------------------------- Blackboard


def receipt(name: str, username: str, date: str, files: list[str]) -> str:
    listing = "".join(f"\tOriginal filename: {f}\n\tFilename: Lab 3_{username}_attempt_x_{f}\n" for f in files)
    return (
        f"Name: {name} ({username})\nAssignment: Lab 3\nDate Submitted: {date}\nCurrent Grade: Needs Grading\n\n"
        f"Submission Field:\nThere is no student submission text data for this assignment.\n\nFiles:\n{listing}"
    )


JANE_1 = receipt("Jane Doe", "jdoe", "Monday, March 4, 2024 2:22:05 PM EST", ["lab3.ipynb"])
JANE_2 = receipt("Jane Doe", "jdoe", "Tuesday, March 5, 2024 9:00:00 AM EST", ["lab3.ipynb", "lab3.pdf"])
MARY = receipt(
    "Mary Ann Smith", "mary_ann", "Wednesday, 4 September 2019 13:04:25 o'clock BST", ["my_lab_attempt_2.ipynb"]
)
BLACKBOARD = {
    "Lab 3_jdoe_attempt_2024-03-04-14-22-05_lab3.ipynb": notebook_bytes("x = 1"),
    "Lab 3_jdoe_attempt_2024-03-04-14-22-05.txt": JANE_1,
    "Lab 3_jdoe_attempt_2024-03-05-09-00-00_lab3.ipynb": notebook_bytes("x = 2"),
    "Lab 3_jdoe_attempt_2024-03-05-09-00-00_lab3.pdf": b"%PDF",
    "Lab 3_jdoe_attempt_2024-03-05-09-00-00.txt": JANE_2,
    "Lab 3_mary_ann_attempt_2024-03-04-20-00-00_my_lab_attempt_2.ipynb": notebook_bytes(),
    "Lab 3_mary_ann_attempt_2024-03-04-20-00-00.txt": MARY,
    "Lab 3_bo_attempt_2024-03-06-10-00-00.txt": receipt("Bo Li", "bo", "March 6, 2024 10:00:00 AM CST", []),
    "Lab 3_cy_attempt_2024-03-06-11-00-00_notes.txt": "a student's text file, not a receipt",
    ".DS_Store": b"junk",
}


def test_blackboard_usernames_names_times_and_receipts(tmp_path):
    cands = discover([write_zip(tmp_path / "gradebook_lab3.zip", BLACKBOARD)], tmp_path / "work", LAB)
    assert [(c.student, c.display_name, c.original_name, c.attempt) for c in cands] == [
        ("cy", None, "notes.txt", "2024-03-06-11-00-00"),
        ("jdoe", "Jane Doe", "lab3.ipynb", "2024-03-04-14-22-05"),
        ("jdoe", "Jane Doe", "lab3.ipynb", "2024-03-05-09-00-00"),
        ("jdoe", "Jane Doe", "lab3.pdf", "2024-03-05-09-00-00"),
        ("mary_ann", "Mary Ann Smith", "my_lab_attempt_2.ipynb", "2024-03-04-20-00-00"),
    ]
    utc = UTC
    assert cands[1].submitted_at == datetime(2024, 3, 4, 19, 22, 5, tzinfo=utc)  # 2:22 PM EST
    assert cands[4].submitted_at == datetime(2019, 9, 4, 12, 4, 25, tzinfo=utc)  # the receipt wins over the name
    assert cands[0].submitted_at == datetime(2024, 3, 6, 11, 0, 0, tzinfo=utc)  # no receipt: the name, as UTC
    assert {(c.source, c.late) for c in cands} == {("blackboard", None)}


def test_blackboard_latest_attempt_counts(tmp_path):
    cands = discover([write_tree(tmp_path / "bb", BLACKBOARD)], tmp_path / "work", LAB)
    counted, superseded = latest_per_student(cands)
    jane = next(c for c in counted if c.student == "jdoe")
    assert (jane.attempt, jane.original_name) == ("2024-03-05-09-00-00", "lab3.ipynb")
    assert read_notebook(jane.path).cells[0].source == "x = 2"
    assert sorted((c.attempt, c.original_name) for c in superseded) == [
        ("2024-03-04-14-22-05", "lab3.ipynb"),
        ("2024-03-05-09-00-00", "lab3.pdf"),
    ]
    assert [c.student for c in counted] == ["cy", "jdoe", "mary_ann"]


def test_blackboard_usernames_with_underscores_without_receipts(tmp_path):
    folder = write_tree(
        tmp_path / "bb",
        {
            "Lab_3_jane_doe_attempt_2024-03-04-14-22-05_lab3.ipynb": notebook_bytes(),
            "Lab_3_bob_attempt_2024-03-04-15-00-00_lab3.ipynb": notebook_bytes(),
        },
    )
    assert [c.student for c in discover([folder], tmp_path / "work", LAB)] == ["bob", "jane_doe"]


def test_blackboard_receipt_dates():
    assert parse_receipt_date("Monday, March 4, 2024 2:22:05 PM EST") == datetime(2024, 3, 4, 19, 22, 5, tzinfo=UTC)
    assert parse_receipt_date("2024-03-04 14:22:05 +0100") == datetime(2024, 3, 4, 13, 22, 5, tzinfo=UTC)
    assert parse_receipt_date("Monday, March 4, 2024 2:22:05 PM") is None  # no zone: not known in UTC
    assert parse_receipt_date("gestern") is None


# ---------------------------------------------------------------- plain files and folders


def test_plain_folders_are_not_taken_for_an_lms(tmp_path):
    folder = write_tree(
        tmp_path / "class",
        {
            "ada.ipynb": notebook_bytes(),
            "my_lab_attempt_2.ipynb": notebook_bytes(),
            "lab_3_2024_final.ipynb": notebook_bytes(),
            "hal.zip": export_zip_bytes(),
            "gina.txt": "print('hi')",
            "finn/lab01-tensors.ipynb": notebook_bytes(),
            "finn/.ipynb_checkpoints/lab01-tensors-checkpoint.ipynb": notebook_bytes(),
            "Thumbs.db": b"junk",
        },
    )
    cands = discover([folder], tmp_path / "work", LAB)
    assert [(c.source, c.student, c.original_name) for c in cands] == [
        ("file", "ada", "ada.ipynb"),
        ("file", "finn", "lab01-tensors.ipynb"),
        ("file", "gina", "gina.txt"),
        ("file", "hal", "hal.zip"),
        ("file", "lab_3_2024_final", "lab_3_2024_final.ipynb"),
        ("file", "my_lab_attempt_2", "my_lab_attempt_2.ipynb"),
    ]
    assert {(c.late, c.submitted_at, c.display_name) for c in cands} == {(None, None, None)}
    assert not (tmp_path / "work").exists()  # an export zip is one submission, never extracted


def test_otter_export_timestamps_order_a_students_files(tmp_path):
    folder = write_tree(
        tmp_path / "ada",
        {
            f"{LAB}_2024_03_05T09_00_00_000000.zip": export_zip_bytes("x = 2"),
            f"{LAB}_2024_03_04T09_00_00_000000.zip": export_zip_bytes("x = 1"),
            f"{LAB}.ipynb": notebook_bytes("x = 0"),
        },
    )
    counted, superseded = latest_per_student(discover([folder], tmp_path / "work", LAB))
    assert [(c.student, c.original_name) for c in counted] == [("ada", f"{LAB}_2024_03_05T09_00_00_000000.zip")]
    assert len(superseded) == 2


def test_an_explicit_zip_of_plain_notebooks_is_expanded(tmp_path):
    archive = write_zip(tmp_path / "class.zip", {"ada.ipynb": notebook_bytes(), "ben.ipynb": notebook_bytes()})
    assert [c.student for c in discover([archive], tmp_path / "work", LAB)] == ["ada", "ben"]


def test_paths_given_twice_and_in_any_order_give_the_same_list(tmp_path, canvas_zip):
    bb = write_tree(tmp_path / "bb", BLACKBOARD)
    one = discover([canvas_zip, bb, bb / "Lab 3_cy_attempt_2024-03-06-11-00-00_notes.txt"], tmp_path / "w1", LAB)
    two = discover([bb, canvas_zip], tmp_path / "w2", LAB)
    assert summary(one) == summary(two)
    assert [c.source for c in one] == sorted(c.source for c in one)


# ---------------------------------------------------------------- hostile and broken archives


def hostile_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("doejane_101_1_lab3.ipynb", notebook_bytes())
        z.writestr("smithbob_102_2_lab3.ipynb", notebook_bytes())
        z.writestr("../escaped.ipynb", notebook_bytes())
        z.writestr("sub/../../escaped2.ipynb", notebook_bytes())
        z.writestr("/tmp/absolute.ipynb", notebook_bytes())
        z.writestr("C:\\windows\\drive.ipynb", notebook_bytes())
        link = zipfile.ZipInfo("evil_103_3_link.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
        z.writestr("smithbob_102_2_lab3.ipynb", b"a duplicate entry")
    return path


def test_a_hostile_zip_writes_nothing_outside_the_workdir(tmp_path):
    work = tmp_path / "deep" / "work"
    with pytest.warns(UserWarning, match="Duplicate name"):
        archive = hostile_zip(tmp_path / "hostile_submissions.zip")
    cands = discover([archive], work, LAB)
    assert [(c.student, c.original_name) for c in cands] == [("101", "lab3.ipynb"), ("102", "lab3.ipynb")]
    assert read_notebook(cands[1].path).cells  # the first of the duplicates, not the later one
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {
        "hostile_submissions.zip",
        "deep/work/1/hostile_submissions/doejane_101_1_lab3.ipynb",
        "deep/work/1/hostile_submissions/smithbob_102_2_lab3.ipynb",
    }
    assert not any(p.is_symlink() for p in work.rglob("*"))


def test_a_corrupt_zip_given_by_the_instructor_is_a_one_line_error(tmp_path):
    broken = tmp_path / "submissions.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IntakeError, match=r"submissions.zip: unreadable zip") as info:
        discover([broken], tmp_path / "work", LAB)
    assert "\n" not in str(info.value)
    with pytest.raises(IntakeError, match="no such file or folder"):
        discover([tmp_path / "nowhere"], tmp_path / "work", LAB)


def test_a_corrupt_zip_inside_a_download_is_still_a_submission(tmp_path):
    archive = write_zip(
        tmp_path / "cs101-lab_3_submissions.zip",
        {"doejane_101_1_lab3.zip": b"PK\x03\x04 broken", "smithbob_102_2_lab3.ipynb": notebook_bytes()},
    )
    folder = write_tree(tmp_path / "class", {"ada.zip": b"PK\x03\x04 broken", "ben.ipynb": notebook_bytes()})
    cands = discover([archive, folder], tmp_path / "work", LAB)
    assert [(c.student, c.original_name) for c in cands] == [
        ("101", "lab3.zip"),
        ("102", "lab3.ipynb"),
        ("ada", "ada.zip"),
        ("ben", "ben.ipynb"),
    ]
    with pytest.raises(IntakeError, match=r"doejane_101_1_lab3\.zip: "):
        read_notebook(cands[0].path)  # grading records the error for that student alone


def test_size_limits(tmp_path, monkeypatch):
    archive = write_zip(
        tmp_path / "cs101-lab_3_submissions.zip",
        {"doejane_101_1_lab3.ipynb": notebook_bytes(), "smithbob_102_2_video.mp4": b"0" * 5000},
    )
    monkeypatch.setattr(intake_archive, "MAX_MEMBER_BYTES", 4000)
    assert [c.student for c in discover([archive], tmp_path / "w1", LAB)] == ["101"]
    monkeypatch.setattr(intake_archive, "MAX_EXTRACTED_BYTES", 100)
    with pytest.raises(IntakeError, match="more than"):
        discover([archive], tmp_path / "w2", LAB)


def test_archives_nest_one_level_only_and_inside_a_zip_of_zips_only_downloads_are_opened(tmp_path):
    inner_archive = io.BytesIO()
    with zipfile.ZipFile(inner_archive, "w") as z:
        z.writestr("deeper.zip", b"PK\x05\x06" + b"\0" * 18)
        z.writestr("ada.ipynb", notebook_bytes())
        z.writestr("ben.ipynb", notebook_bytes())
    outer = write_zip(
        tmp_path / "outer.zip", {"moodle_course.zip": write_moodle_zip(), "all.zip": inner_archive.getvalue()}
    )
    cands = discover([outer], tmp_path / "work", LAB)
    assert sorted((c.source, c.student) for c in cands) == [("file", "all"), ("moodle", "1234567")]


def write_moodle_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("Jane Doe_1234567_assignsubmission_file/lab3.ipynb", notebook_bytes())
    return buffer.getvalue()


# ---------------------------------------------------------------- whose a file is: never the names inside an upload


ALICE_LATER = f"alice/{LAB}_2099_01_01T00_00_00_000000.ipynb"
"""Named inside a student's zip so that, were it believed, it would be alice's latest attempt."""


def zip_bytes(entries: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


def canvas_lookalike_upload() -> bytes:
    """A student's zip whose entries are named as a Canvas download of other students' later attempts."""
    return zip_bytes({"smithalice_102_99999999_lab.ipynb": notebook_bytes("x = 0"),
                      "roebob_103_99999998_lab.ipynb": notebook_bytes("x = 0")})  # fmt: skip


def test_a_zip_in_a_class_folder_is_its_students_one_submission(tmp_path):
    mallory = zip_bytes({ALICE_LATER: notebook_bytes("x = 0"), f"alice/{LAB}.ipynb": notebook_bytes("x = 0"),
                         "pad.zip": export_zip_bytes()})  # fmt: skip
    folder = write_tree(tmp_path / "class", {"alice.ipynb": notebook_bytes(), "mallory.zip": mallory})
    cands = discover([folder], tmp_path / "work", LAB)
    assert [(c.student, c.original_name, c.attempt) for c in cands] == [
        ("alice", "alice.ipynb", ""),
        ("mallory", "mallory.zip", ""),
    ]
    assert not (tmp_path / "work").exists()
    problem = receive(cands[1], LAB).problem
    assert problem.startswith("mallory.zip: the zip holds 2 notebooks (alice/") and "never split" in problem


def test_a_canvas_upload_given_alone_or_in_a_folder_is_never_opened(tmp_path, caplog):
    late = write_tree(tmp_path / "late", {"doejane_101_99812_lab.zip": canvas_lookalike_upload()})
    with caplog.at_level(logging.WARNING, logger="autograder.intake.discover"):
        in_folder = discover([late], tmp_path / "w1", LAB)
    alone = discover([late / "doejane_101_99812_lab.zip"], tmp_path / "w2", LAB)
    for cands in (in_folder, alone):
        assert [(c.source, c.student) for c in cands] == [("canvas", "101")]
    assert not (tmp_path / "w1").exists() and not (tmp_path / "w2").exists()
    assert "looks like an LMS download" not in caplog.text, "an upload an LMS named is never worth opening"


def test_a_canvas_upload_is_the_same_student_in_its_download_and_alone(tmp_path):
    name = "jonesbob_12346_67891_lab01-tensors.ipynb"
    download = write_tree(tmp_path / "submissions", {name: notebook_bytes(), "smithann_12347_67892_lab.ipynb":
                                                     notebook_bytes()})
    alone = write_tree(tmp_path / "regrade", {name: notebook_bytes()})
    together = {c.original_name: (c.source, c.student) for c in discover([download], tmp_path / "w1", LAB)}
    (single,) = discover([alone], tmp_path / "w2", LAB)
    (given,) = discover([alone / name], tmp_path / "w3", LAB)
    assert together["lab01-tensors.ipynb"] == (single.source, single.student) == (given.source, given.student) == (
        "canvas", "12346")


def test_a_download_found_in_a_folder_is_one_submission_named_in_a_warning(tmp_path, caplog):
    folder = write_tree(tmp_path / "downloads", {"cs101-lab_3_submissions.zip": zip_bytes(CANVAS_ZIP)})
    with caplog.at_level(logging.WARNING, logger="autograder.intake.discover"):
        cands = discover([folder], tmp_path / "work", LAB)
    assert [c.student for c in cands] == ["cs101-lab_3_submissions"]
    assert "cs101-lab_3_submissions.zip looks like an LMS download" in caplog.text
    assert "name it on the command line" in caplog.text


def test_inside_an_lms_download_every_zip_is_one_students_upload(tmp_path):
    first = write_zip(tmp_path / "sec1" / "submissions.zip", {"smithalice_102_500_lab.ipynb": notebook_bytes()})
    second = write_zip(tmp_path / "sec2" / "submissions.zip", {"doejane_101_99812_lab.zip": canvas_lookalike_upload()})
    moodle = write_zip(tmp_path / "CS101-Lab 1-42.zip",
                       {"Jane Doe_4411_assignsubmission_file/lab.zip": canvas_lookalike_upload()})
    cands = discover([first, second, moodle], tmp_path / "work", LAB)
    assert [(c.source, c.student, c.original_name) for c in cands] == [
        ("canvas", "101", "lab.zip"),
        ("canvas", "102", "lab.ipynb"),
        ("moodle", "4411", "lab.zip"),
    ]


def test_a_zip_of_one_students_notebooks_given_by_name_stays_whole(tmp_path):
    zoe = write_zip(tmp_path / "zoe.zip", {ALICE_LATER: notebook_bytes("x = 0"), f"alice/{LAB}.ipynb": b"{}"})
    (cand,) = discover([zoe], tmp_path / "work", LAB)
    assert (cand.student, cand.original_name) == ("zoe", "zoe.zip")
    assert "zoe.zip: the zip holds 2 notebooks" in receive(cand, LAB).problem


# ---------------------------------------------------------------- rosters


CANVAS_EXPORT = """Student,ID,SIS User ID,SIS Login ID,Section,Lab 3 (48213)
    Points Possible,,,,,10.00
"Doe, Jane",101,S001,jdoe,CS101-01,8.5
"Smith, Bob",102,S002,bsmith,CS101-01,
"Müller, Jörg",103,S003,jmuller,CS101-02,
"Absent, Al",107,S007,aabsent,CS101-02,
"""


def test_canvas_export_roster_matches_canvas_ids(tmp_path, canvas_zip):
    path = tmp_path / "grades.csv"
    path.write_text(CANVAS_EXPORT)
    roster = load_roster(path)
    assert roster.students[0] == Student("101", "Doe, Jane", None, "S001", "101", "jdoe")
    counted, _ = latest_per_student(discover([canvas_zip], tmp_path / "work", LAB))
    report = reconcile(roster, counted)
    assert {k: s.sis_id for k, s in report.matched.items()} == {"101": "S001", "102": "S002", "103": "S003"}
    assert [s.key for s in report.missing] == ["107"]
    assert [c.student for c in report.unknown] == ["104", "105", "106"]


def test_canvas_sortable_name_slugs_match_a_name_only_roster(tmp_path, canvas_zip):
    path = tmp_path / "names.csv"
    path.write_text('Name\nJane Doe\n"Smith, Bob"\nJörg Müller\nMary O\'Brien\nAl Absent\n')
    report = reconcile(load_roster(path), discover([canvas_zip], tmp_path / "work", LAB))
    assert {k: s.name for k, s in report.matched.items()} == {
        "101": "Jane Doe",
        "102": "Smith, Bob",
        "103": "Jörg Müller",
        "105": "Mary O'Brien",  # Canvas wrote "o_brienmary"
    }
    assert [s.name for s in report.missing] == ["Al Absent"]


def test_moodle_worksheet_roster(tmp_path):
    path = tmp_path / "worksheet.csv"
    path.write_text(
        "Identifier,Full name,Email address,Status,Grade,Maximum Grade\n"
        "Participant 1234567,Jane Doe,jane@example.edu,Submitted,,10\n"
        "Participant 1234568,Bob Smith,bob@example.edu,Submitted,,10\n"
        "Participant 1234599,Cy Young,cy@example.edu,No submission,,10\n"
    )
    roster = load_roster(path)
    assert roster.students[0] == Student("1234567", "Jane Doe", "jane@example.edu", None, "1234567", None)
    cands = discover([write_zip(tmp_path / "m.zip", MOODLE_FOLDERS)], tmp_path / "work", LAB)
    report = reconcile(roster, latest_per_student(cands)[0])
    assert sorted(report.matched) == ["1234567", "1234568"]
    assert [s.name for s in report.missing] == ["Cy Young"]
    assert [c.student for c in report.unknown] == ["1234570", "1234571"]


def test_moodle_names_match_a_gradebook_export_without_participant_ids(tmp_path):
    path = tmp_path / "moodle.csv"
    path.write_text('"First name",Surname,"ID number","Email address"\nJose,Nunez,S010,jn@example.edu\n')
    cands = discover([write_zip(tmp_path / "m.zip", MOODLE_FOLDERS)], tmp_path / "work", LAB)
    assert reconcile(load_roster(path), cands).matched["1234570"].sis_id == "S010"  # accents folded


def test_blackboard_roster_in_utf16_tabs_matches_usernames(tmp_path):
    path = tmp_path / "gc_download.xls"
    rows = ['"Last Name"\t"First Name"\t"Username"\t"Student ID"', '"Doe"\t"Jane"\t"jdoe"\t"S001"',
            '"Smith"\t"Mary Ann"\t"mary_ann"\t"S002"', '"Li"\t"Bo"\t"bo"\t"S003"']  # fmt: skip
    path.write_bytes("\n".join(rows).encode("utf-16"))
    roster = load_roster(path)
    assert roster.students[1] == Student("S002", "Mary Ann Smith", None, "S002", None, "mary_ann")
    counted, _ = latest_per_student(discover([write_tree(tmp_path / "bb", BLACKBOARD)], tmp_path / "work", LAB))
    report = reconcile(roster, counted)
    assert sorted(report.matched) == ["jdoe", "mary_ann"]
    assert [s.username for s in report.missing] == ["bo"]  # a receipt alone is no submission
    assert [c.student for c in report.unknown] == ["cy"]


def test_plain_files_match_by_email_local_part_username_or_name(tmp_path):
    folder = write_tree(
        tmp_path / "class",
        {"jdoe.ipynb": notebook_bytes(), "Smith_Bob.ipynb": notebook_bytes(), "S003.ipynb": notebook_bytes(),
         "stranger.ipynb": notebook_bytes()},
    )  # fmt: skip
    path = tmp_path / "roster.csv"
    path.write_text(
        "student id;name;email\nS001;Jane Doe;JDoe@example.edu\nS002;Bob Smith;bob@example.edu\nS003;Cy Lee;cy@x.org\n"
        "S004;Dee Dee;dd@x.org\n"
    )
    report = reconcile(load_roster(path), discover([folder], tmp_path / "work", LAB))
    assert {k: s.key for k, s in report.matched.items()} == {"jdoe": "S001", "Smith_Bob": "S002", "S003": "S003"}
    assert [s.key for s in report.missing] == ["S004"]
    assert [c.student for c in report.unknown] == ["stranger"]


def test_an_ambiguous_name_matches_no_one():
    twins = Roster((Student("1", "Ann Lee", None, None, None, None), Student("2", "Lee, Ann", None, None, None, None)))
    cand = Candidate(Path("x.ipynb"), "x", "Ann Lee", None, None, "moodle", "x.ipynb", "")
    assert twins.find(cand) is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the roster is empty"),
        (b"Lab 3,Lab 4\n8,9\n", "no column names a student"),
        (b"PK\x03\x04rest", "save it as CSV"),
        (b"Name,Email\n", "lists no students"),
    ],
)
def test_unreadable_rosters_give_one_line_reasons(tmp_path, content, reason):
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    with pytest.raises(RosterError, match=reason) as info:
        load_roster(path)
    assert "\n" not in str(info.value)


def test_a_missing_roster_is_a_roster_error(tmp_path):
    with pytest.raises(RosterError, match="cannot read the roster"):
        load_roster(tmp_path / "nope.csv")


def test_a_blackboard_file_graded_alone_keeps_the_student_its_folder_gave(tmp_path):
    """Without receipts, ``Lab_3_jane_doe`` alone splits at the last ``_``; the gradebook (or a roster) that knows
    ``jane_doe`` settles it, so regrading one file never creates a second student."""
    from autograder.batch import known_identities
    from autograder.intake.roster import Roster, Student
    from autograder.model import SubmissionInfo
    from autograder.record.gradebook import Gradebook

    name = "Lab_3_jane_doe_attempt_2024-03-04-14-22-05_lab3.ipynb"
    (alone,) = discover([write_tree(tmp_path / "alone", {name: notebook_bytes()})], tmp_path / "work", LAB)
    assert alone.student == "doe" and alone.aliases == ("3_jane_doe", "jane_doe")
    with Gradebook(tmp_path / "g.sqlite") as book:
        assert known_identities(book, LAB, [alone]) == [alone], "nothing known: the name's own split"
        book.add_submission(SubmissionInfo(LAB, "jane_doe", "/x.ipynb", "0" * 64, source="blackboard"))
        (settled,) = known_identities(book, LAB, [alone])
    assert settled.student == "jane_doe" and settled.path == alone.path
    roster = Roster((Student("jane_doe", "Jane Doe", None, None, None, "jane_doe"),))
    with Gradebook(tmp_path / "empty.sqlite") as book:
        assert known_identities(book, LAB, [alone], roster)[0].student == "jane_doe"
    both = Roster((Student("jane_doe", None, None, None, None, "jane_doe"),
                   Student("3_jane_doe", None, None, None, None, "3_jane_doe")))
    with Gradebook(tmp_path / "empty2.sqlite") as book:
        assert known_identities(book, LAB, [alone], both)[0].student == "doe", "two known splits: no guess"
