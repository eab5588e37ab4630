"""Shared fixtures: the course in this repository, its lab bundles, and a submission maker."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from autograder.build import bundle_for
from autograder.execute.sandbox import Limits
from autograder.grade import grade_submission
from autograder.labs import Course, LabBundle
from autograder.results import SubmissionResult

ROOT = Path(__file__).resolve().parents[1]
FAST_LIMITS = Limits(timeout=30, grace=5)
_CHECK_CALL = re.compile(r'grader\.check\("([^"]+)"\)')


@pytest.fixture(scope="session")
def course() -> Course:
    return Course(ROOT)


@pytest.fixture(scope="session")
def lab01(course: Course) -> LabBundle:
    return bundle_for(course, "lab01-tensors")


def answer_cells(nb: nbformat.NotebookNode) -> dict[str, int]:
    """Index of each question's answer cell: the code cell just before its ``grader.check`` cell."""
    found: dict[str, int] = {}
    last_code = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        match = _CHECK_CALL.search(cell.source)
        if match and last_code is not None:
            found[match.group(1)] = last_code
        last_code = index
    return found


def solution_answers(course: Course, lab: str) -> dict[str, str]:
    """Each question's solution code, taken from the built solution notebook."""
    nb = nbformat.read(course.dist_dir(lab) / "solution.ipynb", as_version=4)
    return {q: nb.cells[i].source for q, i in answer_cells(nb).items()}


def student_notebook(course: Course, lab: str) -> nbformat.NotebookNode:
    return nbformat.read(course.student_dir(lab) / f"{lab}.ipynb", as_version=4)


SubmissionMaker = Callable[..., Path]


@pytest.fixture
def make_submission(course: Course, tmp_path: Path) -> SubmissionMaker:
    """Write a student notebook with some questions answered.

    ``solved`` lists questions answered with the solution code, ``answers`` maps questions to other
    code, and ``append`` adds code cells at the end.
    """

    def make(name: str, lab: str = "lab01-tensors", solved: list[str] | str = (), answers: dict[str, str] | None = None,
             append: list[str] = ()) -> Path:
        nb = student_notebook(course, lab)
        cells = answer_cells(nb)
        solutions = solution_answers(course, lab)
        chosen = list(solutions) if solved == "all" else list(solved)
        for q in chosen:
            nb.cells[cells[q]].source = solutions[q]
        for q, code in (answers or {}).items():
            nb.cells[cells[q]].source = code
        nb.cells += [nbformat.v4.new_code_cell(code) for code in append]
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(nb, path)
        return path

    return make


def grade(bundle: LabBundle, path: Path, limits: Limits = FAST_LIMITS) -> SubmissionResult:
    return grade_submission(bundle, path, limits)


def failures(result: SubmissionResult) -> dict[str, list[str]]:
    """Failed check messages per question."""
    return {q.name: [c.message for c in q.checks if not c.passed] for q in result.questions}
