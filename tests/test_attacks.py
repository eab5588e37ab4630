"""Hostile submissions score what their honest answers deserve, change nothing and see no hidden check.

Each attack is graded by the real CLI inside ``attacks/overlay.sh``: a private mount namespace whose
writes vanish afterwards, so that even an escape from the grader's sandbox cannot damage this machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import grade

ATTACKS = Path(__file__).parent / "attacks"
HONEST = ["q1", "q2", "q3"]

pytestmark = [pytest.mark.attack, pytest.mark.slow]


def graded_in_overlay(lab: str, submission: Path) -> dict:
    proc = subprocess.run(
        ["bash", str(ATTACKS / "overlay.sh"), sys.executable, str(ATTACKS / "harness.py"), lab, str(submission)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode == 77:
        pytest.skip("cannot make a throw-away mount namespace here (needs root)")
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    report["results"] = json.loads(report["stdout"])
    return report


@pytest.fixture(scope="module")
def honest_score(course, lab01, tmp_path_factory) -> float:
    from autograder.notebooks import fill_answers
    from tests.conftest import solution_answers, student_notebook

    solutions = solution_answers(course, lab01.lab)
    nb = fill_answers(student_notebook(course, lab01.lab), {q: solutions[q] for q in HONEST})
    path = tmp_path_factory.mktemp("honest") / "honest.ipynb"
    nbformat.write(nb, path)
    result = grade(lab01, path)
    assert 0 < result.score < result.max_score
    return result.score


def hidden_only_lines(course, lab01) -> set[str]:
    """Source lines of the hidden checks that appear nowhere a student may legitimately see."""
    public = set()
    for path in [*lab01.public_tests_dir.glob("*.py"), course.student_dir(lab01.lab) / f"{lab01.lab}.ipynb"]:
        public.update(line.strip() for line in path.read_text().splitlines())
    hidden = set()
    for path in lab01.tests_dir.glob("*.py"):
        hidden.update(line.strip() for line in path.read_text().splitlines() if len(line.strip()) > 12)
    return hidden - public


@pytest.mark.parametrize("attack", ["rewrite_everything", "monkeypatch_grader", "steal_hidden_checks"])
def test_attack_scores_only_its_honest_answers(attack, course, lab01, make_submission, honest_score):
    code = (ATTACKS / f"{attack}.py").read_text()
    submission = make_submission(attack, solved=HONEST, answers={"q4": code}, append=[code])
    report = graded_in_overlay(lab01.lab, submission)
    (result,) = report["results"]
    assert result["status"] == "graded", result["message"]
    assert result["score"] == honest_score
    assert report["changed"] == [], "the attack changed files outside its sandbox"
    seen = report["stdout"] + report["stderr"]
    leaked = [line for line in hidden_only_lines(course, lab01) if line in seen]
    assert leaked == [], f"hidden check source visible to the student: {leaked[:3]}"
