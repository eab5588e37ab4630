"""Products (autograder.feedback.products): each slip is named only when re-enacting it gives the student's value.

Every diagnosis is tested as confirmed on several shapes and dtypes, next to a near miss (a different mistake
with a similar symptom) that must not get it.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.feedback import explain
from autograder.feedback.products import (
    dense_slips,
    dot_slips,
    elementwise_slips,
    matmul_shape,
    product_shape_finding,
    transpose_slips,
)

RNG = np.random.default_rng(11)
DTYPES = ["int64", "float32", "float64"]


def operand(shape, dtype="float64"):
    """Non-symmetric, non-trivial values of ``shape``, so that no two slips coincide by accident."""
    values = RNG.integers(-5, 9, size=shape) if np.dtype(dtype).kind in "iu" else RNG.normal(size=shape)
    return values.astype(dtype)


def finding_for(got, expected, slips, **kwargs):
    finding = explain("x", got, expected, candidates=slips, check_dtype=False, rtol=1e-5, atol=1e-6, **kwargs)
    assert finding is not None
    return finding


def named(got, expected, slips, phrase, **kwargs) -> str:
    finding = finding_for(got, expected, slips, **kwargs)
    assert finding.confirmed and phrase in finding.message, finding
    return finding.message


def not_named(got, expected, slips, phrase, **kwargs) -> None:
    finding = explain("x", got, expected, candidates=slips, check_dtype=False, rtol=1e-5, atol=1e-6, **kwargs)
    assert finding is None or phrase not in finding.message, finding


PAIRS = [((3,), (3,)), ((4, 3), (3,)), ((2, 5), (5,)), ((3, 3), (3, 3)), ((4, 4), (4,))]


# --- products never added up --------------------------------------------------------------


@pytest.mark.parametrize(("left", "right"), PAIRS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_the_element_wise_product_is_named_as_forgetting_to_sum(left, right, dtype):
    a, b = operand(left, dtype), operand(right, dtype)
    slips = dot_slips("x", a, b, "a", "b")
    message = named(a * b, np.dot(a, b), slips, "you forgot to sum")
    assert "`a * b`" in message
    not_named(a * b + 1, np.dot(a, b), slips, "forgot to sum")
    named(a * b, np.zeros(np.dot(a, b).shape), slips, "you forgot to sum", check_values=False)


@pytest.mark.parametrize("n", [2, 3, 6])
def test_the_outer_product_is_named_and_a_shifted_one_is_not(n):
    v, w = operand((n,)), operand((n,))
    slips = dot_slips("x", v, w, "v", "w")
    named(np.outer(v, w), np.dot(v, w), slips, "outer product")
    not_named(np.outer(v, w + 1), np.dot(v, w), slips, "outer product")


@pytest.mark.parametrize(("left", "right"), [((4, 3), (3,)), ((2, 5), (5,)), ((3, 3), (3, 3))])
def test_products_summed_everywhere_or_along_another_axis(left, right):
    a, b = operand(left), operand(right)
    slips = dot_slips("x", a, b, "a", "b")
    named(np.sum(a * b), np.dot(a, b), slips, "into a single number")
    not_named(np.sum(a * b) + 0.5, np.dot(a, b), slips, "into a single number")
    named(np.sum(a * b, axis=0), np.dot(a, b), slips, "along axis 0")
    not_named(np.mean(a * b, axis=0), np.dot(a, b), slips, "along axis 0")


def test_summing_along_the_shared_axis_is_the_answer_and_never_a_slip():
    a, v = operand((4, 3)), operand((3,))
    assert explain("x", np.sum(a * v, axis=1), a @ v, candidates=dot_slips("x", a, v, "a", "v")) is None


# --- operand order and transposes ---------------------------------------------------------


@pytest.mark.parametrize(("left", "right"), [((3, 4), (4, 3)), ((3, 3), (3, 3)), ((2, 2), (2, 2))])
@pytest.mark.parametrize("dtype", DTYPES)
def test_operands_in_the_other_order_are_named(left, right, dtype):
    a, b = operand(left, dtype), operand(right, dtype)
    slips = dot_slips("x", a, b, "P", "Q")
    assert named(b @ a, a @ b, slips, "the operands are in the other order").startswith("`x` is `Q @ P`")
    nudged = (b @ a).astype(np.float64)
    nudged.flat[0] += 1
    not_named(nudged, a @ b, slips, "other order")


@pytest.mark.parametrize("n", [2, 3, 5])
def test_a_transpose_too_many_on_either_operand_is_named(n):
    a, b = operand((n, n)), operand((n, n))
    slips = dot_slips("x", a, b, "a", "b")
    assert "`a.T @ b`" in named(a.T @ b, a @ b, slips, "left operand has a transpose")
    assert "`a @ b.T`" in named(a @ b.T, a @ b, slips, "right operand has a transpose")
    named((a @ b).T, a @ b, slips, "transpose of the product")
    not_named(np.rot90(a) @ b, a @ b, slips, "transpose")


def test_a_gram_matrix_with_the_operands_swapped_quotes_the_student_expression():
    A = np.arange(12).reshape(4, 3)
    slips = dot_slips("gram", A.T, A, "A.T", "A")
    assert named(A @ A.T, A.T @ A, slips, "other order").startswith("`gram` is `A @ A.T`")


@pytest.mark.parametrize("shape", [(4, 3), (2, 5), (3, 6)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_reshape_where_a_transpose_was_meant_inside_a_product(shape, dtype):
    base = operand(shape, dtype)
    slips = dot_slips("gram", base.T, base, "A.T", "A")
    rows, cols = shape
    message = named(base.reshape(cols, rows) @ base, base.T @ base, slips, "`reshape` keeps the reading order")
    assert message.startswith(f"`gram` uses `A.reshape({cols}, {rows})` where `A.T` was meant")
    not_named(np.rot90(base) @ base, base.T @ base, slips, "reshape")


def test_transpose_slips_alone():
    A = operand((4, 3))
    slips = transpose_slips("t", A.T, "A.T")
    named(A.reshape(3, 4), A.T, slips, "`t` uses `A.reshape(3, 4)` where `A.T` was meant")
    named(A, A.T, slips, "a `.T` is missing", check_values=False)
    assert transpose_slips("t", operand((3,)), "v.T") == [], "a 1-D array has nothing to transpose"
    assert transpose_slips("t", A, "A") == [], "without a name ending in .T, what was transposed is unknown"


def test_two_slips_that_coincide_are_neither_named():
    a, b = operand((3, 3)), operand((3, 3))
    a, b = a + a.T, b + b.T  # symmetric: b @ a is both the swapped product and the transposed one
    assert not np.allclose(a @ b, b @ a)
    slips = dot_slips("x", a, b, "a", "b")
    assert sum(np.allclose(s.value, b @ a) for s in slips) == 2
    finding = finding_for(b @ a, a @ b, slips)
    assert finding.message not in {s.message for s in slips}
    assert explain("x", b @ a, np.zeros((3, 3)), candidates=slips, check_values=False) is None


@pytest.mark.parametrize(
    ("a", "b", "names"),
    [
        (np.array([1, 2, 3]), np.array([1, 2, 3]), ("v", "v")),
        (np.arange(12).reshape(4, 3), np.array([1, 2, 3]), ("A", "v")),
        (np.arange(12).reshape(4, 3).T, np.arange(12).reshape(4, 3), ("A.T", "A")),
        (np.eye(3), np.arange(9.0).reshape(3, 3), ("I", "B")),
    ],
)
def test_no_slip_gives_the_right_answer_so_public_checks_never_blame_it(a, b, names):
    right = np.dot(a, b)
    slips = dot_slips("x", a, b, *names)
    assert slips
    assert explain("x", right, np.zeros(right.shape), candidates=slips, check_dtype=False, check_values=False) is None
    assert all(np.shape(s.value) != right.shape or not np.allclose(s.value, right) for s in slips)


# --- the element-wise product -----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 3), (2, 5), (3, 3)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_slips_where_the_element_wise_product_was_asked(shape, dtype):
    a, b = operand(shape, dtype), operand(shape, dtype) + 10
    slips = elementwise_slips("x", a, b, "a", "b")
    assert named(a @ b.T, a * b, slips, "is the matrix product `a @ b.T`").startswith("`x` is the matrix product")
    assert named(a + b, a * b, slips, "adds `b` to `a`").endswith("the task asks to multiply, with `*`.")
    named(a - b, a * b, slips, "subtracts `b` from `a`")
    named(np.sum(a * b, axis=1), a * b, slips, "sums the products along axis 1")
    not_named(a * b + 1, a * b, slips, "matrix product")
    not_named(2 * a + b, a * b, slips, "adds")


# --- dense layers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("samples", "features", "units"), [(5, 4, 3), (7, 5, 2), (2, 6, 4)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dense_layer_slips(samples, features, units, dtype):
    x, w, b = operand((samples, features), dtype), operand((features, units), dtype), operand((units,), dtype)
    slips = dense_slips("out", x, w, b)
    want = np.maximum(x @ w + b, 0)
    named(x @ w + b, want, slips, "no ReLU was applied")
    named(np.maximum(x @ w, 0), want, slips, "leaves out the bias")
    named(np.maximum(x @ w, 0) + b, want, slips, "adds the bias after the ReLU")
    named(np.maximum(x @ w, b), want, slips, "threshold of the ReLU")
    not_named(np.maximum(x @ w + 2 * b, 0), want, slips, "bias")
    not_named(np.maximum(x @ w + b, 0.1), want, slips, "ReLU")
    assert explain("out", want, np.zeros(want.shape), candidates=slips, check_dtype=False, check_values=False) is None


def test_dense_layer_with_a_product_slip_and_a_custom_message_for_no_activation():
    x, w, b = operand((4, 4)), operand((4, 4)), operand((4,))
    slips = dense_slips("out", x, w, b, unactivated="`out` is linear: give the layer a ReLU.")
    want = np.maximum(x @ w + b, 0)
    named(np.maximum(x * w + b, 0), want, slips, "you forgot to sum")
    named(np.maximum(x @ w + b[:, None], 0), want, slips, "one bias per sample")
    not_named(np.maximum(x @ w + b[::-1], 0), want, slips, "one bias per sample")
    assert named(x @ w + b, want, slips, "linear") == "`out` is linear: give the layer a ReLU."
    assert dense_slips("out", x, operand((3, 2)), b) == [], "operands that do not fit give no slips"


# --- shapes of products --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "shape"),
    [((5, 2), (2, 7), (5, 7)), ((2, 7), (5, 2), None), ((5, 2), (2,), (5,)), ((5,), (5, 2), (2,)), ((3,), (3,), ())],
)
def test_matmul_shape_agrees_with_numpy(left, right, shape):
    assert matmul_shape(left, right) == shape
    try:
        real = (np.zeros(left) @ np.zeros(right)).shape
    except ValueError:
        real = None
    assert real == shape


@pytest.mark.parametrize(
    ("got", "left", "right", "phrase"),
    [
        ((2, 2), (2, 7), (5, 2), "the outer lengths of the two shapes"),
        ((3, 3), (3, 4), (5, 3), "the outer lengths of the two shapes"),
        ((5, 7), (2, 7), (5, 2), "the shape of the product in the other order"),
        ((4, 6), (3, 6), (4, 3), "the shape of the product in the other order"),
        ((5, 1), (5, 2), (2,), "a column of shape (n, 1)"),
        ((1, 2), (5,), (5, 2), "a row of shape (1, n)"),
        ((7, 5), (5, 2), (2, 7), "the shape of the product's transpose"),
        ((6, 3), (3, 4), (4, 6), "the shape of the product's transpose"),
    ],
)
def test_product_shape_slips_are_named_when_they_give_the_answer(got, left, right, phrase):
    finding = product_shape_finding("s", got, left, right)
    assert finding.confirmed and phrase in finding.message


@pytest.mark.parametrize(
    ("got", "left", "right"),
    [
        ((2, 3), (2, 7), (5, 2)),
        ((5, 6), (5, 2), (2, 7)),
        ((5, 2), (5, 2), (2,)),
        ((2, 1), (5,), (5, 2)),
        (None, (5, 2), (2, 7)),
    ],
)
def test_near_misses_of_product_shapes_name_no_slip(got, left, right):
    finding = product_shape_finding("s", got, left, right)
    assert finding is not None and not finding.confirmed


def test_product_shape_answers_and_their_forms():
    assert product_shape_finding("s", (5, 7), (5, 2), (2, 7)) is None
    assert product_shape_finding("s", [5, 7], (5, 2), (2, 7)) is None
    assert product_shape_finding("s", None, (2, 7), (5, 2)) is None
    assert product_shape_finding("s", ..., (5, 2), (2, 7)).message.startswith("`s` is not answered yet")
    assert "should be a tuple of lengths" in product_shape_finding("s", "5x7", (5, 2), (2, 7)).message
    assert "keeps the length 5 of the shared axis" in product_shape_finding("s", (5,), (5,), (5, 2)).message
    assert "both 2), so the product is defined" in product_shape_finding("s", None, (5, 2), (2, 7)).message
    assert product_shape_finding("s", (7, 2), (2, 7), (2, 7)).message.startswith("`s` is not right.")


@pytest.mark.parametrize(("left", "right"), [((5, 2), (2, 7)), ((3, 4), (4,)), ((6,), (6, 3)), ((2, 9), (9, 4))])
def test_product_shape_messages_never_show_the_right_shape(left, right):
    want = matmul_shape(left, right)
    for got in [None, want[::-1], (*want, 1), (1, *want), (left[0], left[0]), (9, 9, 9)]:
        finding = product_shape_finding("s", got, left, right)
        if finding is not None:
            assert str(want) not in finding.message.replace(f"`s` is {got}", ""), finding.message


# --- messages quote the student's expression, never the answer's -------------------------------------


def test_no_message_spells_out_the_expression_that_is_the_answer():
    A, v = np.arange(12).reshape(4, 3), np.array([1, 2, 3])
    cases = [
        (dot_slips("x", v, v, "v", "v"), ["np.dot(v, v)", "v @ v`"]),
        (dot_slips("gram", A.T, A, "A.T", "A"), ["A.T @ A", "np.dot(A.T, A)"]),
        (dot_slips("x", A, v, "A", "v"), ["A @ v`", "np.dot(A, v)"]),
        (elementwise_slips("x", A, A + 1, "p", "q"), ["p * q"]),
        (dense_slips("out", operand((3, 2)), operand((2, 3)), operand((3,))), ["np.maximum(X @ W + b, 0)"]),
    ]
    for slips, answers in cases:
        assert slips
        for slip in slips:
            assert not any(answer in slip.message for answer in answers), slip.message
