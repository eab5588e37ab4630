"""Bad arguments get one clear line and exit code 2; commands share one default gradebook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], capture_output=True, text=True, cwd=cwd)


def one_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


@pytest.mark.parametrize("command", [["status", "lab99"], ["report", "lab99"], ["show", "lab99", "ada"],
                                     ["feedback", "lab99"], ["export", "lab99", "--format", "csv"]])
def test_an_unknown_lab_is_refused_with_the_known_ones(command, tmp_path):
    done = cli(*command, "--gradebook", str(tmp_path / "g.sqlite"))
    assert done.returncode == 2
    assert "no lab named 'lab99'" in one_line(done.stderr) and "lab01-tensors" in done.stderr
    assert not (ROOT / "out" / "lab99").exists()


@pytest.mark.parametrize(("flag", "value"), [("--timeout", "-5"), ("--memory", "0"), ("--jobs", "0"),
                                           ("--due", "tomorrow"), ("--due", "2026-13-01"), ("--late-penalty", "10%")])
def test_limits_dates_and_policies_out_of_range_are_refused(flag, value, tmp_path):
    done = cli("grade", "lab01-tensors", str(tmp_path), flag, value, "--gradebook", str(tmp_path / "g.sqlite"))
    assert done.returncode == 2 and flag in done.stderr.strip().splitlines()[-1] and "Traceback" not in done.stderr
    assert not (tmp_path / "g.sqlite").exists()


def test_grading_an_empty_folder_is_refused(tmp_path):
    (tmp_path / "class").mkdir()
    done = cli("grade", "lab01-tensors", str(tmp_path / "class"), "--gradebook", str(tmp_path / "g.sqlite"))
    assert done.returncode == 2 and "no submissions found in" in done.stderr.splitlines()[-1]


def test_a_roster_without_identities_is_one_line(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("colour,size\nred,3\n")
    done = cli("status", "lab01-tensors", "--roster", str(roster), "--gradebook", str(tmp_path / "g.sqlite"))
    assert done.returncode == 2 and "no column names a student" in one_line(done.stderr)


def test_every_command_looks_for_the_gradebook_where_the_main_job_writes_it(tmp_path):
    course = tmp_path / "course"
    (course / "solutions").mkdir(parents=True)
    master = ROOT / "solutions" / "lab01-tensors.ipynb"
    (course / "solutions" / master.name).write_bytes(master.read_bytes())
    done = cli("--course", str(course), "status", "lab01-tensors", cwd=tmp_path)
    assert done.returncode == 1
    assert str(course / "out" / "gradebook.sqlite") in one_line(done.stderr)
    script = (ROOT / "scripts" / "grade-examples.sh").read_text()
    assert "out/gradebook.sqlite" in script
