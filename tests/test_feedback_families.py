"""Families of slips (value transformations, axes): each named only when it reproduces the value, on many inputs."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.feedback import explain
from autograder.feedback.axes import batch_transpose_slips, reduction_slips, reshape_order_slips, stack_slips
from autograder.feedback.compare import Options
from autograder.feedback.slips import Slip, common_cause, confirmed
from autograder.feedback.transforms import (
    clip_slips,
    divisor_slips,
    rounding_slips,
    sequence_slips,
    sign_slips,
)
from autograder.model import Finding

SHAPES = [(7,), (3, 5), (2, 3, 4)]
DTYPES = ["uint8", "int16", "float64"]


def named(got, expected, slips, **kwargs):
    finding = explain("x", got, expected, candidates=slips, **kwargs)
    assert finding is not None
    return finding


# --- rounding -------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "b"), [(10, 4), (60000, 512), (7, 3), (100, 7), (33, 2)])
def test_rounding_down_is_named_by_effect_whatever_function_did_it(n, b):
    slips = rounding_slips("batches", n / b, "ceil", cast=int)
    for got in (n // b, int(n / b)):
        finding = named(got, -(-n // b), slips)
        assert finding.confirmed and "rounding down" in finding.message
    if round(n / b) == n // b:
        assert "also" in named(n // b, -(-n // b), slips).message and "`round()`" in named(
            n // b, -(-n // b), slips).message


def test_round_is_not_blamed_when_it_differs_from_floor():
    slips = rounding_slips("batches", 11 / 4, "ceil", cast=int)  # 2.75: floor 2, but round() gives 3
    floor = named(2, 3, slips)
    assert "rounding down" in floor.message and "`round()`" not in floor.message


def test_a_fraction_is_named_as_keeping_it():
    assert "keeps the fraction" in named(117.1875, 118, rounding_slips("batches", 60000 / 512, "ceil")).message


@pytest.mark.parametrize("dtype", ["uint8", "int32"])
def test_rounding_pixels_with_truncation_is_named(dtype):
    exact = np.random.default_rng(0).random((4, 6)) * 255
    right = np.round(exact).astype(dtype)
    slips = rounding_slips("pixels", exact, "even", cast=lambda a: a.astype(dtype), keep_fraction=False)
    finding = named(exact.astype(dtype), right, slips)
    assert finding.confirmed and "rounding down" in finding.message and "`int()`" in finding.message


# --- scaling --------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_each_scaling_slip_is_named_on_several_shapes(shape, dtype):
    raw = np.random.default_rng(1).integers(0, 256, shape).astype("uint8")
    raw.flat[0] = 200  # a peak below 255, so dividing by the maximum differs from dividing by 255
    right = raw.astype(dtype) / 255
    slips = divisor_slips("scaled", raw, 255, dtype=dtype)
    cases = {
        "is not scaled": raw.astype(dtype),
        "floor division": (raw // 255).astype(dtype),
        "divided by 256": (raw.astype(dtype) / 256).astype(dtype),
        "multiplies where it should divide": (raw.astype(dtype) * 255).astype(dtype),
    }
    if raw.max() != 255:
        cases[f"divided by {raw.max()} (the largest value in the data)"] = (raw.astype(dtype) / raw.max()).astype(dtype)
    for words, got in cases.items():
        finding = named(got, right, slips)
        assert finding.confirmed and words in finding.message, words


def test_float64_scaling_is_a_dtype_slip_only_when_float32_was_asked():
    raw = np.arange(256, dtype="uint8")
    finding = named(raw / 255, raw.astype("float32") / 255, divisor_slips("scaled", raw, 255))
    assert finding.code == "dtype" and "computed in float64" in finding.message


def test_unscaled_values_in_the_wrong_dtype_are_not_told_to_cast():
    raw = np.arange(256, dtype="uint8")
    finding = named(raw.astype("float64") * 3, raw.astype("float32") / 255, divisor_slips("scaled", raw, 255))
    assert not finding.confirmed and "cast it" not in finding.message


# --- clipping, sign, sequences --------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_clipping_slips(shape):
    x = np.random.default_rng(2).normal(size=shape) * 3
    x.flat[0], x.flat[-1] = -5.0, 5.0
    right = np.clip(x, -1, 1)
    slips = clip_slips("y", x, -1, 1)
    assert "is not clipped" in named(x, right, slips).message
    assert "only from below" in named(np.clip(x, -1, None), right, slips).message
    assert "only from above" in named(np.clip(x, None, 1), right, slips).message


def test_sign_slips():
    right = np.array([[1.0, -2.0], [3.0, -4.0]])
    assert "opposite sign" in named(-right, right, sign_slips("d", right)).message
    assert "no negative values" in named(np.abs(right), right, sign_slips("d", right)).message


@pytest.mark.parametrize(("start", "stop", "shape"), [(0, 12, (3, 4)), (1, 6, None), (5, 25, (4, 5)), (0, 6, (2, 3))])
def test_sequence_that_starts_elsewhere_is_named_with_the_students_start(start, stop, shape):
    right = np.arange(start, stop).reshape(shape) if shape else np.arange(start, stop)
    slips = sequence_slips("m", start, stop, shape=shape)
    finding = named(right + 1, right, slips)
    assert finding.confirmed and f"starts at {start + 1}" in finding.message
    assert "row by row" not in finding.message and "column" not in finding.message


@pytest.mark.parametrize("shape", [(3, 4), (4, 5), (2, 3)])
def test_column_by_column_fill_is_named_and_a_shifted_one_is_not(shape):
    n = int(np.prod(shape))
    right = np.arange(n).reshape(shape)
    slips = sequence_slips("m", 0, n, shape=shape)
    assert "column by column" in named(np.arange(n).reshape(shape, order="F"), right, slips).message
    shifted = explain("m", np.arange(2, n + 2).reshape(shape), right, candidates=slips)
    assert "column by column" not in shifted.message and "row by row" not in shifted.message


# --- axes -----------------------------------------------------------------------------


@pytest.mark.parametrize("reduce", [np.sum, np.mean, np.max, np.argmax])
@pytest.mark.parametrize("shape", [(3, 5), (4, 2, 6)])
def test_reducing_along_another_axis_names_the_students_axis(reduce, shape):
    x = np.random.default_rng(3).random(shape)
    right = reduce(x, axis=0)
    slips = reduction_slips("s", reduce, x, 0, label="`np.sum`")
    for other in range(1, len(shape)):
        finding = named(reduce(x, axis=other), right, slips)
        assert finding.confirmed and f"along axis {other}" in finding.message


def test_keepdims_slips_both_ways():
    x = np.random.default_rng(4).random((4, 6))
    dropped = named(x.mean(axis=1), x.mean(axis=1, keepdims=True), reduction_slips("m", np.mean, x, 1, keepdims=True))
    assert dropped.code == "missing_axis" and "keepdims=True" in dropped.message
    kept = named(x.mean(axis=1, keepdims=True), x.mean(axis=1), reduction_slips("m", np.mean, x, 1))
    assert kept.code == "extra_axis"


def test_symmetric_inputs_cannot_tell_axes_apart_so_nothing_is_named():
    x = np.array([[1.0, 2.0], [2.0, 1.0]])  # both axes sum to the same: the axis slip is no evidence here
    finding = explain("s", x.sum(axis=1) + 1, x.sum(axis=0), candidates=reduction_slips("s", np.sum, x, 0))
    assert finding is not None and "along axis" not in finding.message


@pytest.mark.parametrize("shape", [(3, 4), (2, 5), (2, 2, 3)])
def test_stacking_slips(shape):
    a = np.random.default_rng(5).random(shape)
    parts = [a, a * 10]
    right = np.stack(parts)
    slips = stack_slips("cube", parts)
    assert "new axis" in named(np.stack(parts, -1), right, slips).message
    assert "glues the parts along their existing axis 0" in named(np.concatenate(parts), right, slips).message
    assert "reverse order" in named(np.stack(parts[::-1]), right, slips).message


@pytest.mark.parametrize("shape", [(3, 4), (2, 6)])
def test_reshape_order_slips(shape):
    x = np.arange(int(np.prod(shape)))
    right = x.reshape(shape)
    slips = reshape_order_slips("m", x, shape)
    finding = named(x.reshape(shape, order="F"), right, slips)
    assert finding.confirmed and "column by column" in finding.message


@pytest.mark.parametrize("shape", [(5, 3, 3), (4, 2, 3, 2), (6, 8)])
def test_batch_into_columns(shape):
    batch = np.random.default_rng(6).random(shape)
    n = shape[0]
    right = batch.reshape(n, -1).T
    slips = batch_transpose_slips("cols", batch)
    assert named(batch.reshape(-1, n), right, slips).code == "mixed_images"
    assert named(batch.reshape(n, -1), right, slips).code == "forgot_transpose"


# --- confirmation across calls --------------------------------------------------------


def test_common_cause_needs_every_wrong_call_to_agree():
    a = Finding("candidate", "rounds down", confirmed=True)
    b = Finding("values", "returned 3", confirmed=False)
    assert common_cause([a, None, a]) == a
    assert common_cause([a, b]) is None
    assert common_cause([a, Finding("candidate", "rounds up", confirmed=True)]) is None
    assert common_cause([None, None]) is None


def test_confirmed_ignores_slips_that_give_the_answer():
    right = np.arange(3)
    opts = Options()
    assert confirmed(right + 1, right, [Slip("same", right.copy()), Slip("plus one", right + 1)], opts).message == (
        "plus one")
    assert confirmed(right + 1, right, [Slip("a", right + 1), Slip("b", right + 1)], opts) is None
