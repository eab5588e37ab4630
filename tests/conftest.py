"""Shared fixtures: the course in this repository, its lab bundles, a submission maker, and golden files."""

from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from autograder.build import bundle_for
from autograder.grade import grade_submission
from autograder.labs import Course, LabBundle
from autograder.model import Limits, SubmissionResult
from autograder.notebooks import answer_cells, fill_answers

ROOT = Path(__file__).resolve().parents[1]
GOLDENS = Path(__file__).resolve().parent / "goldens"
FAST_LIMITS = Limits(timeout=30, grace=5)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="Rewrite the golden files instead of comparing.")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, bytes | str], None]:
    """``golden("export/canvas.csv", content)``: compare with tests/goldens/..., or rewrite it with --update-goldens."""
    update = bool(request.config.getoption("--update-goldens"))

    def compare(name: str, content: bytes | str) -> None:
        data = content.encode() if isinstance(content, str) else content
        path = GOLDENS / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            return
        assert path.is_file(), f"no golden file {path.relative_to(ROOT)}: run pytest with --update-goldens"
        expected = path.read_bytes()
        if data != expected:
            text = data.decode(errors="replace").splitlines()
            want = expected.decode(errors="replace").splitlines()
            diff = "\n".join(difflib.unified_diff(want, text, "golden", "now", lineterm=""))
            raise AssertionError(f"{name} differs from its golden file (--update-goldens if intended):\n{diff}")

    return compare


@pytest.fixture(scope="session")
def course() -> Course:
    return Course(ROOT)


@pytest.fixture(scope="session")
def bundles(course: Course) -> Callable[[str], LabBundle]:
    """``bundles(lab)``: the lab's grading bundle, built once per test session."""
    cache: dict[str, LabBundle] = {}

    def get(lab: str) -> LabBundle:
        if lab not in cache:
            cache[lab] = bundle_for(course, lab)
        return cache[lab]

    return get


@pytest.fixture(scope="session")
def lab01(bundles: Callable[[str], LabBundle]) -> LabBundle:
    return bundles("lab01-tensors")


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

    def make(
        name: str,
        lab: str = "lab01-tensors",
        solved: list[str] | str = (),
        answers: dict[str, str] | None = None,
        append: list[str] = (),
    ) -> Path:
        solutions = solution_answers(course, lab)
        chosen = list(solutions) if solved == "all" else list(solved)
        nb = fill_answers(student_notebook(course, lab), {q: solutions[q] for q in chosen} | (answers or {}))
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


def scores(result: SubmissionResult) -> dict[str, float]:
    """Points per question."""
    return {q.name: q.score for q in result.questions}


def hidden_messages(result: SubmissionResult) -> dict[str, list[str]]:
    """Failed hidden check messages per question: what a student sees of the hidden checks."""
    return {q.name: [c.message for c in q.checks if c.hidden and not c.passed] for q in result.questions}


def stored_runs(book: Path) -> int:
    """Runs a gradebook holds so far, read while another process may be writing it (0 before it exists)."""
    if not book.exists():
        return 0
    try:
        with sqlite3.connect(book, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
