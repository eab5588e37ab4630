"""autograder.feedback.slices and .reshapes: every named cause is re-enacted, and a near miss is not named.

Each family runs on several shapes and dtypes, not only lab02's arrays. For each confirmed diagnosis there is a
test that it is confirmed and a test that a different mistake with a similar symptom does not get it.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from autograder.feedback import Finding, explain
from autograder.feedback.exceptions import use_failures
from autograder.feedback.reshapes import describe_columns, explain_unrow, explain_vector_shape, unrow_slips
from autograder.feedback.slices import (
    IMAGE_AXES,
    across_calls,
    batch_slips,
    centre_crop_slips,
    early_slips,
    explain_modified_original,
    explain_slice,
    explain_unseen,
    index_slips,
    mirror_slips,
    neighbour_slips,
    quadrant_slips,
    slice_slips,
    swapped_key,
    swapped_slips,
    where_taken,
)
from autograder.model import CellFailure, FindingCode


def found(got, expected, slips, **kwargs) -> Finding:
    """The finding of the ladder for a value that must be wrong."""
    result = explain("x", got, expected, candidates=slips, **kwargs)
    assert result is not None, "expected a finding"
    return result


def named(got, expected, slips) -> str:
    """The message of the one slip that reproduces ``got``; fails when none does or the cause is not confirmed."""
    result = found(got, expected, slips)
    assert result.confirmed, f"not confirmed: {result}"
    return result.message


def batch_of(shape, dtype, seed=0) -> np.ndarray:
    """Random entries of one dtype, so that no two slices agree by chance."""
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        return rng.random(shape).astype(dtype)
    return rng.integers(0, 200, size=shape).astype(dtype)


SHAPES = [((300,), "int64"), ((40, 9, 7), "float32"), ((12, 10, 14, 3), "uint8"), ((25, 6), "float64")]


@pytest.fixture(autouse=True)
def no_failures():
    use_failures([])
    yield
    use_failures([])


# --- neighbouring slices ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "dtype"), SHAPES)
def test_off_by_one_at_either_end_is_named_on_any_shape(shape, dtype):
    x = batch_of(shape, dtype)
    key, right = np.s_[3:9], x[3:9]
    slips = neighbour_slips("part", x, key)
    assert "has one entry too few along axis 0" in named(x[3:8], right, slips)
    assert "has one entry too many along axis 0" in named(x[3:10], right, slips)
    assert "begins one entry too late along axis 0" in named(x[4:9], right, slips)
    assert "begins one entry too early along axis 0" in named(x[2:9], right, slips)
    assert "is shifted one entry too far along axis 0" in named(x[4:10], right, slips)
    assert "uses a length where the stop index belongs along axis 0" in named(x[3:6], right, slips)
    assert found(x[3:8], right, slips).code == FindingCode.OFF_BY_ONE_SLICE


@pytest.mark.parametrize(("shape", "dtype"), SHAPES)
def test_a_batch_of_other_samples_is_not_called_an_off_by_one(shape, dtype):
    x = batch_of(shape, dtype)
    right = x[3:9]
    slips = neighbour_slips("part", x, np.s_[3:9])
    for other in (x[10:16], x[[3, 5, 4, 6, 7, 8]], x[3:9][::-1], x[10:15]):
        finding = found(other, right, slips)
        assert finding.code != FindingCode.OFF_BY_ONE_SLICE and "one entry" not in finding.message


def test_off_by_one_on_several_axes_at_once_and_the_stop_as_a_length():
    x = batch_of((2, 8, 10), "int32")
    slips = neighbour_slips("crop", x, np.s_[:, 2:6, 3:7], IMAGE_AXES)
    assert named(x[:, 2:4, 3:4], x[:, 2:6, 3:7], slips) == (
        "`crop` uses a length where the stop index belongs along axes 1 and 2 (the rows and the columns): "
        "`a[start:stop]` ends at an index, so write `a[start:start + length]`."
    )
    assert "has one entry too many along axes 1 and 2" in named(x[:, 2:7, 3:8], x[:, 2:6, 3:7], slips)
    assert "along axis 2 (the columns)" in named(x[:, 2:6, 3:6], x[:, 2:6, 3:7], slips)


def test_neighbours_can_leave_out_the_length_and_the_shift_of_both_ends():
    x = batch_of((30,), "int64")
    every = {s.message for s in neighbour_slips("p", x, np.s_[5:15])}
    fewer = {s.message for s in neighbour_slips("p", x, np.s_[5:15], lengths=False, shifted=False)}
    assert any("length" in m for m in every) and not any("length" in m for m in fewer)
    assert any("shifted" in m for m in every) and not any("shifted" in m for m in fewer)


def test_neighbours_never_include_the_answer_an_empty_value_or_the_slices_numbers():
    x = np.arange(300)
    slips = slice_slips("part", x, np.s_[37:181])
    assert slips and all(s.value.size and not np.array_equal(s.value, x[37:181]) for s in slips)
    for slip in slips:
        assert not re.search(r"\b(37|181|144)\b", slip.message), slip.message
    end = neighbour_slips("x", x[:10], np.s_[5:])
    assert all(s.value.shape != (5,) or not np.array_equal(s.value, x[5:10]) for s in end)


def collisions(slips) -> list[tuple[str, str]]:
    """Pairs of slips with different messages and the same value: they cancel each other, naming nothing."""
    return [(a.message, b.message) for a, b in itertools.combinations(slips, 2)
            if a.message != b.message and a.value.shape == b.value.shape and np.array_equal(a.value, b.value)]


@pytest.mark.parametrize(("shape", "size"), [((80, 64, 64, 3), 32), ((10, 8, 8), 4), ((4, 13, 22, 3), 6),
                                             ((3, 26, 15), 7), ((2, 427, 640, 3), 100)])
def test_on_inputs_like_the_labs_no_two_causes_give_one_value(shape, size):
    """Two causes with the same value would cancel each other silently: on such inputs the builders keep them
    apart, so each one can be named."""
    x = batch_of(shape, "uint8")
    quadrant = np.s_[:, shape[1] // 2:, shape[2] // 2:]
    assert collisions(centre_crop_slips("c", x, size)) == []
    assert collisions([*quadrant_slips("q", x), *neighbour_slips("q", x, quadrant, IMAGE_AXES),
                       *index_slips("q", x, quadrant, IMAGE_AXES)]) == []
    assert collisions(slice_slips("f", x, np.s_[:, : shape[1] // 3], IMAGE_AXES)) == []
    samples = batch_of((80, *shape[1:3]), "uint8")
    for k, batch_size in ((0, 32), (1, 32), (2, 32), (3, 7), (1, 13)):
        assert collisions(batch_slips("b", samples, k, batch_size)) == []


def test_two_causes_that_coincide_name_nothing():
    x = batch_of((6, 8, 8, 3), "uint8")  # size 5 on 8 rows: `middle - size // 2` is also a start one too late
    slips = centre_crop_slips("crop", x, 5)
    assert collisions(slips)
    finding = found(x[:, 2:6, 2:6], x[:, 1:6, 1:6], slips)
    assert not finding.confirmed and finding.code == FindingCode.SHAPE


# --- a single index, one axis too early, the other end -----------------------------------------------------


@pytest.mark.parametrize(("shape", "dtype"), SHAPES[1:])
def test_a_single_index_where_a_slice_belongs(shape, dtype):
    x = batch_of(shape, dtype)
    slips = index_slips("first", x, np.s_[:10], IMAGE_AXES)
    message = named(x[10], x[:10], slips)
    assert message.startswith("`first` is a single entry along axis 0 (the pictures), not a slice of it")
    assert found(x[10], x[:10], slips).code == FindingCode.SINGLE_INDEX
    assert "single entry" in named(x[0], x[:10], slips)


def test_another_single_entry_is_not_called_an_index_slip():
    x = batch_of((40, 9, 7), "float32")
    finding = found(x[17], x[:10], index_slips("first", x, np.s_[:10]))
    assert not finding.confirmed and "single entry" not in finding.message


@pytest.mark.parametrize("shape", [(5, 8, 8), (3, 6, 10, 3)])
def test_slices_applied_one_axis_too_early(shape):
    x = batch_of(shape, "int16")
    key = np.s_[:, 2:, 3:]
    message = named(x[2:, 3:], x[key], early_slips("part", x, key, IMAGE_AXES))
    assert message == ("`part` applies its slices one axis too early: axis 0 holds the pictures, so begin with `:` "
                       "to keep all of them, then slice the axes that follow.")


def test_no_early_slip_without_a_leading_colon():
    x = batch_of((5, 8, 8), "int16")
    assert early_slips("part", x, np.s_[0, 2:, 3:]) == []
    assert early_slips("part", x, np.s_[:3]) == []


@pytest.mark.parametrize(("shape", "dtype"), SHAPES)
def test_the_other_end_of_an_axis(shape, dtype):
    x = batch_of(shape, dtype)
    message = named(x[-10:], x[:10], mirror_slips("first", x, np.s_[:10], IMAGE_AXES))
    assert message.startswith("`first` is taken from the other end along axis 0 (the pictures)")


def test_a_block_in_the_middle_is_not_called_the_other_end_but_is_located():
    x = batch_of((40, 9, 7), "float32")
    key = np.s_[:10]
    finding = explain_slice("first", x[13:23], x, key, candidates=slice_slips("first", x, key, IMAGE_AXES),
                            axis_names=IMAGE_AXES, source_name="`images`")
    assert not finding.confirmed and "other end" not in finding.message
    assert finding.message.endswith("`first` is one block of `images`: it takes pictures 13 to 22; along the rows "
                                    "and the columns it takes the part asked for.")


# --- which part of each picture ------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "dtype"), [((10, 8, 8), "float64"), ((12, 6, 10, 3), "uint8"), ((9, 7, 5), "int32")])
def test_each_wrong_quadrant_is_named_on_square_and_oblong_pictures(shape, dtype):
    x = batch_of(shape, dtype)
    rows, cols = shape[1] // 2, shape[2] // 2
    right = x[:, rows:, cols:]
    slips = quadrant_slips("lower_right", x, want="lower-right")
    assert named(x[:, :rows, :cols], right, slips) == (
        "`lower_right` holds the upper-left quadrant of each picture, not the lower-right one: the rows (axis 1) "
        "should be the lower half, from the middle on; the columns (axis 2) should be the right half, from the "
        "middle on."
    )
    assert named(x[:, :rows, cols:], right, slips).startswith("`lower_right` holds the upper-right quadrant")
    assert named(x[:, rows:, :cols], right, slips) == (
        "`lower_right` holds the lower-left quadrant of each picture, not the lower-right one: the columns (axis 2) "
        "should be the right half, from the middle on."
    )
    assert "begin with `:` to keep all of them" in named(x[rows:, cols:], right, slips)


def test_another_wanted_quadrant_and_a_block_that_is_no_quadrant():
    x = batch_of((2, 6, 10, 3), "uint8")
    slips = quadrant_slips("upper_left", x, want="upper-left")
    assert "the rows (axis 1) should be the upper half, before the middle" in named(x[:, 3:, :5], x[:, :3, :5], slips)
    key = np.s_[:, 3:, 5:]
    middle = x[:, 1:4, 2:7]
    finding = explain_slice("part", middle, x, key, candidates=quadrant_slips("part", x), axis_names=IMAGE_AXES)
    assert not finding.confirmed and "quadrant" not in finding.message
    assert "it takes rows 1 to 3 and columns 2 to 6; along the pictures and the channels it takes the part asked " \
           "for." in finding.message


@pytest.mark.parametrize(("shape", "axes"), [((3, 6, 9, 3), (1, 2)), ((6, 9), (0, 1)), ((2, 3, 6, 9), (2, 3))])
def test_rows_and_columns_swapped_in_the_slices_is_a_slip_of_the_key_not_a_transpose(shape, axes):
    x = batch_of(shape, "float32")
    key = [slice(None)] * len(shape)
    key[axes[0]], key[axes[1]] = slice(0, 2), slice(1, 6)
    key = tuple(key)
    swapped = x[swapped_key(key, axes)]
    finding = found(swapped, x[key], swapped_slips("part", x, key, axes))
    assert finding.confirmed and f"has the slices of axis {axes[0]} and axis {axes[1]} swapped" in finding.message
    assert finding.code != FindingCode.TRANSPOSED and "transpose" not in finding.message


def test_a_true_transpose_is_not_called_swapped_slices():
    x = batch_of((6, 9), "float32")
    key = np.s_[0:4, 1:5]
    finding = found(x[key].T, x[key], swapped_slips("part", x, key, (0, 1), ("the rows", "the columns")))
    assert finding.code == FindingCode.TRANSPOSED and "swapped slices" not in finding.message
    assert "slices of" not in finding.message


def test_swapped_slices_of_a_batch_of_pictures_name_the_rows_and_the_columns():
    x = batch_of((3, 6, 9, 3), "uint8")
    key = np.s_[:, :2, 1:6]
    message = named(x[:, 1:6, :2], x[key], swapped_slips("corner", x, key, axis_names=IMAGE_AXES))
    assert message == ("`corner` has the slices of axis 1 (the rows) and axis 2 (the columns) swapped: each slice "
                       "applies to the axis at its own position in `a[...]`, so the slice for axis 1 (the rows) comes "
                       "before the one for axis 2 (the columns).")


def test_swapped_slices_that_agree_give_no_slip():
    x = batch_of((2, 8, 8), "int64")
    assert swapped_slips("part", x, np.s_[:, 4:, 4:]) == []


# --- batches -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "dtype"), [((80, 4, 4, 3), "uint8"), ((50,), "int64"), ((45, 3), "float32")])
def test_batch_slips_are_named(shape, dtype):
    x = batch_of(shape, dtype)
    k, size = 2, 7
    right = x[14:21]
    slips = batch_slips("batch(2)", x, k, size)
    assert named(x[2:9], right, slips).startswith("`batch(2)` starts at sample k instead of sample k * size")
    assert "counts the batches from 1" in named(x[7:14], right, slips)
    assert "is the batch after the one asked for" in named(x[21:28], right, slips)
    assert "has one entry too many along axis 0 (the samples)" in named(x[14:22], right, slips)


def test_an_empty_batch_is_never_named():
    x = batch_of((50, 2), "float64")
    for k, size in ((1, 2), (2, 7), (6, 7)):
        empty = found(x[:0], x[k * size:(k + 1) * size], batch_slips("b", x, k, size))
        assert not empty.confirmed and empty.code == FindingCode.SHAPE


def test_a_batch_of_the_wrong_samples_is_not_called_an_off_by_one():
    x = batch_of((80, 4, 4, 3), "uint8")
    right = x[32:64]
    slips = batch_slips("batch(1)", x, 1, 32)
    for other in (x[np.r_[33:64, 0]], x[40:72], x[32:64][::-1], x[::-1][16:48]):
        finding = found(other, right, slips)
        assert finding.code != FindingCode.OFF_BY_ONE_SLICE and not finding.confirmed, finding


def calls_of(function, x, size, ks=(0, 1, 2)) -> tuple[list, list]:
    """The findings, with and without slips, of ``function(k)`` against batch k of ``x``, for each k."""
    findings, plain = [], []
    for k in ks:
        got, want = function(k), x[k * size:(k + 1) * size]
        findings.append(explain("batch(k)", got, want, candidates=batch_slips("batch(k)", x, k, size)))
        plain.append(explain(f"batch({k})", got, want))
    return findings, plain


@pytest.mark.parametrize(("shape", "dtype"), [((80, 4, 4, 3), "uint8"), ((70,), "int64")])
def test_batches_counted_from_one_are_named_across_calls_though_batch_0_is_empty(shape, dtype):
    x = batch_of(shape, dtype)
    findings, plain = calls_of(lambda k: x[(k - 1) * 32:k * 32], x, 32)
    assert findings[0].confirmed and findings[0].message == findings[1].message
    assert "counts the batches from 1" in across_calls("batch", findings, plain).message


@pytest.mark.parametrize(("shape", "dtype"), [((80, 4, 4, 3), "uint8"), ((70,), "int64")])
def test_a_function_that_ignores_k_is_not_called_counted_from_one(shape, dtype):
    x = batch_of(shape, dtype)
    findings, plain = calls_of(lambda k: x[:32], x, 32)
    assert "counts the batches from 1" in findings[1].message, "one call alone looks like it"
    finding = across_calls("batch", findings, plain)
    assert not finding.confirmed and "counts" not in finding.message
    assert finding.message.startswith("`batch(1)` has the right shape")


def test_across_calls_passes_right_calls_and_always_says_something_for_wrong_ones():
    x = batch_of((80,), "int64")
    assert across_calls("batch", *calls_of(lambda k: x[k * 32:(k + 1) * 32], x, 32)) is None
    confirmed = [Finding(FindingCode.CANDIDATE, "a", confirmed=True), Finding(FindingCode.CANDIDATE, "b",
                                                                               confirmed=True)]
    assert across_calls("batch", confirmed, [None, None]).message == (
        "`batch` does not give the right result on every call.")


# --- centre crops --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "dtype"), [((2, 7, 12), "int64"), ((3, 13, 22, 3), "uint8"),
                                             ((1, 26, 15), "float32")])
def test_centre_crop_slips_on_pictures_that_are_not_square(shape, dtype):
    x = batch_of(shape, dtype)
    size = 3 if shape[1] < 10 else 6
    height, width = shape[1], shape[2]
    top, left = (height - size) // 2, (width - size) // 2
    right = x[:, top:top + size, left:left + size]
    slips = centre_crop_slips("crop", x, size)
    swapped = x[:, left:left + size, top:top + size]
    assert named(swapped, right, slips) == (
        "`crop` uses the column offset for the rows and the row offset for the columns: rows start at "
        "(height - size) // 2 and columns at (width - size) // 2."
    )
    assert "starts at the middle of each picture" in named(x[:, height // 2:height // 2 + size,
                                                               width // 2:width // 2 + size], right, slips)


@pytest.mark.parametrize(("shape", "dtype"), [((2, 12, 14), "int64"), ((3, 13, 14, 3), "uint8")])
def test_a_crop_whose_stop_is_written_as_its_size(shape, dtype):
    x = batch_of(shape, dtype)
    size = 8
    top, left = (shape[1] - size) // 2, (shape[2] - size) // 2
    right = x[:, top:top + size, left:left + size]
    message = named(x[:, top:size, left:size], right, centre_crop_slips("crop", x, size))
    assert "uses a length where the stop index belongs along axes 1 and 2 (the rows and the columns)" in message


def test_rounding_the_offset_up_is_named_and_not_taken_for_a_shift():
    x = batch_of((2, 7, 12), "int64")  # margins 4 and 9: only the columns' is odd
    right = x[:, 2:5, 4:7]
    slips = centre_crop_slips("crop", x, 3)
    assert "rounds the offset up" in named(x[:, 2:5, 5:8], right, slips)
    assert not any("shifted" in s.message for s in slips)


def test_a_crop_from_another_place_is_not_named_as_a_centre_slip():
    x = batch_of((2, 14, 20), "float64")
    right = x[:, 5:9, 8:12]
    finding = found(x[:, 0:4, 1:5], right, centre_crop_slips("crop", x, 4))
    assert not finding.confirmed


def test_centre_crop_slips_clip_like_numpy_and_vanish_on_square_pictures():
    x = batch_of((1, 4, 9, 3), "uint8")
    swapped = x[:, 3:5, 1:3]  # the row start 3 runs past the edge: NumPy clips it to one row
    assert swapped.shape == (1, 1, 2, 3)
    assert "uses the column offset for the rows" in named(swapped, x[:, 1:3, 3:5], centre_crop_slips("crop", x, 2))
    square = batch_of((5, 8, 8), "uint8")
    assert not any("column offset" in s.message for s in centre_crop_slips("crop", square, 4))


# --- where a value was taken from -----------------------------------------------------------------------------


def test_where_taken_prints_the_students_ranges_never_the_right_one():
    x = batch_of((5, 8, 8), "float64")
    text = where_taken("part", x[:, 1:5, 4:], x, np.s_[:, 4:, 4:], IMAGE_AXES, "`images`")
    assert text == ("`part` is one block of `images`: it takes rows 1 to 4; along the pictures and the columns it "
                    "takes the part asked for.")
    assert "4 to 7" not in text


def test_where_taken_says_nothing_when_the_value_is_no_block_or_an_ambiguous_one():
    x = batch_of((5, 8, 8), "float64")
    key = np.s_[:, 4:, 4:]
    assert where_taken("p", x[:, 4:, 4:][:, ::-1], x, key) == ""
    assert where_taken("p", np.zeros((5, 4, 4)), np.zeros((5, 8, 8)), key) == ""
    assert where_taken("p", x[:, 4:, 4:].tolist(), x, key) == ""
    assert where_taken("p", x[:, 4:, 4:], x, key) == ""


def test_explain_slice_passes_right_answers_and_reports_missing_ones():
    x = batch_of((10, 3), "int64")
    assert explain_slice("p", x[2:5], x, np.s_[2:5]) is None
    assert explain_slice("p", None, x, np.s_[2:5]).code == FindingCode.MISSING


# --- unseen inputs -------------------------------------------------------------------------------------------


def test_unseen_shape_mismatch_never_names_the_expected_shape():
    finding = explain_unseen("batch(k, size)", np.zeros((5, 4)), np.zeros((7, 4)))
    assert finding == Finding(FindingCode.SHAPE, "`batch(k, size)` has shape (5, 4), which is not the right shape: "
                              "check the start and the stop of each slice.")
    for got in (np.zeros((7,)), np.zeros((1, 7, 4)), np.zeros((4, 7))):
        other = explain_unseen("f(x)", got, np.zeros((7, 4)))
        assert "(7, 4)" not in other.message


def test_unseen_passes_right_answers_and_slips_through():
    x = batch_of((30, 2), "float32")
    assert explain_unseen("f(x)", x[3:6], x[3:6]) is None
    slips = batch_slips("f(x)", x, 1, 3)
    assert "starts at sample k" in explain_unseen("f(x)", x[1:4], x[3:6], candidates=slips).message


# --- writing through a view ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "key"), [((2, 40, 50, 3), np.s_[0, :12, :16]), ((30, 20), np.s_[5:9, 2:]),
                                            ((3, 10, 10), np.s_[2, 3:7, ::1])])
def test_a_write_through_a_view_is_re_enacted(shape, key):
    original = batch_of(shape, "uint8")
    current = original.copy()
    view = current[key]
    view[...] = 255
    finding = explain_modified_original("photos", current, original, "corner", view=view.copy())
    assert finding.code == FindingCode.MODIFIED_THROUGH_VIEW and finding.confirmed
    assert "`corner` is a view of `photos`" in finding.message


def test_other_changes_are_described_without_a_cause():
    original = batch_of((2, 40, 50, 3), "uint8")
    corner = original[0, :12, :16].copy()
    corner[..., 0] = 255
    elsewhere = original.copy()
    elsewhere[1, :3, :3] = 0
    finding = explain_modified_original("photos", elsewhere, original, "corner", view=corner)
    assert finding.code == FindingCode.VALUES and not finding.confirmed and "view" not in finding.message
    assert "all of them within index 1 along axis 0, indices 0 to 2 along axis 1" in finding.message
    wider = original.copy()
    wider[0, :12, :20, 0] = 255  # more than the corner changed
    assert explain_modified_original("photos", wider, original, "corner", view=corner).code == FindingCode.VALUES
    assert explain_modified_original("photos", wider, original, "corner").code == FindingCode.VALUES


def test_an_untouched_replaced_missing_or_failed_original():
    photos = batch_of((2, 4, 5, 3), "uint8")
    assert explain_modified_original("photos", photos.copy(), photos, "corner") is None
    assert explain_modified_original("photos", photos[0], photos, "corner").code == FindingCode.REPLACED
    assert explain_modified_original("photos", photos.astype(float), photos, "corner").code == FindingCode.REPLACED
    assert explain_modified_original("photos", None, photos, "corner").code == FindingCode.MISSING
    use_failures([CellFailure(("photos",), "ValueError: bad", "photos = load()")])
    raised = explain_modified_original("photos", None, photos, "corner")
    assert raised.code == FindingCode.RAISED and "ValueError: bad" in raised.message


# --- unrowing ------------------------------------------------------------------------------------------------


BATCHES = [((5, 3, 4, 2), "uint8"), ((6, 4, 5), "float32"), ((4, 7), "int64")]


@pytest.mark.parametrize(("shape", "dtype"), BATCHES)
def test_a_right_unrow_passes(shape, dtype):
    batch = batch_of(shape, dtype)
    n = len(batch)
    assert explain_unrow("u", batch.reshape(n, -1).T, batch) is None
    assert explain_unrow("u", np.moveaxis(batch, 0, -1).reshape(-1, n), batch) is None


@pytest.mark.parametrize(("shape", "dtype"), BATCHES)
def test_reshaping_straight_to_features_by_n_is_named_mixed(shape, dtype):
    batch = batch_of(shape, dtype)
    finding = explain_unrow("u", batch.reshape(-1, len(batch)), batch)
    assert finding.code == FindingCode.MIXED_IMAGES and finding.confirmed
    assert finding.message.startswith("Column 0 of `u` holds numbers of several samples")
    assert explain_unrow("u", batch.reshape(-1, len(batch)), batch, check_values=False).code == "mixed_images"


@pytest.mark.parametrize(("shape", "dtype"), BATCHES)
def test_columns_in_another_order_are_not_called_mixed(shape, dtype):
    batch = batch_of(shape, dtype)
    finding = explain_unrow("u", batch.reshape(len(batch), -1).T[:, ::-1], batch)
    assert finding.code == FindingCode.COLUMNS_REORDERED and not finding.confirmed
    assert "several samples" not in finding.message


@pytest.mark.parametrize(("shape", "dtype"), BATCHES)
def test_a_missing_transpose_is_named_only_when_the_rows_are_the_samples(shape, dtype):
    batch = batch_of(shape, dtype)
    n = len(batch)
    finding = explain_unrow("u", batch.reshape(n, -1), batch)
    assert finding.code == FindingCode.FORGOT_TRANSPOSE and finding.confirmed
    other = explain_unrow("u", batch_of(batch.reshape(n, -1).shape, dtype, seed=5), batch)
    assert other.code != FindingCode.FORGOT_TRANSPOSE and "Transpose it" not in other.message


def test_pixel_orders_are_named_when_re_enacted():
    batch = batch_of((5, 3, 4, 2), "uint8")
    reversed_axes = explain_unrow("u", batch.T.reshape(-1, 5), batch)
    assert reversed_axes.code == FindingCode.PIXEL_ORDER and reversed_axes.confirmed
    assert "`.T` on the whole batch before the reshape (or `order='F'`)" in reversed_axes.message
    fortran = explain_unrow("u", batch.reshape(5, -1, order="F").T, batch)
    assert fortran.message == reversed_axes.message
    moved = explain_unrow("u", np.transpose(batch, (0, 3, 1, 2)).reshape(5, -1).T, batch)
    assert moved.confirmed and "axes inside each sample in another order" in moved.message


def test_sorted_pixels_are_described_not_named_as_an_axis_order():
    batch = batch_of((5, 3, 4, 2), "uint8")
    finding = explain_unrow("u", np.sort(batch.reshape(5, -1), axis=1).T, batch)
    assert finding.code == FindingCode.PIXEL_ORDER and not finding.confirmed
    assert "`.T`" not in finding.message and "axes" not in finding.message


def test_other_unrow_shapes_and_values():
    batch = batch_of((5, 3, 4, 2), "uint8")
    assert explain_unrow("u", batch, batch).code == FindingCode.NOT_RESHAPED
    assert explain_unrow("u", batch.T, batch).code == FindingCode.NOT_RESHAPED
    assert explain_unrow("u", batch.ravel(), batch).code == FindingCode.FLATTENED
    assert explain_unrow("u", batch.reshape(5, -1).T.astype("float32"), batch).code == FindingCode.DTYPE
    assert explain_unrow("u", None, batch).code == FindingCode.MISSING
    wrong = batch.reshape(5, -1).T.copy()
    wrong[0, 0] += 1
    assert explain_unrow("u", wrong, batch, check_values=False) is None
    finding = explain_unrow("u", wrong, batch, batch_name="tiles")
    assert finding.code == FindingCode.VALUES and "`tiles[j]` flattened" in finding.message


def test_describe_columns_says_when_every_number_is_there():
    batch = batch_of((4, 6), "int64")
    spread = batch.reshape(4, -1).T.copy()
    spread[0, 0], spread[0, 1] = spread[0, 1], spread[0, 0]
    finding = describe_columns("u", spread, batch)
    assert "All the numbers of the batch are there" in finding.message and not finding.confirmed


def test_unrow_slips_never_give_the_answer():
    for shape, dtype in BATCHES:
        batch = batch_of(shape, dtype)
        want = batch.reshape(len(batch), -1).T
        assert all(s.value.shape != want.shape or not np.array_equal(s.value, want) for s in unrow_slips("u", batch))


# --- rows, columns and plain vectors -------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["int64", "float32", "uint8"])
def test_a_plain_vector_from_a_source_is_named_with_its_source(dtype):
    labels = (batch_of((9,), "int64") % 2).astype(dtype)
    onehot = np.eye(2, dtype=dtype)[labels.astype(int)]
    plain = explain_vector_shape("row", labels.T, 9, "row", sources={"labels": labels})
    assert plain.confirmed and plain.code == FindingCode.MISSING_AXIS
    assert "it is `labels` as it is (`.T` leaves a 1-D array unchanged)" in plain.message
    picked = explain_vector_shape("col", onehot[:, 0], 9, "column", sources={"onehot": onehot})
    assert picked.confirmed and "column 0 of `onehot` picked with a single index" in picked.message
    assert "A column needs an axis of length 1 at the end" in picked.message


def test_a_plain_vector_from_nowhere_gets_no_cause():
    labels = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1])
    finding = explain_vector_shape("row", np.arange(9), 9, "row", sources={"labels": labels})
    assert finding.code == FindingCode.MISSING_AXIS and not finding.confirmed
    assert "it is" not in finding.message and "single index" not in finding.message


def test_row_for_column_and_column_for_row():
    v = np.arange(6)
    row = explain_vector_shape("row", v.reshape(6, 1), 6, "row", sources={"v": v})
    assert row.message == ("`row` is a column of shape (6, 1): it holds the numbers of `v`, but a row of shape (1, 6) "
                           "was asked: a row has its axis of length 1 in front and a column at the end; `.T` turns "
                           "one into the other.")
    assert row.code == FindingCode.TRANSPOSED and row.confirmed
    col = explain_vector_shape("col", np.arange(10, 16).reshape(1, 6), 6, "column", sources={"v": v})
    assert col.code == FindingCode.TRANSPOSED and not col.confirmed and "holds" not in col.message
    assert explain_vector_shape("vec", v.reshape(1, 6), 6, "vector").code == FindingCode.EXTRA_AXIS


def test_vector_messages_never_spell_the_reshape_that_answers_them():
    v = np.arange(6)
    for want in ("row", "column", "vector"):
        for got in (v, v.reshape(1, 6), v.reshape(6, 1), v.reshape(1, 1, 6)):
            finding = explain_vector_shape("x", got, 6, want, sources={"v": v})
            if finding is not None:
                assert not re.search(r"reshape\((1, ?-1|-1, ?1|1, ?6|6, ?1)\)|\[:, ?(0|None)", finding.message)


def test_right_vector_shapes_pass_and_other_shapes_are_explained():
    v = np.arange(6)
    assert explain_vector_shape("row", v.reshape(1, 6), 6) is None
    assert explain_vector_shape("col", v.reshape(6, 1), 6, want="column") is None
    assert explain_vector_shape("vec", v, 6, want="vector") is None
    assert explain_vector_shape("row", v.reshape(1, 1, 6), 6).code == FindingCode.EXTRA_AXIS
    assert explain_vector_shape("row", np.arange(2), 6).code == FindingCode.SHAPE
    assert explain_vector_shape("row", [v], 6).code == FindingCode.NOT_ARRAY
    assert explain_vector_shape("row", None, 6).code == FindingCode.MISSING
