"""Safe zip reading (shared by download extraction and export zips), the batch's workspace, and the registry of LMS
naming schemes."""

from __future__ import annotations

import io
import logging
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import get_args

import pytest

import autograder
from autograder.intake import archive
from autograder.intake.discover import scan
from autograder.intake.errors import IntakeError
from autograder.intake.lms import SCHEMES, discover, plain, scheme_for
from autograder.intake.notebook import code_cells, receive
from autograder.intake.scheme import Listing, RosterColumn
from autograder.intake.workspace import WORKSPACE_DIR, Extraction, batch_workspace, sweep
from autograder.model import Candidate, Source
from tests.test_lms_intake import LAB, notebook_bytes

ROOT = Path(__file__).resolve().parents[1]


def zip_bytes(entries: dict[str, bytes | str], links: tuple[str, ...] = ()) -> bytes:
    """A zip of ``entries``, plus symlink entries named ``links`` pointing at /etc/passwd."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
        for name in links:
            link = zipfile.ZipInfo(name)
            link.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


UNSAFE = {
    "../escaped.ipynb": "x",
    "sub/../../escaped2.ipynb": "x",
    "/tmp/absolute.ipynb": "x",
    "\\server\\share.ipynb": "x",
    "C:\\windows\\drive.ipynb": "x",
}
JUNK = {
    "__MACOSX/._ok.ipynb": "x",
    ".DS_Store": "x",
    "Thumbs.db": "x",
    "sub/desktop.ini": "x",
    ".ipynb_checkpoints/ok-checkpoint.ipynb": "x",
    "__pycache__/helper.cpython-311.pyc": "x",
    "~$notes.docx": "x",
    ".hidden.ipynb": "x",
}
SAFE = {"ok.ipynb": notebook_bytes(), "sub/data.csv": "1,2\n", "sub/": ""}


# ---------------------------------------------------------------- archive


def test_only_safe_non_junk_files_are_listed_and_unsafe_ones_are_reported(tmp_path, caplog):
    path = write(tmp_path / "a.zip", zip_bytes(SAFE | UNSAFE | JUNK, links=("link.ipynb",)))
    with caplog.at_level(logging.WARNING, logger="autograder.intake.archive"):
        assert archive.member_paths(path) == ["ok.ipynb", "sub/data.csv"]
    reported = {r.getMessage().split("unsafe entry ")[1].removesuffix(" skipped") for r in caplog.records}
    assert reported == {repr(name) for name in [*UNSAFE, "link.ipynb"]}  # junk is dropped silently


def test_extraction_writes_nothing_outside_its_folder_and_no_links(tmp_path):
    path = write(tmp_path / "a.zip", zip_bytes(SAFE | UNSAFE | JUNK, links=("link.ipynb",)))
    dest = tmp_path / "deep" / "dest"
    dest.mkdir(parents=True)
    archive.extract(path, dest, archive.Budget())
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if not p.is_dir()}
    assert written == {"a.zip", "deep/dest/ok.ipynb", "deep/dest/sub/data.csv"}
    assert not any(p.is_symlink() for p in tmp_path.rglob("*"))


def test_a_file_and_a_folder_of_the_same_name_keep_the_first(tmp_path):
    path = write(tmp_path / "a.zip", zip_bytes({"a": "file", "a/b.ipynb": "x"}))
    archive.extract(path, tmp_path / "dest", archive.Budget())
    assert (tmp_path / "dest" / "a").read_text() == "file"


def test_the_member_count_budget_holds_for_extraction_and_export_zips(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBERS", 2)
    data = zip_bytes({f"{LAB}.ipynb": notebook_bytes(), "otter.log": "log", "extra.txt": "x"})
    path = write(tmp_path / "big.zip", data)
    with pytest.raises(IntakeError, match=r"^big\.zip: more than 2 entries$"):
        archive.extract(path, tmp_path, archive.Budget())
    with pytest.raises(IntakeError, match=r"^big\.zip: more than 2 entries$"):
        code_cells(path, data, LAB)


def test_large_entries_are_skipped_and_the_byte_budget_is_shared_by_all_archives(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 1000)
    monkeypatch.setattr(archive, "MAX_EXTRACTED_BYTES", 1500)
    first = write(tmp_path / "one.zip", zip_bytes({"small.txt": b"0" * 800, "video.mp4": b"0" * 5000}))
    second = write(tmp_path / "two.zip", zip_bytes({"small.txt": b"0" * 800}))
    budget = archive.Budget()
    with caplog.at_level(logging.WARNING, logger="autograder.intake.archive"):
        archive.extract(first, tmp_path / "d1", budget)
    assert [p.name for p in (tmp_path / "d1").iterdir()] == ["small.txt"]
    assert "one.zip: video.mp4: larger than" in caplog.text
    assert budget.extracted == 800
    with pytest.raises(IntakeError, match=r"^two\.zip: small\.txt: the archives hold more than"):
        archive.extract(second, tmp_path / "d2", budget)


def test_an_unreadable_zip_is_a_one_line_intake_error(tmp_path):
    with pytest.raises(IntakeError, match=r"^broken\.zip: unreadable zip \(") as info:
        archive.member_paths(write(tmp_path / "broken.zip", b"PK\x03\x04 not really a zip"))
    assert "\n" not in str(info.value)


def test_an_export_zip_is_read_through_the_same_filter(tmp_path):
    data = zip_bytes(
        {f"{LAB}.ipynb": notebook_bytes("y = 2"), "../evil.ipynb": notebook_bytes(), ".hidden.ipynb": "x"}
        | {f".ipynb_checkpoints/{LAB}-checkpoint.ipynb": notebook_bytes(), f"__MACOSX/._{LAB}.ipynb": "junk"},
        links=("link.ipynb",),
    )
    path = write(tmp_path / "ada.zip", data)
    assert code_cells(path, data, LAB) == ("y = 2",)
    cand = Candidate(path, "ada", None, None, None, Source.FILE, path.name, "")
    received = receive(cand, LAB)
    assert (received.problem, received.cells) == (None, ("y = 2",))


def test_an_export_zip_whose_only_notebook_is_unsafe_holds_none(tmp_path):
    data = zip_bytes({"../lab.ipynb": notebook_bytes(), "notes.txt": "x"})
    with pytest.raises(IntakeError, match="the zip holds 0 notebooks"):
        code_cells(tmp_path / "ben.zip", data, LAB)


# ---------------------------------------------------------------- the batch's workspace


def canvas_download(path: Path, code: str = "y = 1") -> Path:
    return write(path, zip_bytes({"doejane_101_1_lab3.ipynb": notebook_bytes(code), "smithbob_102_2_lab3.ipynb": "x"}))


def test_a_batch_names_files_by_their_download_reads_them_while_open_and_leaves_nothing(tmp_path):
    download = canvas_download(tmp_path / "cs101_submissions.zip")
    outer = write(tmp_path / "all.zip", zip_bytes({"sec2_submissions.zip": download.read_bytes()}))
    parent = tmp_path / "course" / WORKSPACE_DIR
    with batch_workspace(parent) as workspace:
        cands = discover([download, outer], workspace, LAB)
        assert [str(c.path) for c in cands] == [
            f"{outer}!sec2_submissions.zip!doejane_101_1_lab3.ipynb",
            f"{download}!doejane_101_1_lab3.ipynb",
            f"{outer}!sec2_submissions.zip!smithbob_102_2_lab3.ipynb",
            f"{download}!smithbob_102_2_lab3.ipynb",
        ]
        assert receive(cands[0], LAB).cells == ("y = 1",)
        assert workspace.root.parent == parent.resolve() and len(list(workspace.root.rglob("*.ipynb"))) == 4
    assert not parent.exists()
    assert receive(cands[0], LAB).problem == "all.zip!sec2_submissions.zip!doejane_101_1_lab3.ipynb: no such file"


def test_a_batch_that_fails_removes_its_workspace_too(tmp_path):
    parent = tmp_path / WORKSPACE_DIR
    with pytest.raises(RuntimeError), batch_workspace(parent) as workspace:
        discover([canvas_download(tmp_path / "cs101_submissions.zip")], workspace, LAB)
        raise RuntimeError("the grader failed")
    assert not parent.exists()


def test_one_budget_bounds_everything_a_batch_extracts(tmp_path):
    first = canvas_download(tmp_path / "cs101_submissions.zip")
    second = canvas_download(tmp_path / "cs102_submissions.zip")
    with batch_workspace(tmp_path / WORKSPACE_DIR, archive.Budget(limit=first.stat().st_size)) as workspace:
        assert workspace.budget.limit == first.stat().st_size
        with pytest.raises(IntakeError, match=r"^cs102_submissions\.zip: .*: the archives hold more than \d+ bytes"):
            discover([first, second], workspace, LAB)
    assert archive.Budget().limit == archive.MAX_EXTRACTED_BYTES == 4 * 2**30


KILLED_BATCH = """
import sys, time
from pathlib import Path
from autograder.intake.lms import discover
from autograder.intake.workspace import batch_workspace
with batch_workspace(Path(sys.argv[1])) as workspace:
    discover([Path(sys.argv[2])], workspace, "lab")
    print(workspace.root, flush=True)
    time.sleep(120)
"""


def test_the_next_batch_removes_what_a_killed_batch_left_and_nothing_else(tmp_path):
    parent = tmp_path / WORKSPACE_DIR
    download = canvas_download(tmp_path / "cs101_submissions.zip")
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BATCH, str(parent), str(download)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    left = Path(proc.stdout.readline().strip())
    os.kill(proc.pid, 9)
    proc.wait()
    proc.stdout.close()
    assert left.parent == parent.resolve() and len(list(left.rglob("*.ipynb"))) == 2, "kill -9 cleans nothing up"
    running = parent / f"{os.getppid()}-0a1b"
    mine_from_before = parent / f"{os.getpid()}-2c3d"
    not_a_workspace = parent / "notes"
    for folder in (running, mine_from_before, not_a_workspace):
        folder.mkdir()
    with batch_workspace(parent) as workspace:
        kept = {running.name, not_a_workspace.name, workspace.root.name}
        assert {p.name for p in parent.iterdir()} == kept, "the killed batch's folder and this pid's old one go"
    assert sweep(parent) == [] and {p.name for p in parent.iterdir()} == {"notes", running.name}


# ---------------------------------------------------------------- the registry of naming schemes


NAMES = {
    Source.MOODLE: "Jane Doe_1234567_assignsubmission_file_lab3.ipynb",
    Source.BLACKBOARD: "Lab 3_jdoe_attempt_2024-03-04-14-22-05_lab3.ipynb",
    Source.CANVAS: "doejane_LATE_101_99812_lab3.ipynb",
}
DOWNLOADS = {
    Source.MOODLE: ["Jane Doe_1234567_assignsubmission_file/lab3.ipynb"],
    Source.BLACKBOARD: ["Lab 3_jdoe_attempt_2024-03-04-14-22-05.txt"],
    Source.CANVAS: ["doejane_101_1_lab3.ipynb", "smithbob_102_2_lab3.ipynb"],
}
LMS_SCHEMES = [s for s in SCHEMES if s.source != Source.FILE]


def listing(folder: Path, *names: str) -> Listing:
    folder.mkdir()
    for name in names:
        (folder / name).write_bytes(notebook_bytes())
    return Listing(folder, tuple(sorted(names)), tuple(sorted(names)), LAB)


def test_each_source_has_one_scheme_and_plain_files_come_last():
    assert sorted(s.source for s in SCHEMES) == sorted(Source)
    assert SCHEMES[-1].source == Source.FILE
    assert all(scheme_for(s.source) is s for s in SCHEMES)
    assert scheme_for("moodle").source == Source.MOODLE  # type: ignore[arg-type]


@pytest.mark.parametrize("source", list(NAMES))
def test_each_scheme_recognises_its_own_names_and_not_the_others(tmp_path, source):
    found = tmp_path / "dl" / NAMES[source]
    folder = listing(tmp_path / "dl", NAMES[source])
    for scheme in LMS_SCHEMES:
        cand = scheme.identify(found, NAMES[source], scheme.read_folder(folder))
        assert (cand.source if cand else None) == (source if scheme.source == source else None), scheme.source
    assert plain.SCHEME.identify(found, NAMES[source], folder).source == Source.FILE  # the fallback names any file


@pytest.mark.parametrize("source", list(DOWNLOADS))
def test_each_scheme_recognises_its_own_download_and_not_the_others(source):
    for scheme in SCHEMES:
        assert scheme.is_download(DOWNLOADS[source], "download") == (scheme.source == source), scheme.source


def test_only_blackboard_ignores_its_receipts_and_only_moodle_has_submission_folders(tmp_path):
    receipt = DOWNLOADS[Source.BLACKBOARD][0]
    assert [s.source for s in SCHEMES if s.ignores(receipt)] == [Source.BLACKBOARD]
    folder = "Jane Doe_1234567_assignsubmission_file"
    namers = [(s.source, namer) for s in SCHEMES if (namer := s.submission_folder(folder))]
    assert [source for source, _ in namers] == [Source.MOODLE]
    cand = namers[0][1](tmp_path / folder / "any name.ipynb", "any name.ipynb")
    assert (cand.student, cand.display_name, cand.original_name) == ("1234567", "Jane Doe", "any name.ipynb")


def test_each_scheme_names_its_export_module_and_valid_roster_columns():
    export = Path(autograder.__file__).parent / "export"
    for scheme in SCHEMES:
        assert (export / f"{scheme.export_module}.py").is_file(), scheme.export_module
        assert scheme.roster_keys and {c for c, _ in scheme.roster_keys} <= set(get_args(RosterColumn))


def test_the_walker_knows_only_the_schemes_it_is_given(tmp_path):
    folder = tmp_path / "cs101_submissions"
    folder.mkdir()
    for name in ("doejane_LATE_101_99812_lab3.ipynb", "smithbob_102_99813_lab3.ipynb"):
        (folder / name).write_bytes(notebook_bytes())
    assert {c.source for c in discover([folder], tmp_path / "w1", LAB)} == {Source.CANVAS}
    only_plain = scan([folder], Extraction(tmp_path / "w2"), LAB, (plain.SCHEME,))
    assert [(c.source, c.student) for c in only_plain] == [
        (Source.FILE, "doejane_LATE_101_99812_lab3"),
        (Source.FILE, "smithbob_102_99813_lab3"),
    ]
