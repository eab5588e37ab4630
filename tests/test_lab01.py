"""lab01-tensors graded end to end: full marks, zero, exact partial credit, failures that stay contained."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from autograder.grade import grade_many
from autograder.model import Limits
from tests.conftest import failures, grade, hidden_messages, scores

pytestmark = pytest.mark.slow


def test_solution_scores_full_marks(lab01, make_submission):
    result = grade(lab01, make_submission("solution", solved="all"))
    assert (result.status, result.score, result.max_score) == ("graded", 14, 14)
    assert all(c.passed for q in result.questions for c in q.checks)


def test_untouched_student_notebook_scores_zero(course, lab01):
    result = grade(lab01, course.student_dir(lab01.lab) / f"{lab01.lab}.ipynb")
    assert (result.status, result.score) == ("graded", 0)
    assert not any(c.passed for q in result.questions for c in q.checks)
    assert "`scalar` is not set yet" in failures(result)["q1"][0]


def test_partial_submission_scores_exactly_and_names_each_mistake(lab01, make_submission):
    path = make_submission(
        "partial",
        solved=["q1", "q2", "q5"],
        answers={
            "q3": "matrix = np.arange(12).reshape(4, 3).T\ncube = np.stack([matrix, matrix * 10])",
            "q4": "def describe(t):\n    return (len(t.shape), t.shape, t.dtype)",
            "q6": "scaled = pixels / 255",
            "q7": "color_batch = np.zeros((16, 3, 8, 8), dtype='float32')",
        },
    )
    result = grade(lab01, path)
    # the cube is right for the student's own (wrong) matrix, so only the matrix check of q3 fails
    assert scores(result) == {"q1": 2, "q2": 2, "q3": 1, "q4": 0, "q5": 2, "q6": 0, "q7": 0}
    assert result.score == 7
    messages = failures(result)
    assert "filled column by column" in messages["q3"][0]
    assert len(messages["q3"]) == 2, "the public check and the hidden matrix check fail, the cube check passes"
    assert "returns the dtype itself as its third entry" in messages["q4"][0]
    assert messages["q4"][1].startswith("On unseen test array 1 of 6: `describe(t)` returns the dtype itself")
    assert "`scaled` has the right values but is computed in float64" in messages["q6"][0]
    assert "The channels come second" in messages["q7"][0]


def test_format_checks_carry_no_points(lab01):
    """Every point of every question comes from a hidden check of the values or of the behaviour."""
    for test_file in lab01.test_files():
        public_points = re.findall(r"@test_case\(points=([^,]+), hidden=False\)", test_file.read_text())
        assert public_points and set(public_points) == {"0"}, test_file.name


def test_right_answers_the_wording_allows_keep_full_marks(lab01, make_submission):
    path = make_submission(
        "variants",
        answers={
            "q1": "scalar = np.array(7, dtype='uint8')\nvector = np.array([1, 2, 3, 4, 5], dtype='uint8')",
            "q2": "images_rank = len(images.shape)\nimages_shape = list(images.shape)\n"
            "images_dtype = str(images.dtype)",
            "q3": "matrix = np.array([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])\n"
            "cube = np.array([matrix, 10 * matrix])",
            "q4": "def describe(t):\n    return [np.ndim(t), tuple(np.shape(t)), str(t.dtype)]",
            "q5": "pixels = np.rint(images / 16 * 255).astype(np.uint8)",
            "q6": "scaled = (pixels / 255).astype('float32')",
            "q7": (
                "green = images[:16] / 16\n"
                "color_batch = np.stack([np.zeros_like(green), green, np.zeros_like(green)], axis=-1).astype('float32')"
            ),
        },
    )
    result = grade(lab01, path)
    assert (result.score, result.max_score) == (14, 14), failures(result)


def test_wrong_answers_lose_points_with_the_mistake_named(lab01, make_submission):
    path = make_submission(
        "mutants",
        answers={
            "q1": "scalar = np.array([7])\nvector = np.array([1.0, 2.0, 3.0, 4.0, 5.0])",
            "q2": "images_rank = len(images)\nimages_shape = images.shape\nimages_dtype = type(images)",
            "q3": "matrix = np.arange(12).reshape(3, 4)\ncube = np.concatenate([matrix, matrix * 10])",
            "q4": "def describe(t):\n    return (3, (1797, 8, 8), 'float64')",
            "q5": "pixels = (images * 255 / 16).astype('uint8')",
            "q6": "scaled = pixels.astype('float32') / 255",
            "q7": "color_batch = np.zeros((16, 8, 8, 3), dtype='float32')\ncolor_batch[..., 1] = images[:16]",
        },
    )
    result = grade(lab01, path)
    # q6 is right for the student's own pixels, so the slip of q5 costs q5 only
    assert scores(result) == {"q1": 0, "q2": 0.5, "q3": 1, "q4": 0, "q5": 0, "q6": 2, "q7": 0}
    hidden = hidden_messages(result)
    assert "pass the bare number to `np.array`, not a list holding it" in hidden["q1"][0]
    assert "`vector` has dtype float64, but it should hold integers" in hidden["q1"][1]
    assert "`len(images)`, which counts the pictures" in hidden["q2"][0]
    assert "such as `np.ndarray`, the type of the container" in hidden["q2"][1]
    assert "glues the parts along their existing axis 0" in hidden["q3"][0]
    assert hidden["q4"][0].startswith("On unseen test array 1 of 6: `describe(t)[0]` is 3")
    assert "is what rounding down" in hidden["q5"][0] and "`.astype(int)`" in hidden["q5"][0]
    assert "without scaling" in hidden["q7"][0]
    for messages in hidden.values():
        assert not any("images.ndim" in m or "t.dtype.name" in m for m in messages), messages


def test_a_cell_that_raises_costs_only_its_own_question(lab01, make_submission):
    path = make_submission("raises", solved="all", answers={
        "q4": "def describe(t):\n    return t.rank",
        "q6": "scaled = pixels.astype('float32')\nscaled = scaled.reshape(5, -1, 3)",
    })
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(6, nbformat.v4.new_code_cell("raise RuntimeError('my experiment went wrong')"))
    nbformat.write(nb, path)
    result = grade(lab01, path)
    assert result.status == "graded" and result.score == 10
    assert any(c.error == "RuntimeError: my experiment went wrong" for c in result.cells)
    assert "AttributeError" in failures(result)["q4"][0]
    raised = hidden_messages(result)["q6"][0]
    assert raised.startswith("The cell that sets `scaled` raised ValueError: cannot reshape array of size 115008")
    assert "at `scaled = scaled.reshape(5, -1, 3)`" in raised and "must multiply to 115008" in raised
    assert "not set yet" not in raised


def test_infinite_loop_times_out_and_the_next_submission_is_graded(lab01, make_submission):
    looping = make_submission("looping", solved=["q1", "q2"], answers={"q3": "while True:\n    pass"})
    good = make_submission("good", solved="all")
    limits = Limits(timeout=3, grace=2)
    started = time.monotonic()
    slow, fine = grade_many(lab01, [looping, good], limits)
    assert slow.status == "timeout" and "stopped after 3 s" in slow.message
    assert slow.score == 4, "questions answered before the loop are still graded"
    assert time.monotonic() - started < 3 + 2 + 30
    assert (fine.status, fine.score) == ("graded", 14)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI, with a throw-away gradebook so that tests never share results."""
    if args[0] == "grade":
        args = (*args, "--gradebook", str(Path(tempfile.mkdtemp()) / "gradebook.sqlite"))
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], capture_output=True, text=True)


def test_bad_files_are_recorded_as_errors_with_one_line_and_no_traceback(tmp_path, make_submission, lab01):
    (tmp_path / "not_a_notebook.ipynb").write_text("print('this is a script')\n")
    (tmp_path / "empty.ipynb").write_bytes(b"")
    other = make_submission("other_lab", solved="all")
    nb = nbformat.read(other, as_version=4)
    nb.metadata["otter"]["assignment_name"] = "lab02-slicing-reshaping"
    nbformat.write(nb, other)
    good = make_submission("good", solved=["q1"])
    proc = run_cli(
        "grade",
        lab01.lab,
        str(tmp_path / "not_a_notebook.ipynb"),
        str(tmp_path / "empty.ipynb"),
        str(other),
        str(good),
        "--json",
    )
    assert proc.returncode == 0
    assert "Traceback" not in proc.stdout + proc.stderr
    results = {r["student"]: r for r in json.loads(proc.stdout)}
    expected = {
        "not_a_notebook": "not_a_notebook.ipynb: not a Jupyter notebook (NotJSONError)",
        "empty": "empty.ipynb: the file is empty",
        "other_lab": "other_lab.ipynb: this notebook belongs to lab02-slicing-reshaping, not lab01-tensors",
    }
    for student, message in expected.items():
        assert (results[student]["status"], results[student]["message"], results[student]["score"]) == (
            "error",
            message,
            0,
        )
    assert (results["good"]["status"], results["good"]["score"]) == ("graded", 2)


def test_json_output_has_per_question_and_per_check_results(make_submission, lab01):
    proc = run_cli("grade", lab01.lab, str(make_submission("ana", solved=["q1", "q2"])), "--json")
    (result,) = json.loads(proc.stdout)
    assert {"submission", "student", "lab", "status", "score", "max_score", "questions"} <= result.keys()
    q1 = result["questions"][0]
    assert q1["name"] == "q1" and q1["score"] == q1["max_score"] == 2
    assert {"name", "points", "passed", "hidden", "message"} <= q1["checks"][0].keys()


def test_table_output_and_student_check_command(make_submission, lab01):
    table = run_cli("grade", lab01.lab, str(make_submission("bea", solved=["q1"])))
    assert table.returncode == 0 and "bea" in table.stdout and "graded" in table.stdout
    check = run_cli("check", str(make_submission("cai", solved=["q1", "q5"], answers={"q6": "scaled = pixels / 255"})))
    assert check.returncode == 0
    assert "q1: passed" in check.stdout and "q6: failed" in check.stdout
    assert "`scaled` has the right values but is computed in float64" in check.stdout
