"""Grading a whole class: hostile submissions, crash-safe resume, LMS downloads, isolation between students."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograder.batch import BatchOptions, grade_batch
from autograder.export.scoring import after_penalty
from autograder.intake.lms import discover
from autograder.model import Limits
from autograder.record.gradebook import Gradebook
from tests.conftest import stored_runs

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]

HOSTILE = {
    "loops": ("while True:\n    pass", "timeout", "stopped after 8 s"),
    "eats_memory": ("hoard = []\nwhile True:\n    hoard.append(bytearray(50_000_000))", "graded",
                    "MemoryError"),
    "forks": ("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass", "timeout",
              "8 s"),
    "exits": ("import os\nos._exit(3)", "error", "exited early with code 3"),
    "segfaults": ("import ctypes\nctypes.string_at(0)", "error", "SIGSEGV"),
    "shouts": ("print('x' * 100_000_000)", "graded", ""),
    "asks": ("name = input('Your name? ')", "graded", "input() cannot be answered while grading"),
    "phones_home": ("import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=2)", "graded",
                    "there is no network while grading"),
    "snoops": (f"print(open({str(ROOT / 'solutions' / 'lab01-tensors.ipynb')!r}).read())", "graded",
               "files outside the notebook's folder do not exist while grading"),
}


def batch(bundle, folder: Path, book_path: Path, limits: Limits, jobs: int = 2):
    candidates = discover([folder], folder.parent / "extracted", bundle.lab)
    with Gradebook(book_path) as book:
        grade_batch(bundle, book, candidates, BatchOptions(jobs=jobs, limits=limits))
        return {s.info.student: s.result for s in book.results(bundle.lab)}


def test_a_hostile_class_gets_clear_statuses_and_the_rest_is_graded_correctly(lab01, make_submission, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name, (code, _, _) in HOSTILE.items():
        shutil.move(make_submission(name, solved="all", append=[code]), folder / f"{name}.ipynb")
    shutil.move(make_submission("honest_full", solved="all"), folder / "honest_full.ipynb")
    shutil.move(make_submission("honest_part", solved=["q1", "q2"]), folder / "honest_part.ipynb")
    results = batch(lab01, folder, tmp_path / "g.sqlite", Limits(timeout=8, grace=4, memory_mb=1536))
    assert (results["honest_full"].status, results["honest_full"].score) == ("graded", 14)
    assert (results["honest_part"].status, results["honest_part"].score) == ("graded", 4)
    for name, (_, status, message) in HOSTILE.items():
        assert results[name].status == status, (name, results[name].message)
        assert message in results[name].message, (name, results[name].message)
        if status == "graded":
            assert results[name].score == 14, name
    assert len(results["shouts"].cells[-1].output) < Limits.output_kb * 1024 + 200


def run_cli(*args: str, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], capture_output=True, text=True, **kw)


def test_killing_the_grader_mid_batch_then_rerunning_grades_each_submission_exactly_once(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for i in range(10):
        source = ["ada", "ben", "chloe", "dev"][i % 4]
        shutil.copy(ROOT / "examples" / "lab01-tensors" / f"{source}.ipynb", folder / f"student{i:02d}.ipynb")
        (folder / f"student{i:02d}.ipynb").write_text((folder / f"student{i:02d}.ipynb").read_text() + " " * i)
    book = tmp_path / "g.sqlite"
    args = ["grade", "lab01-tensors", str(folder), "--gradebook", str(book), "--jobs", "2"]
    proc = subprocess.Popen([sys.executable, "-m", "autograder.cli", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and stored_runs(book) < 3:
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = stored_runs(book)
    assert 3 <= done_before < 10, "the kill should land in the middle of the batch"
    rerun = run_cli(*args, "--json", cwd=ROOT)
    assert rerun.returncode == 0, rerun.stderr
    assert len(json.loads(rerun.stdout)) == 10
    with Gradebook(book) as gb:
        assert sorted(gb.run_counts("lab01-tensors").values()) == [1] * 10



CANVAS_ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Lab 1 (48213)\n"
    "    Points Possible,,,,,14.00\n"
    '"Doe, Jane",101,S001,jdoe,CS101-01,\n'
    '"Roe, Rick",102,S002,rroe,CS101-01,\n'
    '"Poe, Edgar",103,S003,epoe,CS101-01,\n'
)


ENCODINGS = {"blackboard": ("utf-16", "\t"), "json": None}


def _table(path: Path, fmt: str) -> list[list[str]]:
    if fmt == "json":
        return [[r["student"], str(r["score"])] for r in json.loads(path.read_text())["rows"]]
    encoding, delimiter = ENCODINGS.get(fmt) or ("utf-8-sig", ",")
    return list(csv.reader(path.read_text(encoding=encoding).splitlines(), delimiter=delimiter))


@pytest.fixture(scope="module")
def canvas_gradebook(tmp_path_factory) -> Path:
    """A gradebook holding a small Canvas download: one late submission, one on time."""
    folder = tmp_path_factory.mktemp("canvas")
    examples = ROOT / "examples" / "lab01-tensors"
    canvas = folder / "CS101-Lab 1_submissions.zip"
    with zipfile.ZipFile(canvas, "w") as z:
        z.write(examples / "ada.ipynb", "doejane_LATE_101_99812_lab01-tensors.ipynb")
        z.write(examples / "ben.ipynb", "roerick_102_99813_lab.ipynb")
    book = folder / "g.sqlite"
    done = run_cli("grade", "lab01-tensors", str(canvas), "--gradebook", str(book), "--late-penalty", "10%/day",
                   cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "1 submission is marked late by the LMS without a time" in done.stderr
    return book


def test_the_late_policy_moved_to_grading_says_where(canvas_gradebook, tmp_path):
    for command in (["export", "lab01-tensors", "--format", "csv"], ["feedback", "lab01-tensors"]):
        done = run_cli(*command, "--late-penalty", "10%/day", "--gradebook", str(canvas_gradebook),
                       "-o", str(tmp_path / "out"), cwd=ROOT)
        assert done.returncode == 2 and "--late-penalty is given when grading" in done.stderr, done.stderr
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fmt", ["moodle", "blackboard", "brightspace"])
def test_an_export_the_lms_could_not_match_is_refused_in_one_line(fmt, canvas_gradebook, tmp_path):
    """A Canvas download carries no email or username, which these LMSs match on: nothing is written."""
    out = tmp_path / f"export.{fmt}"
    done = run_cli("export", "lab01-tensors", "--format", fmt, "--gradebook", str(canvas_gradebook), "-o", str(out),
                   cwd=ROOT)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1 and len(lines) == 1 and "export refused" in lines[0], done.stderr
    assert "--roster" in lines[0] and not out.exists()


@pytest.mark.parametrize("fmt", ["canvas", "gradescope", "csv", "json"])
def test_every_export_read_back_matches_the_gradebook(fmt, canvas_gradebook, tmp_path):
    book = canvas_gradebook
    out = tmp_path / f"export.{fmt}"
    done = run_cli("export", "lab01-tensors", "--format", fmt, "--gradebook", str(book), "-o", str(out), cwd=ROOT)
    assert done.returncode == 0, done.stderr
    with Gradebook(book) as gb:
        stored = gb.results("lab01-tensors")
    table = _table(out, fmt)
    assert any(entry.info.lateness.percent for entry in stored), "the fixture grades a LATE_ file under 10%/day"
    for entry in stored:
        final, _ = after_penalty(entry.result.score, entry.result.max_score, entry.info.lateness)
        names = {entry.info.student, f"#{entry.info.student}", entry.info.display_name}
        rows = [r for r in table if names & {cell.strip() for cell in r}]
        assert len(rows) == 1, (fmt, entry.info.student, table)
        assert any(cell.strip() in (f"{final:g}", str(final)) for cell in rows[0]), (fmt, final, rows[0])


def test_lms_downloads_are_mapped_to_the_right_students(tmp_path):
    examples = ROOT / "examples" / "lab01-tensors"
    canvas = tmp_path / "CS101-Lab 1_submissions.zip"
    with zipfile.ZipFile(canvas, "w") as z:
        z.write(examples / "ada.ipynb", "doejane_LATE_101_99812_lab01-tensors.ipynb")
        z.write(examples / "ben.ipynb", "roerick_102_99813_my lab.ipynb")
        z.write(examples / "dev.ipynb", "strangerdanger_999_99814_lab01-tensors.ipynb")
    roster = tmp_path / "canvas.csv"
    roster.write_text(CANVAS_ROSTER)
    book = tmp_path / "g.sqlite"
    out = run_cli("grade", "lab01-tensors", str(canvas), "--gradebook", str(book), "--roster", str(roster),
                  "--late-penalty", "10%/day", "--json", cwd=ROOT)
    assert out.returncode == 0, out.stderr
    scores = {r["student"]: r["score"] for r in json.loads(out.stdout)}
    assert scores == {"101": 14, "102": 6.5, "999": 0}
    assert "no submission" in out.stderr and "Poe" in out.stderr
    assert "not on the roster" in out.stderr and "999" in out.stderr
    exported = tmp_path / "canvas-import.csv"
    done = run_cli("export", "lab01-tensors", "--format", "canvas", "--roster", str(roster), "--assignment", "Lab 1",
                   "--gradebook", str(book), "-o", str(exported), cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(exported.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][-1] == "Lab 1 (48213)" and rows[1][0].strip() == "Points Possible"
    assert {r[1]: r[-1] for r in rows[2:]} == {"101": "12.6", "102": "6.5", "103": ""}
    with Gradebook(book) as gb:
        (logged,) = gb.exports("lab01-tensors")
    assert (logged["format"], logged["late_policy"], logged["rows"]) == ("canvas", "10%/day", 2), "101, 102 filled in"
    status = run_cli("status", "lab01-tensors", "--gradebook", str(book), cwd=ROOT)
    assert " late " in status.stdout.replace("│", " ") and "│     1 │" in status.stdout.split("late")[1].split("\n")[0]
    named = run_cli("status", "lab01-tensors", "--gradebook", str(book), "--roster", str(roster), cwd=ROOT)
    missing = next(line for line in named.stdout.splitlines() if line.startswith("missing"))
    unknown = next(line for line in named.stdout.splitlines() if line.startswith("unknown"))
    assert "Poe" in missing and "strangerdanger (lab01-tensors.ipynb)" in unknown, named.stdout
    shown = run_cli("show", "lab01-tensors", "102", "--gradebook", str(book), cwd=ROOT)
    assert shown.returncode == 0 and "graded: 6.5 of 14" in shown.stdout and "✗ hidden" in shown.stdout
    nobody = run_cli("show", "lab01-tensors", "nobody", "--gradebook", str(book), cwd=ROOT)
    assert nobody.returncode == 2 and "no submission of 'nobody'" in nobody.stderr and "101" in nobody.stderr

    moodle = tmp_path / "moodle"
    (moodle / "Jane Doe_4411_assignsubmission_file").mkdir(parents=True)
    shutil.copy(examples / "chloe.ipynb", moodle / "Jane Doe_4411_assignsubmission_file" / "lab.ipynb")
    blackboard = tmp_path / "blackboard"
    blackboard.mkdir()
    shutil.copy(examples / "hal.zip", blackboard / "Lab 1_rick_roe_attempt_2026-11-20-10-15-00_lab.zip")
    (blackboard / "Lab 1_rick_roe_attempt_2026-11-20-10-15-00.txt").write_text(
        "Name: Rick Roe (rick_roe)\nAssignment: Lab 1\nDate Submitted: Friday, November 20, 2026 10:15:00 AM UTC\n")
    both = run_cli("grade", "lab01-tensors", str(moodle), str(blackboard), "--gradebook", str(tmp_path / "h.sqlite"),
                   "--json", cwd=ROOT)
    got = {(r["student"], r["score"]) for r in json.loads(both.stdout)}
    assert got == {("4411", 12), ("rick_roe", 12)}


ISOLATION_PROBE = """
import os, time
me = {me!r}
open(f'/sandbox/marker-{{me}}', 'w').write(me)
open(f'/tmp/marker-{{me}}', 'w').write(me)
time.sleep(3)
found = []
for top in ('/sandbox', '/tmp', '/proc'):
    for folder, dirs, files in os.walk(top):
        if folder.count('/') > 4:
            dirs[:] = []
        found += [os.path.join(folder, f) for f in files if f.startswith('marker-') and not f.endswith(me)]
for f in found:
    try:
        open(f, 'w').write('tampered')
    except OSError:
        pass
print('FOUND', found)
"""


def test_two_submissions_running_at_the_same_time_cannot_see_each_other(lab01, make_submission, tmp_path):
    folder = tmp_path / "pair"
    folder.mkdir()
    for me in ("alpha", "bravo"):
        shutil.move(make_submission(me, solved="all", append=[ISOLATION_PROBE.format(me=me)]), folder / f"{me}.ipynb")
    started = time.monotonic()
    results = batch(lab01, folder, tmp_path / "g.sqlite", Limits(timeout=30), jobs=2)
    assert time.monotonic() - started < 3 * 2 + 20, "the two should have run side by side"
    for me in ("alpha", "bravo"):
        assert results[me].score == 14
        assert "FOUND []" in results[me].cells[-1].output, results[me].cells[-1].output
