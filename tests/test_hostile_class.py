"""A hostile class graded end to end: no upload touches another student's grade, extraction leaves nothing behind
(even after ``kill -9``), and no student-chosen name reaches the instructor's spreadsheet as a live formula.

One batch serves every assertion: a first ``grade`` (the CLI) is killed with SIGKILL once it has extracted the
downloads, then ``grade_class`` grades the class again in the same gradebook folder.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.batch import BatchOptions, grade_class
from autograder.export import FORMATS, ExportRefused, export_lab
from autograder.intake.workspace import WORKSPACE_DIR
from autograder.labs import LabBundle
from autograder.model import StoredResult
from autograder.record.gradebook import Gradebook
from tests.conftest import FAST_LIMITS
from tests.test_export import live_formulas

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "lab01-tensors"
LAB = "lab01-tensors"
FULL, ZERO = (EXAMPLES / "ada.ipynb").read_bytes(), (EXAMPLES / "dev.ipynb").read_bytes()
FORMULA_FILE = '=HYPERLINK("https:evil.example","open")'
FORMULA_NAME = "@SUM(1+1)*cmd"


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def hostile_class(root: Path) -> list[Path]:
    """The paths an instructor names: two Canvas downloads, a plain class folder, a zip, a Moodle download.

    Each upload's entries are named as later attempts of someone else (Canvas user 102, plain student alice, Moodle
    participant 4411); before the fix, each became that student's latest attempt and its uploader had no row.
    """
    canvas_lookalike = zip_of({"smithalice_102_99999999_lab.ipynb": ZERO, "roebob_103_99999998_lab.ipynb": ZERO,
                               "Mal Ory_4411_assignsubmission_file/lab.ipynb": ZERO})  # fmt: skip
    again = zip_of({"smithalice_102_99999999_lab.ipynb": ZERO, "roebob_103_99999998_lab.ipynb": ZERO})
    alice_later = {f"alice/{LAB}_2099_01_01T00_00_00.ipynb": ZERO, f"alice/{LAB}_2098_01_01T00_00_00.ipynb": ZERO}
    return [
        write(root / "sec1" / "CS101-Lab 1_submissions.zip", zip_of(
            {"smithalice_102_500_lab01-tensors.ipynb": FULL, "doejane_101_99812_lab.zip": canvas_lookalike})),
        write(root / "sec2" / "CS101-Lab 1_submissions.zip", zip_of({"doejane_101_99813_lab.zip": again})),
        write(root / "class" / "alice.ipynb", FULL).parent,
        write(root / "class" / "mallory.zip", zip_of(alice_later | {"pad.zip": (EXAMPLES / "hal.zip").read_bytes()})),
        write(root / "class" / f"{FORMULA_FILE}.ipynb", FULL),
        write(root / "zoe.zip", zip_of({f"alice/{LAB}_2097_01_01T00_00_00.ipynb": ZERO, f"alice/{LAB}.ipynb": ZERO})),
        write(root / "CS101-Lab 1-42.zip", zip_of({f"{FORMULA_NAME}_4412_assignsubmission_file/lab.ipynb": FULL})),
    ]


@dataclass(frozen=True)
class Batch:
    book: Path
    left_by_the_killed_run: dict[Path, int]
    """Each folder the killed run left, and how many notebooks were extracted into it."""
    stored: tuple[StoredResult, ...]

    def counted(self) -> dict[str, StoredResult]:
        return {s.info.student: s for s in self.stored if not s.superseded}


def killed_cli_run(paths: list[Path], book: Path) -> dict[Path, int]:
    """Start ``autograder grade``, SIGKILL it once it has extracted the downloads; what it left in the workspace."""
    args = [sys.executable, "-m", "autograder.cli", "grade", LAB, *map(str, paths), "--gradebook", str(book)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = book.parent / WORKSPACE_DIR
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not list(parent.glob("*/*/*/*.ipynb")):
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return {folder: len(list(folder.rglob("*.ipynb"))) for folder in parent.iterdir()} if parent.exists() else {}


@pytest.fixture(scope="module")
def batch(lab01: LabBundle, tmp_path_factory: pytest.TempPathFactory) -> Batch:
    root = tmp_path_factory.mktemp("hostile")
    paths = hostile_class(root)
    book = root / "course" / "gradebook.sqlite"
    book.parent.mkdir()
    left = killed_cli_run(paths, book)
    grade_class(lab01, paths, book, BatchOptions(jobs=2, limits=FAST_LIMITS))
    with Gradebook(book) as gb:
        stored = tuple(gb.results(LAB, include_superseded=True))
    return Batch(book, left, stored)


def test_no_upload_adds_an_attempt_for_anyone_but_its_uploader(batch: Batch) -> None:
    counted = batch.counted()
    assert sorted(counted) == sorted(["101", "102", "4412", "alice", "mallory", "zoe", FORMULA_FILE])
    assert counted["102"].result.score == 14, "alice (Canvas 102) keeps her own full-marks notebook"
    assert counted["alice"].result.score == 14, "alice (plain) keeps hers"
    assert {s.info.student for s in batch.stored} == set(counted), "no one else got a superseded attempt either"
    assert counted["101"].info.attempt == "99813".zfill(20), "the uploader has a row: their own later upload"
    for student in ("101", "mallory", "zoe"):
        message = counted[student].result.message
        assert counted[student].result.status == "error" and "never split among students" in message, message


def test_the_batch_leaves_no_extraction_and_names_files_by_their_download(batch: Batch) -> None:
    left = [p.name for p in batch.book.parent.iterdir() if not p.name.startswith("gradebook.sqlite")]
    assert left == [], "no extraction folder, no temp files"
    paths = {s.info.student: s.info.path for s in batch.stored if not s.superseded}
    root = batch.book.parent.parent
    assert paths["102"] == f"{root}/sec1/CS101-Lab 1_submissions.zip!smithalice_102_500_lab01-tensors.ipynb"
    assert paths["101"] == f"{root}/sec2/CS101-Lab 1_submissions.zip!doejane_101_99813_lab.zip"
    assert paths["alice"] == f"{root}/class/alice.ipynb"


def test_what_a_killed_batch_extracted_is_removed_by_the_next(batch: Batch) -> None:
    assert batch.left_by_the_killed_run, "kill -9 left the extracted downloads behind"
    assert all(batch.left_by_the_killed_run.values())
    assert not any(folder.exists() for folder in batch.left_by_the_killed_run)


@pytest.mark.parametrize("fmt", FORMATS)
def test_student_chosen_names_reach_no_export_as_a_formula(batch: Batch, lab01: LabBundle, fmt: str, tmp_path: Path):
    target = tmp_path / f"export.{fmt}"
    with Gradebook(batch.book) as gb:
        try:
            content = export_lab(gb, lab01, fmt, target=target).content
        except ExportRefused as refused:  # plain files carry no LMS ids: neutralising is shown by the goldens
            assert fmt not in ("csv", "json") and "export refused" in str(refused) and not target.exists()
            return
    if fmt == "json":
        rows = json.loads(content)["rows"]
        assert {FORMULA_FILE, FORMULA_NAME} <= {r["student"] for r in rows} | {r["name"] for r in rows}, "as is"
        return
    encoding, delimiter = ("utf-16", "\t") if fmt == "blackboard" else ("utf-8-sig", ",")
    table = csv.reader(io.StringIO(content.decode(encoding), newline=""), delimiter=delimiter)
    cells = [cell for row in table for cell in row]
    assert not live_formulas(cells), fmt
    hostile = {FORMULA_FILE: ("csv",), FORMULA_NAME: ("canvas", "moodle", "blackboard", "gradescope", "csv")}
    for text, formats in hostile.items():
        if fmt in formats:
            assert f"'{text}" in cells, (fmt, text)

