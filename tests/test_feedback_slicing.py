"""Tests for autograder.feedback.slicing: each recogniser's candidates and messages, and that none leaks."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.feedback import Finding, explain
from autograder.feedback.slicing import (
    batch_candidates,
    call_student,
    centre_crop_candidates,
    cut_tiles,
    explain_modified_original,
    explain_unrow,
    explain_unseen,
    explain_vector_shape,
    quadrant_candidates,
    slice_candidates,
)


def matched(candidates: dict[str, np.ndarray], got: np.ndarray) -> str:
    """The message of the candidate equal to ``got`` (shape and values), as ``expect`` would pick it."""
    finding = explain("x", got, np.zeros((0,)), candidates=candidates)
    assert finding is not None and finding.code == "candidate", f"no candidate matched: {finding}"
    return finding.message


def photos_like(seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(2, 40, 50, 3)).astype("uint8")


# --- cut_tiles -----------------------------------------------------------------------


def test_cut_tiles_is_seeded_and_cuts_real_pieces_of_the_photos():
    photos = photos_like()
    tiles, which = cut_tiles(photos, 12, 8, seed=0)
    again, which_again = cut_tiles(photos, 12, 8, seed=0)
    assert tiles.shape == (12, 8, 8, 3) and tiles.dtype == np.uint8
    assert np.array_equal(tiles, again) and np.array_equal(which, which_again)
    assert set(which.tolist()) <= {0, 1}
    rng = np.random.default_rng(0)
    rng.integers(0, 2, size=12)
    top, left = rng.integers(0, 33, size=12)[0], rng.integers(0, 43, size=12)[0]
    assert np.array_equal(tiles[0], photos[which[0], top : top + 8, left : left + 8])


# --- slice_candidates -----------------------------------------------------------------


def test_neighbours_of_a_slice_from_the_start():
    x = np.arange(200)
    found = slice_candidates("first_100", x, np.s_[:100], ("the pictures",))
    assert matched(found, x[:99]) == (
        "`first_100` has one entry too few along axis 0 (the pictures): a slice stops just before its stop index, "
        "so `a[start:stop]` holds stop - start entries; do not subtract 1 from the stop."
    )
    assert "has one entry too many along axis 0" in matched(found, x[:101])
    assert "begins one entry too late along axis 0" in matched(found, x[1:100])
    assert matched(found, x[1:101]) == (
        "`first_100` is shifted one entry too far along axis 0 (the pictures): indices count from 0, not from 1, "
        "so both ends of the slice move down by one."
    )
    assert len(found) == 4  # no start before 0, no length slip for a slice from 0


def test_candidates_never_include_the_right_answer_or_clip_onto_it():
    x = np.arange(10)
    found = slice_candidates("x", x, np.s_[5:])
    assert all(v.shape != x[5:].shape or not np.array_equal(v, x[5:]) for v in found.values())
    assert "has one entry too few along axis 0" in matched(found, x[5:9])
    assert "begins one entry too early along axis 0" in matched(found, x[4:])


def test_stop_written_as_a_length_on_every_axis_at_once():
    x = np.arange(2 * 8 * 10).reshape(2, 8, 10)
    found = slice_candidates("crop", x, np.s_[:, 2:6, 3:7], ("the pictures", "the rows", "the columns"))
    assert matched(found, x[:, 2:4, 3:4]) == (
        "`crop` uses a length where the stop index belongs along axes 1 and 2 (the rows and the columns): "
        "`a[start:stop]` ends at an index, so write `a[start:start + length]`."
    )
    assert "uses a length where the stop index belongs along axis 2 (the columns)" in matched(found, x[:, 2:6, 3:4])
    assert "has one entry too many along axes 1 and 2" in matched(found, x[:, 2:7, 3:8])


def test_slices_applied_one_axis_too_early():
    x = np.arange(5 * 8 * 8).reshape(5, 8, 8)
    found = slice_candidates("part", x, np.s_[:, 4:, 4:])
    assert matched(found, x[4:, 4:]) == (
        "`part` applies its slices one axis too early: axis 0 holds the samples, so begin with `:` to keep all of "
        "them, then slice the axes that follow."
    )


def test_slice_messages_do_not_contain_the_numbers_of_the_slice():
    x = np.arange(300)
    for message in slice_candidates("part", x, np.s_[37:181]):
        assert "37" not in message and "181" not in message and "144" not in message


# --- quadrant_candidates --------------------------------------------------------------


def test_each_wrong_quadrant_is_named():
    images = np.arange(3 * 8 * 8).reshape(3, 8, 8)
    found = quadrant_candidates("lower_right", images, want="lower-right")
    assert matched(found, images[:, :4, :4]) == (
        "`lower_right` holds the upper-left quadrant of each picture, not the lower-right one: the rows (axis 1) "
        "should be the lower half, from the middle on (`middle:`); the columns (axis 2) should be the right half, "
        "from the middle on (`middle:`)."
    )
    assert matched(found, images[:, :4, 4:]).startswith("`lower_right` holds the upper-right quadrant")
    assert matched(found, images[:, 4:, :4]) == (
        "`lower_right` holds the lower-left quadrant of each picture, not the lower-right one: the columns "
        "(axis 2) should be the right half, from the middle on (`middle:`)."
    )
    assert "keep all of them with a leading `:`" in matched(found, images[4:, 4:])
    assert len(found) == 4


def test_quadrants_of_non_square_colour_pictures_for_another_wanted_quadrant():
    images = np.arange(2 * 6 * 10 * 3).reshape(2, 6, 10, 3)
    found = quadrant_candidates("upper_left", images, want="upper-left")
    assert "the rows (axis 1) should be the upper half, before the middle (`:middle`)" in matched(
        found, images[:, 3:, :5]
    )
    assert all(v.shape[1:3] == (3, 5) for v in list(found.values())[:3])


# --- batch_candidates -----------------------------------------------------------------


def test_batch_slips():
    x = np.arange(20)
    found = batch_candidates("batch(1)", x, 1, 6)
    assert matched(found, x[1:7]) == (
        "`batch(1)` starts at sample k instead of sample k * size: k whole batches come before batch k, so it "
        "starts at `k * size`."
    )
    assert "counts the batches from 1" in matched(found, x[0:6])
    assert "is the batch after the one asked for" in matched(found, x[12:18])
    assert "uses the batch size where the stop index belongs" in matched(found, x[6:6])
    assert "has one entry too many along axis 0 (the samples)" in matched(found, x[6:13])


def test_batch_zero_counted_from_one_is_empty_and_its_right_answer_is_never_a_candidate():
    x = np.arange(20)
    found = batch_candidates("batch(0)", x, 0, 6)
    assert "counts the batches from 1" in matched(found, x[-6:0])
    assert all(v.shape != (6,) or not np.array_equal(v, x[:6]) for v in found.values())


# --- centre_crop_candidates -----------------------------------------------------------


def test_centre_crop_slips_on_non_square_pictures():
    pictures = np.arange(2 * 7 * 12).reshape(2, 7, 12)  # rows start at 2, columns at 4 (margin 9: rounded down)
    found = centre_crop_candidates("crop", pictures, 3)
    assert matched(found, pictures[:, 4:7, 2:5]) == (
        "`crop` uses the column offset for the rows and the row offset for the columns: rows start at "
        "(height - size) // 2 and columns at (width - size) // 2."
    )
    assert "rounds the offset up" in matched(found, pictures[:, 2:5, 5:8])
    assert "starts at the middle of each picture" in matched(found, pictures[:, 3:6, 6:9])
    assert "uses a length where the stop index belongs along axes 1 and 2" in matched(found, pictures[:, 2:3, 4:3])


def test_centre_crop_candidates_keep_the_channel_axis_and_clip_like_numpy():
    pictures = np.arange(1 * 4 * 9 * 3).reshape(1, 4, 9, 3)
    found = centre_crop_candidates("crop", pictures, 2)
    swapped = pictures[:, 3:5, 1:3]  # the row start 3 runs past the edge: NumPy clips it to one row
    assert swapped.shape == (1, 1, 2, 3)
    assert "uses the column offset for the rows" in matched(found, swapped)


# --- explain_unseen ----------------------------------------------------------------------


def test_unseen_shape_mismatch_never_names_the_expected_shape():
    finding = explain_unseen("batch(k, size)", np.zeros((5, 4)), np.zeros((7, 4)))
    assert finding == Finding(
        "shape",
        "`batch(k, size)` has shape (5, 4), which is not the right shape: check the start and the stop of each slice.",
    )
    other = explain_unseen("f(x)", np.zeros((7,)), np.zeros((7, 4)))
    assert "(7, 4)" not in other.message and "different number of axes" in other.message


def test_unseen_passes_right_answers_and_candidates_through():
    assert explain_unseen("f(x)", np.arange(3), np.arange(3)) is None
    finding = explain_unseen("f(x)", np.arange(2), np.arange(3), candidates={"known slip": np.arange(2)})
    assert finding == Finding("candidate", "known slip")


# --- explain_unrow -------------------------------------------------------------------------


@pytest.fixture
def batch() -> np.ndarray:
    return np.random.default_rng(3).integers(0, 256, size=(5, 3, 4, 2)).astype("uint8")


def test_a_right_unrow_passes(batch):
    assert explain_unrow("unrow", batch.reshape(5, -1).T, batch) is None
    assert explain_unrow("unrow", np.transpose(batch, (1, 2, 3, 0)).reshape(-1, 5), batch) is None


def test_reshape_straight_to_features_by_n_mixes_images(batch):
    finding = explain_unrow("unrow", batch.reshape(-1, 5), batch)
    assert finding == Finding(
        "mixed_images",
        "Column 0 of `unrow` holds pixels of several images: reshaping straight to (features, N) keeps the reading "
        "order, so each column takes every N-th number of the whole batch. Reshape per image first (number of "
        "images first, `-1` after it), then transpose.",
    )
    assert explain_unrow("unrow", batch.reshape(24, 5), batch, check_values=False).code == "mixed_images"


def test_forgot_the_transpose(batch):
    finding = explain_unrow("unrow", batch.reshape(5, -1), batch)
    assert finding.code == "forgot_transpose"
    assert finding.message == (
        "`unrow` has shape (5, 24), but it should have shape (24, 5): it is the batch with one row per image. You "
        "probably forgot the transpose: add `.T` after the reshape, so that each image becomes a column."
    )


def test_transposing_the_whole_batch_reorders_each_image(batch):
    finding = explain_unrow("unrow", batch.T.reshape(-1, 5), batch)
    assert finding.code == "pixel_order"
    assert "`.T` on the whole batch reverses every axis" in finding.message
    other = explain_unrow("unrow", np.transpose(batch, (0, 3, 1, 2)).reshape(5, -1).T, batch)
    assert other.code == "pixel_order" and "axes inside each image were moved" in other.message


def test_images_in_another_order_and_other_shapes(batch):
    assert explain_unrow("unrow", batch.reshape(5, -1).T[:, ::-1], batch).code == "columns_reordered"
    assert explain_unrow("unrow", batch, batch).code == "not_reshaped"
    assert explain_unrow("unrow", batch.ravel(), batch).code == "flattened"
    assert explain_unrow("unrow", batch.reshape(5, -1).T / 255, batch).code == "dtype"
    assert explain_unrow("unrow", None, batch).code == "missing"


def test_unknown_wrong_values_pass_only_without_value_checks(batch):
    wrong = batch.reshape(5, -1).T.copy()
    wrong[0, 0] += 1
    assert explain_unrow("unrow", wrong, batch, check_values=False) is None
    assert explain_unrow("unrow", wrong, batch).code == "values"


# --- explain_vector_shape ------------------------------------------------------------------


def test_plain_vector_where_a_row_is_asked_names_T_and_single_index():
    v = np.arange(6)
    for got in (v, v.T):
        assert explain_vector_shape("labels_row", got, 6, want="row") == Finding(
            "missing_axis",
            "`labels_row` has shape (6,): a 1-D vector, neither a row nor a column. `.T` does nothing to a 1-D array "
            "(it has only one axis to reverse), and picking a column with a single index (`a[:, 1]`) drops that "
            "axis: add the missing axis with `.reshape(1, -1)`.",
        )
    assert "`.reshape(-1, 1)`" in explain_vector_shape("col", v, 6, want="column").message


def test_column_for_row_and_row_for_column():
    v = np.arange(6)
    assert explain_vector_shape("row", v.reshape(6, 1), 6, want="row").message == (
        "`row` is a column of shape (6, 1), but a row of shape (1, 6) was asked: `reshape(1, n)` makes a row and "
        "`reshape(n, 1)` a column, so use `reshape(1, 6)` (or `.reshape(1, -1)`)."
    )
    assert explain_vector_shape("col", v.reshape(1, 6), 6, want="column").code == "row_not_column"
    assert explain_vector_shape("vec", v.reshape(1, 6), 6, want="vector").code == "row_not_vector"


def test_right_shapes_pass_and_other_shapes_are_explained():
    v = np.arange(6)
    assert explain_vector_shape("row", v.reshape(1, 6), 6) is None
    assert explain_vector_shape("col", v.reshape(6, 1), 6, want="column") is None
    assert explain_vector_shape("vec", v, 6, want="vector") is None
    assert explain_vector_shape("row", v.reshape(1, 1, 6), 6).code == "extra_axis"
    assert explain_vector_shape("row", np.arange(2), 6).code == "shape"
    assert explain_vector_shape("row", [v], 6).code == "not_array"
    assert explain_vector_shape("row", None, 6).code == "missing"


# --- explain_modified_original -------------------------------------------------------------


def test_an_untouched_original_passes():
    photos = photos_like()
    assert explain_modified_original("photos", photos.copy(), photos, "corner") is None


def test_writing_through_a_view_is_named():
    photos = photos_like()
    current = photos.copy()
    corner = current[0, :2, :3]
    corner[..., 0] = 7
    finding = explain_modified_original("photos", current, photos, "corner")
    changed = int(np.count_nonzero(photos[0, :2, :3, 0] != 7))
    assert finding == Finding(
        "modified_through_view",
        f"`photos` was changed ({changed} of {photos.size} entries differ from the original): slicing does not "
        "copy, so `corner` is a view of `photos` and writing into it wrote into `photos` too. Take a `.copy()` of "
        "the slice before changing it, then rerun the notebook from the setup cell.",
    )


def test_a_replaced_or_deleted_original_is_named():
    photos = photos_like()
    assert explain_modified_original("photos", photos[0], photos, "corner").code == "replaced"
    assert explain_modified_original("photos", photos.astype(float), photos, "corner").code == "replaced"
    assert explain_modified_original("photos", None, photos, "corner").code == "missing"


# --- call_student --------------------------------------------------------------------------


class StudentFunctionError(Exception):
    """Stands in for the probe's error, which carries the sandbox's own text."""


def test_call_student_returns_the_result():
    assert call_student(lambda a, b: a + b, "`add(1, 2)`", 1, 2) == 3


def test_call_student_explains_every_way_a_call_can_fail():
    def raises(_):
        raise ValueError("bad input")

    def probe(_):
        raise StudentFunctionError("calling `batch` failed: IndexError: index 9 is out of bounds")

    def unfinished(_):
        return None

    cases = {
        None: "`f(x)`: the function is not defined yet. Run the cell that defines it.",
        3: "`f(x)`: `the function` should be a function defined with `def`, but it is not one.",
        raises: "`f(x)` failed: ValueError: bad input",
        probe: "`f(x)` failed: IndexError: index 9 is out of bounds",
        unfinished: "`f(x)` returned None: finish the body of `unfinished` and `return` the result.",
    }
    for function, message in cases.items():
        with pytest.raises(AssertionError) as caught:
            call_student(function, "`f(x)`", 0)
        assert str(caught.value) == message
