"""lab02-slicing-reshaping graded end to end: full marks, zero, and each listed mistake named with exact points."""

from __future__ import annotations

import importlib.util
import re
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pytest
from sklearn.datasets import load_sample_images

from autograder.model import SubmissionResult
from tests.conftest import ROOT, failures, grade, hidden_messages, scores

pytestmark = pytest.mark.slow

LAB = "lab02-slicing-reshaping"
SUPPORT = ROOT / "solutions" / LAB / "lab02_support.py"
QUESTIONS = [f"q{i}" for i in range(1, 10)]

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
            if question == "q4" and message.startswith("On unseen call"):
                assert not re.search(r"\(\d+, 64, 64, 3\)", message), message
                assert not re.search(r"batch\(\d", message), message
            if question == "q9":
                assert "you picked" in message and not re.search(r"[\"'(][abcd][\"')]", message), message
                assert not any(right in message for right in RIGHT_SHAPES), message


RIGHT_SHAPES = ("(64, 64, 3)", "(80, 20, 40)", "(10, 64)", "(80,)")
"""What the four expressions of q9 give: no hidden message may say it."""


def load_support(path: Path = SUPPORT):
    """The lab's support module, imported from its file as the check process imports it from its folder."""
    spec = importlib.util.spec_from_file_location("lab02_support", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_setup_cell_builds_the_data_the_checks_rebuild(course):
    """The hidden checks rebuild the data with the support module; it must match the notebook's own setup cell."""
    master = nbformat.read(course.master(LAB), as_version=4)
    setup = next(c.source for c in master.cells if c.cell_type == "code" and "default_rng(0)" in c.source)
    namespace: dict = {}
    exec(setup, namespace)
    data = load_support().lab_data()
    assert np.array_equal(namespace["tiles"], data.tiles) and namespace["tiles"].dtype == np.uint8
    assert np.array_equal(namespace["labels"], data.labels)
    assert np.array_equal(namespace["onehot"], data.onehot)
    assert np.array_equal(namespace["images"], data.images) and np.array_equal(namespace["photos"], data.photos)


def test_public_checks_rebuild_the_same_tiles_without_the_support_module(course):
    """Public checks run in the student's kernel, where the support module is not: they cut the tiles inline."""
    master = nbformat.read(course.master(LAB), as_version=4)
    public = [c.source for c in master.cells if c.cell_type == "code" and "def test_" in c.source
              and "hidden: true" not in c.source]
    assert not any("lab02_support" in source for source in public)
    inline = [source for source in public if "rng = np.random.default_rng(0)" in source]
    assert len(inline) == 3, "q3, q4 and q5 cut the tiles"
    data = load_support().lab_data()
    for source in inline:
        lines = source.splitlines()
        first = next(i for i, line in enumerate(lines) if "photos = np.stack" in line)
        last = next(i for i, line in enumerate(lines) if line.strip().startswith("tiles = np.stack"))
        namespace = {"np": np, "load_sample_images": load_sample_images}
        exec(textwrap.dedent("\n".join(lines[first:last + 1])), namespace)
        assert np.array_equal(namespace["tiles"], data.tiles)
    labels = [source for source in public if "default_rng(0).integers(0, 2, size=80)" in source]
    assert len(labels) == 3, "q6 and q7 rebuild the labels"


def test_solution_scores_full_marks(lab02, make_submission):
    result = grade(lab02, make_submission("solution", lab=LAB, solved="all"))
    assert (result.status, result.score, result.max_score) == ("graded", 18, 18)
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
            "q7": "temple_col = onehot[:, 0]\ntemple_row = onehot[:, 0].reshape(80, 1)",
            "q8": "corner = photos[0, :120, :160]\ncorner[..., 0] = 255",
            "q9": "q9_answer = ('a', 'd', 'a', 'c')",
        },
    )
    result = grade(lab02, path)
    # the corner itself is right: only the point for leaving `photos` unchanged is lost
    assert scores(result) == {f"q{i}": 0 for i in range(1, 8)} | {"q8": 1, "q9": 0}
    assert result.score == 1
    messages = failures(result)
    assert messages["q1"] == ["`first_100` is shifted one entry too far along axis 0 (the pictures): indices count "
                              "from 0, not from 1, so both ends of the slice move down by one."]
    assert "holds the upper-left quadrant of each picture, not the lower-right one" in messages["q2"][0]
    assert "uses a length where the stop index belongs along axes 1 and 2" in messages["q3"][0]
    assert "starts at sample k instead of sample k * size" in messages["q4"][0]
    assert messages["q5"][0].startswith("Column 0 of `tiles_unrow` holds numbers of several samples")
    assert "it is `labels` as it is (`.T` leaves a 1-D array unchanged)" in messages["q6"][0]
    assert "`temple_col` has shape (80,)" in messages["q7"][0]
    assert "it is column 0 of `onehot` picked with a single index, which drops the column axis" in messages["q7"][0]
    assert ("`temple_row` is a column of shape (80, 1): it holds column 0 of `onehot`, but a row of shape (1, 80) "
            "was asked") in messages["q7"][1]
    assert "`corner` is a view of `photos`" in messages["q8"][0]
    assert messages["q8"][1] == messages["q8"][0], "the hidden check gives the same explanation"
    assert messages["q9"] == [
        "Part 1, `tiles[7]`: you picked (1, 64, 64, 3), but a single index removes the axis it indexes, so no axis "
        "of length 1 is left behind; only a slice such as `tiles[7:8]` keeps the axis.",
        "Part 2, `tiles[:, 10:30, 5:45, 0]`: you picked (80, 30, 45), but the second number of a slice is where it "
        "stops, not how many entries it holds: `10:30` holds `30 - 10` rows.",
        "Part 3, `images[:10].reshape(10, -1)`: you picked (64, 10), but `reshape` gives the axes in the order you "
        "list them, and 10 comes first. Pictures become columns only with a `.T` after the reshape.",
        "Part 4, `onehot[:, 1].T`: you picked (80, 1), but the single index 1 removes the column axis, so "
        "`onehot[:, 1]` is no longer a column; only a slice such as `onehot[:, 1:2]` keeps it.",
    ]
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
            "q7": "temple_col = onehot[:, 0:1]\ntemple_row = onehot[:, 0].T",
            "q9": "q9_answer = ('b', 'c', 'b', 'd')",
        },
    )
    result = grade(lab02, path)
    # swapped offsets only show on non-square pictures, which only the hidden checks of q3 use
    assert scores(result) == {f"q{i}": 0 for i in range(1, 7)} | {"q7": 1, "q8": 2, "q9": 0}
    assert result.score == 3
    messages = failures(result)
    assert "axis 0 has 99 entries, one fewer than it should" in messages["q1"][0]
    assert "has one entry too few along axis 0 (the pictures)" in messages["q1"][1]
    assert "holds the lower-left quadrant of each picture" in messages["q2"][0]
    swapped = (
        " (pictures not square): `centre_crop(pictures, size)` uses the column offset for the rows and the row "
        "offset for the columns: rows start at (height - size) // 2 and columns at (width - size) // 2."
    )
    assert messages["q3"] == [f"On an unseen colour batch{swapped}", f"On an unseen greyscale batch{swapped}"]
    assert "`batch(k)` has one entry too many along axis 0 (the tiles)" in messages["q4"][0]
    assert "`tiles_unrow` is the batch with each sample flattened into a row" in messages["q5"][0]
    assert "Transpose it with `.T`" in messages["q5"][0]
    assert ("`labels_row` is a column of shape (80, 1): it holds the numbers of `labels`, but a row of shape "
            "(1, 80) was asked") in messages["q6"][0]
    assert "`temple_row` has shape (80,)" in messages["q7"][0]
    assert "`.T` cannot add it, since a 1-D array has only one axis to reverse" in messages["q7"][0]
    assert [m.split(": you picked ")[0] for m in messages["q9"]] == [
        "Part 1, `tiles[7]`",
        "Part 2, `tiles[:, 10:30, 5:45, 0]`",
        "Part 3, `images[:10].reshape(10, -1)`",
        "Part 4, `onehot[:, 1].T`",
    ]
    assert "that is the shape of `tiles[:7]`" in messages["q9"][0]
    assert "the single index 0 on the last axis removes that axis" in messages["q9"][1]
    assert "`-1` is not one axis of a picture" in messages["q9"][2]
    assert "the `.T` acts on what `onehot[:, 1]` gives, not on `onehot` itself" in messages["q9"][3]
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
            "q7": "temple_col = onehot[:, 0].reshape(1, -1)\ntemple_row = onehot[:, 0]",
            "q8": "corner = photos[0, :120, :160].copy()\ncorner[..., 2] = 255",
            "q9": "q9_answer = ('d', 'b', 'c', 'a')",
        },
    )
    result = grade(lab02, path)
    # the blue corner was copied before it was painted, so the point for leaving `photos` unchanged is kept
    assert scores(result) == {f"q{i}": 0 for i in range(1, 6)} | {"q6": 2, "q7": 0, "q8": 1, "q9": 0}
    assert result.score == 3
    messages = failures(result)
    assert "`first_100` is a single entry along axis 0 (the pictures), not a slice of it" in messages["q1"][0]
    assert "begin with `:` to keep all of them" in messages["q2"][0]
    assert "starts at the middle of each picture" in messages["q3"][0]
    assert "counts the batches from 1" in messages["q4"][0]
    assert "Each column of `tiles_unrow` holds the numbers of its own sample" in messages["q5"][0]
    assert "`.T` on the whole batch before the reshape" in messages["q5"][0]
    assert ("`temple_col` is a row of shape (1, 80): it holds column 0 of `onehot`, but a column of shape (80, 1) "
            "was asked") in messages["q7"][0]
    assert "it is column 0 of `onehot` picked with a single index" in messages["q7"][1]
    assert "red is channel 0" in messages["q8"][0]
    assert messages["q8"][1] == "`corner` has its blue channel set to 255: red is channel 0."
    assert "an index with nothing before it applies to the first axis" in messages["q9"][0]
    assert "a slice stops just before its stop index" in messages["q9"][1]
    assert "two sizes, `(10, -1)`, make a tensor of rank 2" in messages["q9"][2]
    assert "`.T` changes nothing on a 1-D array" in messages["q9"][3]
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
    # a crop that only works for colour pictures keeps the colour point of q3; a white corner earns nothing in q8,
    # since `photos` is only judged once `corner` is a painted corner of a photo
    assert scores(result) == {"q1": 2, "q2": 2, "q3": 1, "q4": 0, "q5": 2, "q6": 0, "q7": 2, "q8": 0, "q9": 2}
    messages = failures(result)
    assert messages["q3"][0].startswith("`centre_crop(images[:10], 4)` raised IndexError: too many indices")
    assert messages["q3"][1].startswith(
        "On an unseen greyscale batch (pictures not square): `centre_crop(pictures, size)` raised IndexError")
    assert "`batch(0)` has shape (16, 64, 64, 3), but it should have shape (32, 64, 64, 3)" in messages["q4"][0]
    assert messages["q4"][1].startswith("`batch(1)` has shape (16, 64, 64, 3), but it should have shape (32, 64")
    assert re.fullmatch(
        r"On unseen call 1 of 3 \(other k and size\): `batch\(k, size\)` has shape \(\d+, 64, 64, 3\), which is "
        r"not the right shape: check the start and the stop of each slice\.",
        messages["q4"][2],
    )
    # the only shape in the hidden message is the student's own, never the one the unseen size calls for
    assert len(re.findall(r"\(\d+, 64, 64, 3\)", messages["q4"][2])) == 1
    assert "`labels_row` is a list, but it should be a NumPy array" in messages["q6"][0]
    assert "Every channel of `corner` is 255" in messages["q8"][0]
    assert messages["q8"][-1].startswith("This check looks at `photos` only once `corner` is the corner of a photo")


def test_format_checks_carry_no_points(lab02):
    """Every point of every question comes from a hidden check of the values or of the behaviour."""
    for test_file in lab02.test_files():
        public_points = re.findall(r"@test_case\(points=([^,]+), hidden=False\)", test_file.read_text())
        assert public_points and set(public_points) == {"0"}, test_file.name


def test_right_answers_the_wording_allows_keep_full_marks(lab02, make_submission):
    path = make_submission(
        "variants",
        lab=LAB,
        answers={
            "q1": "first_100 = images[0:100].copy()",
            "q2": "lower_right = images[:, -4:, -4:]",
            "q3": (
                "def centre_crop(pictures, size):\n    height, width = pictures.shape[1:3]\n"
                "    top, left = (height - size) // 2, (width - size) // 2\n"
                "    return pictures[:, top:top + size, left:left + size, ...]"
            ),
            "q4": "def batch(k, size=32):\n    start = k * size\n    return tiles[start:start + size].copy()",
            "q5": "tiles_unrow = np.stack([tile.ravel() for tile in tiles], axis=1)",
            "q6": "labels_row = np.expand_dims(labels, 0).astype(float)",
            "q7": "temple_col = onehot[:, [0]]\ntemple_row = onehot[:, 0][np.newaxis, :]",
            "q8": "corner = np.array(photos[0, :120, :160, :])\ncorner[:, :, 0] = 255",
            "q9": "q9_answer = [' C', 'A', 'd ', 'B']",
        },
    )
    result = grade(lab02, path)
    assert (result.score, result.max_score) == (18, 18), failures(result)


def test_non_answers_and_shortcuts_earn_nothing(lab02, make_submission):
    """Right shapes with no content, a default size left out, a red array that was never cut from the photo."""
    path = make_submission(
        "shortcuts",
        lab=LAB,
        solved="all",
        answers={
            "q1": "first_100 = np.zeros((100, 8, 8))",
            "q4": "def batch(k, size):\n    return tiles[k * size:(k + 1) * size]",
            "q6": "labels_row = np.zeros((1, 80), dtype=int)",
            "q8": "corner = np.zeros((120, 160, 3), dtype='uint8')\ncorner[..., 0] = 255",
            "q9": "q9_answer = ('a', 'a', 'a', 'a')",
        },
    )
    result = grade(lab02, path)
    assert scores(result) == {"q1": 0, "q2": 2, "q3": 2, "q4": 1.5, "q5": 2, "q6": 0, "q7": 2, "q8": 0, "q9": 0.5}
    messages = failures(result)
    assert len(messages["q1"]) == 1, "the shape check passes, the values check fails"
    assert "missing 1 required positional argument: 'size'" in messages["q4"][0]
    assert messages["q4"][1].startswith("`batch(1)` raised TypeError")
    assert messages["q4"][1].endswith("Without a size, `batch` should use batches of 32 tiles.")
    assert messages["q8"][-1].startswith("This check looks at `photos` only once `corner` is the corner of a photo")
    assert len(messages["q9"]) == 3, "one part of four is right, by chance"
