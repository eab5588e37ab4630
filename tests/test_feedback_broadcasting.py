"""Element-wise operations, broadcasting, reductions and integer overflow (autograder.feedback.broadcasting and
autograder.feedback.overflow): each slip named only when re-enacting it gives the student's value.

Every diagnosis is tested as confirmed on several shapes and dtypes, next to a near miss (a different mistake
with a similar symptom) that must not get it; non-square inputs show the axis slips, square ones hide them.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.feedback import explain
from autograder.feedback.broadcasting import (
    broadcast_slips,
    normalise_slips,
    operator_slips,
    relu_slips,
    statistic_slips,
)
from autograder.feedback.exceptions import error_hint
from autograder.feedback.overflow import halving_slips, wrap_slips, wrapped_message
from autograder.feedback.slips import Slip, drop_answer

RNG = np.random.default_rng(5)
SHAPES = [(4, 3), (2, 5), (6, 4)]


def values(shape, dtype="float64", low=-5, high=9):
    """Distinct-looking values, so that no two slips coincide by accident."""
    if np.dtype(dtype).kind in "iu":
        return RNG.integers(max(low, 0) if np.dtype(dtype).kind == "u" else low, high, size=shape).astype(dtype)
    return RNG.normal(size=shape).astype(dtype)


def finding_for(got, expected, slips, **kwargs):
    kwargs = {"check_dtype": False, "rtol": 1e-5, "atol": 1e-6, **kwargs}
    finding = explain("x", got, expected, candidates=slips, **kwargs)
    assert finding is not None
    return finding


def named(got, expected, slips, phrase, **kwargs) -> str:
    finding = finding_for(got, expected, slips, **kwargs)
    assert finding.confirmed and phrase in finding.message, finding
    return finding.message


def not_named(got, expected, slips, phrase, **kwargs) -> None:
    kwargs = {"check_dtype": False, "rtol": 1e-5, "atol": 1e-6, **kwargs}
    finding = explain("x", got, expected, candidates=slips, **kwargs)
    assert finding is None or phrase not in finding.message, finding


def public(got, shape, slips):
    """What a public check (shape only, against zeros) says."""
    return explain("x", got, np.zeros(shape), candidates=slips, check_dtype=False, check_values=False)


# --- operators -------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", ["int64", "float32"])
def test_another_operator_is_named(shape, dtype):
    a, b = values(shape, dtype), values(shape, dtype, 1, 9)
    slips = operator_slips("x", a, b, "+", "a", "b")
    assert named(a * b, a + b, slips, "multiplies `a` by `b`").endswith("the task asks to add, with `+`.")
    named(a - b, a + b, slips, "subtracts `b` from `a`")
    not_named(a + 2 * b, a + b, slips, "multiplies")
    minus = operator_slips("x", a, b, "-", "a", "b")
    named(b - a, a - b, minus, "the operands are the other way round")
    not_named(b - a + 1, a - b, minus, "other way round")


# --- a vector along the rows or the columns -----------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 5])
@pytest.mark.parametrize("op", ["+", "-", "*"])
def test_the_wrong_orientation_is_named_on_a_square_matrix(n, op):
    m, v = values((n, n)), values((n,))
    func = {"+": np.add, "-": np.subtract, "*": np.multiply}[op]
    rows = broadcast_slips("x", m, v, "M", "v", op=op, along="rows")
    named(func(m, v[:, None]), func(m, v), rows, "to each row, repeated along it, instead of one to each column")
    columns = broadcast_slips("x", m, v, "M", "v", op=op, along="columns")
    message = named(func(m, v), func(m, v[:, None]), columns, "to each column, repeated along it, instead of one")
    assert "give the vector shape (n, 1)" in message
    not_named(func(m, v[::-1]), func(m, v[:, None]), columns, "to each column")


@pytest.mark.parametrize("shape", SHAPES)
def test_on_a_non_square_matrix_the_wrong_orientation_cannot_happen_but_a_transposed_result_can(shape):
    m = values(shape, "int64")
    v = values((shape[0],), "int64")
    slips = broadcast_slips("x", m, v, "M", "v", along="columns")
    assert not any("instead of one to each row" in s.message for s in slips)
    want = m + v[:, None]
    assert named(m.T + v, want, slips, "transpose of the right result").startswith("`x` is the transpose")
    assert public(m.T + v, shape, slips).confirmed
    shifted = m.T + v + 1
    not_named(shifted, want, slips, "transpose")
    named(m, want, slips, "`M` unchanged")
    if shape[0] > shape[1]:
        named(m + v[: shape[1]], want, slips, f"uses only the first {shape[1]} entries of `v`")
        not_named(m + v[1 : shape[1] + 1], want, slips, "uses only the first")


def test_coinciding_orientations_are_neither_named():
    m = np.array([[1.0, 2.0, 3.0], [2.0, 5.0, 6.0], [3.0, 6.0, 9.0]])  # symmetric
    v = np.array([10.0, 20.0, 40.0])
    slips = broadcast_slips("x", m, v, "M", "v", along="rows")
    got = m + v[:, None]  # the other orientation, and here also the transposed result
    finding = finding_for(got, m + v, slips)
    assert finding.message not in {s.message for s in slips}


# --- reductions ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("stat", ["mean", "sum", "std", "max"])
def test_a_statistic_over_another_axis_is_named_and_a_similar_value_is_not(shape, stat):
    x = values(shape) + 3
    func = getattr(np, stat)
    slips = statistic_slips("x", x, stat, 0)
    want = func(x, axis=0)
    named(func(x, axis=1), want, slips, "along axis 1")
    public_finding = public(func(x, axis=1), want.shape, slips)
    assert public_finding.confirmed and "along axis 1" in public_finding.message
    named(func(x), want, slips, "into one number")
    lookalike = func(x, axis=0) * 1.5
    not_named(lookalike, want, slips, "axis")


@pytest.mark.parametrize("shape", SHAPES)
def test_keepdims_missing_or_extra(shape):
    x = values(shape)
    keep = statistic_slips("x", x, "mean", 1, keepdims=True)
    want = x.mean(axis=1, keepdims=True)
    named(x.mean(axis=1), want, keep, "keep it with `keepdims=True`")
    not_named(x.max(axis=1), want, keep, "keepdims")
    drop = statistic_slips("x", x, "mean", 1)
    named(x.mean(axis=1, keepdims=True), x.mean(axis=1), drop, "(`keepdims=True`): drop it")


@pytest.mark.parametrize("shape", SHAPES)
def test_related_statistics_are_named(shape):
    x = values(shape) + 2
    named(x.sum(axis=0), x.mean(axis=0), statistic_slips("x", x, "mean", 0), "that is a sum, not a mean")
    named(x.var(axis=1), x.std(axis=1), statistic_slips("x", x, "std", 1), "is the variance")
    named(x.std(axis=1, ddof=1), x.std(axis=1), statistic_slips("x", x, "std", 1), "`ddof=1`")
    named(x.argmax(axis=0), x.max(axis=0), statistic_slips("x", x, "max", 0), "positions of the largest")
    not_named(x.sum(axis=0) / (x.shape[0] + 1), x.mean(axis=0), statistic_slips("x", x, "mean", 0), "sum")


# --- centring and standardising ------------------------------------------------------------------


def standardised(x, axis=None, ddof=0, keep=True):
    return (x - x.mean(axis=axis, keepdims=keep)) / x.std(axis=axis, keepdims=keep, ddof=ddof)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("axis", [0, 1])
def test_standardising_slips(shape, axis):
    x = values(shape) * 10 + 50
    slips = normalise_slips("z", x, axis)
    want = standardised(x, axis)
    mean, std = x.mean(axis=axis, keepdims=True), x.std(axis=axis, keepdims=True)
    named(standardised(x, 1 - axis), want, slips, f"over axis {1 - axis}")
    named(standardised(x), want, slips, "one mean and standard deviation for the whole array")
    named(x - mean / std, want, slips, "division binds tighter")
    not_named(x - mean / (std + 1), want, slips, "division binds tighter")
    named(x - mean, want, slips, "centred but not scaled")
    named(x / std, want, slips, "scaled but not centred")
    named((x - mean) / std**2, want, slips, "divided by the variance")
    named(standardised(x, axis, ddof=1), want, slips, "`ddof=1`")
    not_named(want * 0.97, want, slips, "ddof")


def test_statistics_without_keepdims_line_up_with_the_last_axis_only_on_a_square_array():
    x = values((4, 4))
    slips = normalise_slips("z", x, 1)
    named(standardised(x, 1, keep=False), standardised(x, 1), slips, "without `keepdims=True`")
    tall = values((5, 3))
    assert not any("without `keepdims" in s.message for s in normalise_slips("z", tall, 1)), "it raises instead"
    assert not any("without `keepdims" in s.message for s in normalise_slips("z", tall, 0)), "it is right"


@pytest.mark.parametrize("shape", SHAPES)
def test_centring_slips(shape):
    x = values(shape) + 4
    slips = normalise_slips("c", x, 1, scale=False)
    want = x - x.mean(axis=1, keepdims=True)
    named(x - x.mean(axis=0), want, slips, "uses the mean over axis 0, which runs down each column")
    named(x - x.mean(), want, slips, "one mean for the whole array")
    named(want / x.std(axis=1, keepdims=True), want, slips, "also divided by the standard deviation")
    not_named(x - x.mean(axis=0) - 1, want, slips, "axis 0")


def test_slips_do_not_warn_on_a_zero_spread():
    with np.errstate(all="raise"):
        slips = normalise_slips("z", np.zeros((3, 2)), 0)
    assert isinstance(slips, list)


# --- ReLU ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(2, 3), (3, 5), (7,)])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_relu_look_alikes(shape, dtype):
    z = values(shape, dtype)
    z.flat[0], z.flat[1], z.flat[-1] = -3, 4, 3
    slips = relu_slips("r", z, "z")
    want = np.maximum(z, 0)
    if z.ndim > 1:
        named(np.max(z, 0), want, slips, "`r` is `np.max(z, 0)`")
        not_named(np.max(z, 1) if shape[0] == shape[1] else np.min(z, 0), want, slips, "np.max(z, 0)")
    named(np.max(z), want, slips, "a single number, the largest entry")
    named(z, want, slips, "no ReLU was applied")
    named(np.abs(z), want, slips, "`np.abs`")
    not_named(z**2, want, slips, "np.abs")
    named(np.minimum(z, 0), want, slips, "keeps the negative part")
    if z.dtype.kind == "f":
        z.flat[1] = 0.5
        slips = relu_slips("r", z, "z")
        named(z > 0, np.maximum(z, 0), slips, "True/False values")
        named(np.clip(z, 0, 1), np.maximum(z, 0), slips, "capped at 1")
    else:  # on integers the mask and the cap at 1 give the same numbers: neither is named
        assert not finding_for(z > 0, want, slips).confirmed


def test_relu_of_a_vector_has_one_message_for_its_largest_entry():
    z = np.array([-1.0, 2.0, 0.5])
    assert named(np.max(z, 0), np.maximum(z, 0), relu_slips("r", z, "z"), "a single number, the largest entry")


# --- integer wrap-around ------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["uint8", "int8", "uint16", "int16"])
@pytest.mark.parametrize("op", ["+", "-", "*"])
def test_wrap_around_is_named_in_every_integer_dtype(dtype, op):
    info = np.iinfo(dtype)
    a = np.array([[info.max, info.max // 2 + 3, 7], [info.min + 1, 3, info.max - 1]], dtype=dtype)
    b = np.array([[info.max, info.max // 2 + 5, 9], [info.max, 5, 2]], dtype=dtype)
    func = {"+": np.add, "-": np.subtract, "*": np.multiply}[op]
    exact = func(a.astype(np.int64), b.astype(np.int64))
    slips = wrap_slips("total", a, b, op, "a", "b")
    with np.errstate(all="ignore"):
        wrapped = func(a, b)
    message = named(wrapped, exact, slips, "wrapped around")
    assert f"holds only {info.min} to {info.max}" in message and f"`a {op} b` is computed in {dtype}" in message
    named(wrapped.astype(np.int64), exact, slips, "Casting the result afterwards is too late")
    named(np.clip(exact, info.min, info.max), exact, slips, f"clipped to {info.min} to {info.max}")
    not_named((exact % (int(info.max) - int(info.min))).astype(np.int64), exact, slips, "wrapped")


def test_the_uint8_example_is_the_one_students_know():
    assert "(200 + 200 gives 144)" in wrapped_message("s", "uint8")
    assert "(3 - 5 gives 254)" in wrapped_message("s", "uint8", "-")
    assert "32767 + 1 gives -32768" in wrapped_message("s", "int16")


def test_nothing_wraps_when_the_result_fits_or_the_operands_are_floats():
    small = np.array([[1, 2], [3, 4]], dtype=np.uint8)
    assert wrap_slips("s", small, small) == []
    assert wrap_slips("s", np.ones(3), np.ones(3)) == []


@pytest.mark.parametrize("shape", [(3, 8, 8), (4, 5), (10,)])
def test_halving_slips(shape):
    a = RNG.integers(0, 256, size=shape).astype(np.uint8)
    b = RNG.integers(0, 256, size=shape).astype(np.uint8)
    a.flat[0], b.flat[0], a.flat[-1], b.flat[-1] = 201, 203, 3, 5
    want = ((a.astype(np.int64) + b) // 2).astype(np.uint8)
    slips = halving_slips("avg", a, b, "a", "b")
    named((a + b) // 2, want, slips, "wrapped before it was halved", check_dtype=True)
    named(a // 2 + b // 2, want, slips, "halves each array first", check_dtype=True)
    named(np.ceil((a.astype(np.int64) + b) / 2).astype(np.uint8), want, slips, "rounding up", check_dtype=True)
    not_named(want - 1, want, slips, "halves each array first", check_dtype=True)
    assert explain("avg", want, np.zeros(shape, np.uint8), candidates=slips, check_values=False) is None


# --- the right answer is never a slip ------------------------------------------------------------


def test_builders_drop_slips_that_give_the_right_answer():
    m = np.arange(9.0).reshape(3, 3)
    ones = np.ones(3)
    for slips, right in [
        (broadcast_slips("x", m, ones, along="rows"), m + ones),
        (operator_slips("x", m, np.ones((3, 3)), "*"), m),
        (statistic_slips("x", np.ones((3, 3)), "mean", 0), np.ones(3)),
        (relu_slips("r", np.abs(m), "z"), np.abs(m)),
    ]:
        assert all(np.shape(s.value) != right.shape or not np.allclose(s.value, right) for s in slips)
        assert public(right, right.shape, slips) is None
    kept = drop_answer([Slip("a", np.ones(2)), None, Slip("b", np.zeros(2))], np.zeros(2))
    assert [s.message for s in kept] == ["a"]


def test_no_message_spells_out_the_expression_that_is_the_answer():
    m, rows, cols = np.arange(12).reshape(4, 3), np.array([1, 2, 3]), np.array([1, 2, 3, 4])
    cases = [
        (broadcast_slips("x", m, rows, "M", "r", along="rows"), ["M + r`", "r[np.newaxis"]),
        (broadcast_slips("x", m, cols, "M", "c", along="columns"), ["c[:, np.newaxis]", "M + c", "reshape(-1, 1)"]),
        (relu_slips("r", np.array([-1.0, 2.0]), "z"), ["np.maximum(z, 0)"]),
        (statistic_slips("m", m, "mean", 0), ["axis=0", "over axis 0", "along axis 0"]),
        (normalise_slips("c", m, 1, scale=False), ["axis=1", "over axis 1"]),
        (wrap_slips("s", np.array([200], np.uint8), np.array([200], np.uint8)), ["astype(np.int32) + b"]),
    ]
    for slips, answers in cases:
        assert slips
        for slip in slips:
            assert not any(answer in slip.message for answer in answers), slip.message


def test_the_truth_value_hint_reads_the_exception_of_python_max_on_an_array():
    with pytest.raises(ValueError) as caught:
        max(np.array([-1.0, 2.0]), 0)
    assert "`np.maximum`" in error_hint(f"ValueError: {caught.value}")
    assert error_hint("ValueError: operands could not be broadcast together") == ""
