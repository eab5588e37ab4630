"""lab02-slicing-reshaping graded end to end: full marks, zero, and each listed mistake named with exact points."""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest
from sklearn.datasets import load_sample_images

from autograder.feedback.slicing import cut_tiles
from autograder.model import SubmissionResult
from tests.conftest import failures, grade, hidden_messages, scores

pytestmark = pytest.mark.slow

LAB = "lab02-slicing-reshaping"
QUESTIONS = [f"q{i}" for i in range(1, 9)]

CROP = "def centre_crop(pictures, size):\n    top = {top}\n    left = {left}\n    return pictures[:, {rows}, {cols}]"
ROWS_FIRST = "(pictures.shape[1] - size) // 2"
COLUMNS_FIRST = "(pictures.shape[2] - size) // 2"


@pytest.fixture(scope="module")
def lab02(bundles):
    return bundles(LAB)


def assert_hidden_messages_reveal_nothing(result: SubmissionResult) -> None:
    """No printed array, and for the probed questions no shape of an answer on the unseen inputs."""
    unseen_crops = ("(4, 6, 6, 3)", "(3, 7, 7)")  # answers of the hidden q3 check
    for question, messages in hidden_messages(result).items():
        for message in messages:
            assert "array(" not in message and not re.search(r"\[\s*-?\d+\.?\d*\s+-?\d", message), message
            if question == "q3":
                assert not any(shape in message for shape in unseen_crops), message
            if question == "q4":
                assert not re.search(r"\(\d+, 64, 64, 3\)", message), message
                assert not re.search(r"batch\(\d", message), message


def test_setup_cell_builds_the_tiles_the_checks_rebuild(course):
    """The checks rebuild the data with `cut_tiles`; it must match the notebook's own setup cell."""
    master = nbformat.read(course.master(LAB), as_version=4)
    setup = next(c.source for c in master.cells if c.cell_type == "code" and "default_rng(0)" in c.source)
    namespace: dict = {}
    exec(setup, namespace)
    tiles, labels = cut_tiles(np.stack(load_sample_images().images), 80, 64, 0)
    assert np.array_equal(namespace["tiles"], tiles) and namespace["tiles"].dtype == np.uint8
    assert np.array_equal(namespace["labels"], labels)
    assert np.array_equal(namespace["onehot"], np.eye(2, dtype="float32")[labels])


def test_solution_scores_full_marks(lab02, make_submission):
    result = grade(lab02, make_submission("solution", lab=LAB, solved="all"))
    assert (result.status, result.score, result.max_score) == ("graded", 16, 16)
    assert all(c.passed for q in result.questions for c in q.checks)
    assert [q.name for q in result.questions] == QUESTIONS


def test_untouched_student_notebook_scores_zero(course, lab02):
    result = grade(lab02, course.student_dir(LAB) / f"{LAB}.ipynb")
    assert (result.status, result.score) == ("graded", 0)
    assert not any(c.passed for q in result.questions for c in q.checks)
    messages = failures(result)
    assert messages["q1"][0] == "`first_100` is not set yet: replace the `...` with your answer and run the cell."
    assert messages["q4"][0] == ("`batch(0)` returned None: finish the body of `batch` and `return` the result.")
    assert messages["q8"][1] == "`corner` is not set yet: replace the `...` with your answer and run the cell."


def test_off_by_one_upper_left_stop_as_length_unrow_without_transpose_and_writing_through_a_view(
    lab02, make_submission
):
    path = make_submission(
        "slips_a",
        lab=LAB,
        solved="all",
        answers={
            "q1": "first_100 = images[1:101]",
            "q2": "lower_right = images[:, :4, :4]",
            "q3": CROP.format(top=ROWS_FIRST, left=COLUMNS_FIRST, rows="top:size", cols="left:size"),
            "q4": "def batch(k, size=32):\n    return tiles[k:k + size]",
            "q5": "tiles_unrow = tiles.reshape(-1, 80)",
            "q6": "labels_row = labels.T",
            "q7": "flower_col = onehot[:, 1]\nflower_row = onehot[:, 1].reshape(80, 1)",
            "q8": "corner = photos[0, :120, :160]\ncorner[..., 0] = 255",
        },
    )
    result = grade(lab02, path)
    assert scores(result) == {"q1": 0, "q2": 0, "q3": 0, "q4": 0, "q5": 0, "q6": 0, "q7": 0, "q8": 0.5}
    assert result.score == 0.5
    messages = failures(result)
    assert "does not begin with the first picture" in messages["q1"][0]
    assert "is shifted one entry too far along axis 0 (the pictures)" in messages["q1"][1]
    assert "holds the upper-left quadrant of each picture, not the lower-right one" in messages["q2"][0]
    assert "uses a length where the stop index belongs along axes 1 and 2" in messages["q3"][0]
    assert "starts at sample k instead of sample k * size" in messages["q4"][0]
    assert messages["q5"][0].startswith("Column 0 of `tiles_unrow` holds pixels of several images")
    assert "`.T` does nothing to a 1-D array" in messages["q6"][0]
    assert "`flower_col` has shape (80,)" in messages["q7"][0]
    assert "picking a column with a single index (`a[:, 1]`) drops that axis" in messages["q7"][0]
    assert "`flower_row` is a column of shape (80, 1), but a row of shape (1, 80) was asked" in messages["q7"][1]
    assert "`corner` is a view of `photos`" in messages["q8"][0]
    assert_hidden_messages_reveal_nothing(result)


def test_stop_minus_one_other_quadrant_swapped_offsets_forgot_transpose_and_column_for_row(lab02, make_submission):
    path = make_submission(
        "slips_b",
        lab=LAB,
        solved="all",
        answers={
            "q1": "first_100 = images[:99]",
            "q2": "lower_right = images[:, 4:, :4]",
            "q3": CROP.format(top=COLUMNS_FIRST, left=ROWS_FIRST, rows="top:top + size", cols="left:left + size"),
            "q4": "def batch(k, size=32):\n    return tiles[k * size:(k + 1) * size + 1]",
            "q5": "tiles_unrow = tiles.reshape(80, -1)",
            "q6": "labels_row = labels.reshape(80, 1)",
            "q7": "flower_col = onehot[:, 1:2]\nflower_row = onehot[:, 1].T",
        },
    )
    result = grade(lab02, path)
    # swapped offsets only show on non-square pictures, which only the hidden check of q3 uses
    assert scores(result) == {"q1": 0, "q2": 0, "q3": 1, "q4": 0, "q5": 0, "q6": 0, "q7": 0.5, "q8": 2}
    assert result.score == 3.5
    messages = failures(result)
    assert "axis 0 is off by one" in messages["q1"][0]
    assert "has one entry too few along axis 0 (the pictures)" in messages["q1"][1]
    assert "holds the lower-left quadrant of each picture" in messages["q2"][0]
    assert messages["q3"] == [
        "On unseen batch 1 of 2 (pictures not square): `centre_crop(pictures, size)` uses the column offset for "
        "the rows and the row offset for the columns: rows start at (height - size) // 2 and columns at "
        "(width - size) // 2."
    ]
    assert "`batch(0)` has one entry too many along axis 0 (the samples)" in messages["q4"][0]
    assert "You probably forgot the transpose" in messages["q5"][0]
    assert "`labels_row` is a column of shape (80, 1), but a row of shape (1, 80) was asked" in messages["q6"][0]
    assert "`flower_row` has shape (80,)" in messages["q7"][0]
    assert "`.T` does nothing to a 1-D array" in messages["q7"][0]
    assert_hidden_messages_reveal_nothing(result)


def test_single_index_missing_colon_1_based_batches_and_transposed_images(lab02, make_submission):
    path = make_submission(
        "slips_c",
        lab=LAB,
        solved="all",
        answers={
            "q1": "first_100 = images[100]",
            "q2": "lower_right = images[4:, 4:]",
            "q3": CROP.format(
                top="pictures.shape[1] // 2",
                left="pictures.shape[2] // 2",
                rows="top:top + size",
                cols="left:left + size",
            ),
            "q4": "def batch(k, size=32):\n    return tiles[(k - 1) * size:k * size]",
            "q5": "tiles_unrow = tiles.T.reshape(-1, 80)",
            "q7": "flower_col = onehot[:, 1].reshape(1, -1)\nflower_row = onehot[:, 1]",
            "q8": "corner = photos[0, :120, :160].copy()\ncorner[..., 2] = 255",
        },
    )
    result = grade(lab02, path)
    assert scores(result) == {"q1": 0, "q2": 0, "q3": 0, "q4": 0, "q5": 0, "q6": 2, "q7": 0, "q8": 0.5}
    assert result.score == 2.5
    messages = failures(result)
    assert "`first_100` is a single picture" in messages["q1"][0]
    assert "keep all of them with a leading `:`" in messages["q2"][0]
    assert "starts at the middle of each picture" in messages["q3"][0]
    assert "counts the batches from 1" in messages["q4"][0]
    assert "Each column of `tiles_unrow` holds the pixels of its own image, but in another order" in messages["q5"][0]
    assert "`.T` on the whole batch reverses every axis" in messages["q5"][0]
    assert "`flower_col` is a row of shape (1, 80), but a column of shape (80, 1) was asked" in messages["q7"][0]
    assert "picking a column with a single index (`a[:, 1]`) drops that axis" in messages["q7"][1]
    assert "red is channel 0" in messages["q8"][0]
    assert messages["q8"][1] == "`corner` has its blue channel set to 255: red is channel 0."
    assert_hidden_messages_reveal_nothing(result)


def test_odd_answers_get_honest_messages_that_reveal_no_unseen_input(lab02, make_submission):
    path = make_submission(
        "odd",
        lab=LAB,
        solved="all",
        answers={
            "q3": CROP.format(top=ROWS_FIRST, left=COLUMNS_FIRST, rows="top:top + size", cols="left:left + size, :"),
            "q4": "def batch(k, size=32):\n    return tiles[k * size:(k + 1) * size:2]",
            "q6": "labels_row = [labels]",
            "q8": "corner = photos[0, :120, :160].copy()\ncorner[:] = 255",
        },
    )
    result = grade(lab02, path)
    assert scores(result) == {"q1": 2, "q2": 2, "q3": 0.5, "q4": 0, "q5": 2, "q6": 0, "q7": 2, "q8": 0.5}
    messages = failures(result)
    assert messages["q3"][0].startswith("`centre_crop(images[:10], 4)` failed: IndexError: too many indices")
    assert messages["q3"][1].startswith("`centre_crop` on unseen batch 2 of 2 failed: IndexError")
    assert "`batch(0)` has shape (16, 64, 64, 3), but it should have shape (32, 64, 64, 3)" in messages["q4"][0]
    assert re.fullmatch(
        r"On unseen call 1 of 3 \(other k and size\): `batch\(k, size\)` has shape \(\d+, 64, 64, 3\), which is "
        r"not the right shape: check the start and the stop of each slice\.",
        messages["q4"][1],
    )
    # the only shape in the hidden message is the student's own, never the one the unseen size calls for
    assert len(re.findall(r"\(\d+, 64, 64, 3\)", messages["q4"][1])) == 1
    assert "`labels_row` is a list, but it should be a NumPy array" in messages["q6"][0]
    assert "Every channel of `corner` is 255" in messages["q8"][0]
