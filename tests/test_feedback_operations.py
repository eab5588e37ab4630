"""Tests for autograder.feedback.operations: each recogniser names its mistake, and never a right answer."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.feedback import explain
from autograder.feedback.operations import (
    broadcast_candidates,
    dense_candidates,
    explain_error,
    explain_product_shape,
    matmul_shape,
    normalise_candidates,
    overflow_candidates,
    product_candidates,
    reduction_candidates,
    relu_candidates,
    student_call,
    transpose_candidates,
)

A = np.arange(12).reshape(4, 3)
V = np.array([1, 2, 3])
C = np.array([[1, 0], [0, 1], [2, -1]])


def message_for(got, expected, candidates, **kwargs) -> str:
    """The message `explain` gives for a wrong answer, asserting it came from a candidate."""
    finding = explain("x", got, expected, candidates=candidates, check_dtype=False, **kwargs)
    assert finding is not None and finding.code == "candidate", finding
    return finding.message


# --- products ---------------------------------------------------------------------------


def test_elementwise_product_for_a_dot_product_says_you_forgot_to_sum():
    candidates = product_candidates("x", V, V, "v", "v")
    assert message_for(V * V, np.dot(V, V), candidates) == (
        "`x` is the element-wise product `v * v`: you forgot to sum. A dot product multiplies matching entries and "
        "then adds them up along the shared axis: use `np.dot` or the `@` operator, which add the products up."
    )


def test_matrix_times_vector_elementwise_has_the_wrong_shape_and_is_named():
    candidates = product_candidates("x", A, V, "A", "v")
    assert (A * V).shape == (4, 3)
    assert "you forgot to sum" in message_for(A * V, A @ V, candidates)
    assert "sums the element-wise products over axis 0" in message_for((A * V).sum(axis=0), A @ V, candidates)
    assert "adds up all the products into a single number" in message_for((A * V).sum(), A @ V, candidates)


def test_outer_product_is_named():
    assert "outer product" in message_for(np.outer(V, V), np.dot(V, V), product_candidates("x", V, V, "v", "v"))


def test_operands_in_the_wrong_order_and_missing_transposes():
    gram = product_candidates("gram", A.T, A, "A.T", "A")
    assert message_for(A @ A.T, A.T @ A, gram).startswith("`gram` is `A @ A.T`: the operands are in the wrong order.")
    b = np.arange(6).reshape(3, 2)
    square = A[:3]
    candidates = product_candidates("x", square, b, "P", "Q")
    assert "check the transpose on the left operand" in message_for(square.T @ b, square @ b, candidates)


def test_reshape_where_a_transpose_was_meant_inside_a_product():
    candidates = product_candidates("gram", A.T, A, "A.T", "A")
    assert message_for(A.reshape(3, 4) @ A, A.T @ A, candidates) == (
        "`gram` uses `A.reshape(3, 4)` where `A.T` was meant: the shape is the same, but `reshape` keeps the reading "
        "order, so the numbers land in the wrong places. `.T` swaps rows and columns."
    )


def test_matrix_product_where_elementwise_was_meant():
    b = A + 1
    candidates = product_candidates("x", A, b, "a", "b", want="elementwise")
    assert message_for(A @ b.T, A * b, candidates).startswith(
        "`x` is the matrix product `a @ b.T`, but the element-wise"
    )
    assert message_for(A + b, A * b, candidates) == "`x` adds `a` and `b`: multiply them instead, entry by entry."
    assert "sums the products over axis 1" in message_for((A * b).sum(axis=1), A * b, candidates)


def test_candidates_that_cannot_be_computed_are_skipped():
    candidates = product_candidates("x", A, C, "A", "C")
    for value in candidates.values():
        assert value is not None
    assert all("C @ A" not in message for message in candidates)  # (3, 2) @ (4, 3) does not exist


@pytest.mark.parametrize(
    ("a", "b", "names"),
    [(V, V, ("v", "v")), (A, V, ("A", "v")), (A, C, ("A", "C")), (A.T, A, ("A.T", "A")), (A, A.T, ("A", "A.T"))],
)
def test_the_right_product_is_never_a_candidate(a, b, names):
    right = np.dot(a, b)
    for message in product_candidates("x", a, b, *names):
        assert explain("x", right, right, candidates={message: right}) is None
    for wrong in product_candidates("x", a, b, *names).values():
        assert not (np.shape(wrong) == right.shape and np.allclose(wrong, right))


def test_transpose_candidates_for_a_standalone_transpose():
    candidates = transpose_candidates("t", A.T, "A.T")
    assert "`t` uses `A.reshape(3, 4)` where `A.T` was meant" in message_for(A.reshape(3, 4), A.T, candidates)
    assert message_for(A, A.T, candidates) == "`t` uses `A` where `A.T` was meant: a transpose is missing or extra."
    assert transpose_candidates("t", V, "v.T") == {}, "a 1-D array has nothing to transpose"


# --- broadcasting -----------------------------------------------------------------------


def test_broadcast_on_a_square_matrix_names_the_wrong_axis():
    square = np.arange(9).reshape(3, 3)
    rows = broadcast_candidates("x", square, V, "S", "v", along="rows")
    assert message_for(square + V[:, None], square + V, rows) == (
        "`x` applies `v` to every column instead of every row: a 1-D vector lines up with the last axis, so as it "
        "is it already repeats for every row."
    )
    columns = broadcast_candidates("x", square, V, "S", "v", along="columns")
    assert "applies `v` to every row instead of every column" in message_for(square + V, square + V[:, None], columns)
    assert "give the vector shape (n, 1)" in message_for(square + V, square + V[:, None], columns)


def test_broadcast_on_a_non_square_matrix_names_a_transposed_result():
    offsets = np.array([100, 200, 300, 400])
    columns = broadcast_candidates("plus_cols", A, offsets, "M", "col_offsets", along="columns")
    message = message_for(A.T + offsets, A + offsets[:, None], columns)
    assert message.startswith("`plus_cols` has rows and columns swapped")
    assert "leaves `M` unchanged" in message_for(A, A + offsets[:, None], columns)
    assert all(np.shape(v) != (4, 3) or not np.array_equal(v, A + offsets[:, None]) for v in columns.values())


def test_broadcast_with_other_operators():
    candidates = broadcast_candidates("x", A[:3], V, "S", "v", op="/", along="columns")
    assert "applies `v` to every row" in message_for(A[:3] / V, A[:3] / V[:, None], candidates)


# --- reductions -------------------------------------------------------------------------


def test_reduction_over_the_wrong_axis_or_no_axis():
    x = np.arange(15.0).reshape(5, 3) ** 2
    candidates = reduction_candidates("means", x, "mean", 0, "x")
    assert message_for(x.mean(axis=1), x.mean(axis=0), candidates) == (
        "`means` takes the mean over axis 1, which runs along each row, one value per row: the wrong axis. The axis "
        "you pass is the one that disappears: axis 0 runs down the columns (one value per column), axis 1 along the "
        "rows (one value per row)."
    )
    assert "is a single number: without `axis=`" in message_for(x.mean(), x.mean(axis=0), candidates)
    assert "keeps the reduced axis as length 1" in message_for(
        x.mean(axis=0, keepdims=True), x.mean(axis=0), candidates
    )
    assert "adds the values up without dividing" in message_for(x.sum(axis=0), x.mean(axis=0), candidates)


def test_missing_keepdims_is_named():
    x = np.arange(15.0).reshape(5, 3) ** 2
    candidates = reduction_candidates("row_means", x, "mean", 1, "x", keepdims=True)
    want = x.mean(axis=1, keepdims=True)
    assert message_for(x.mean(axis=1), want, candidates).startswith(
        "`row_means` has lost the reduced axis: pass `keepdims=True`"
    )
    assert "over axis 0 with keepdims, which runs down each column" in message_for(
        x.mean(axis=0, keepdims=True), want, candidates
    )
    assert "takes the mean over axis 0, which" in message_for(x.mean(axis=0), want, candidates)
    assert "is the variance" in message_for(x.var(axis=1), x.std(axis=1), reduction_candidates("s", x, "std", 1))


# --- normalisation ----------------------------------------------------------------------


@pytest.fixture
def table() -> np.ndarray:
    return np.array([[172.0, 68.0, 34.0], [165.0, 59.0, 29.0], [181.0, 83.0, 41.0], [158.0, 52.0, 23.0]])


def standardised(x, axis=None, ddof=0):
    return (x - x.mean(axis=axis, keepdims=True)) / x.std(axis=axis, keepdims=True, ddof=ddof)


def test_standardising_over_the_wrong_axis_names_the_broadcast(table):
    candidates = normalise_candidates("z", table, 0, "x")
    message = message_for(standardised(table, 1), standardised(table, 0), candidates)
    assert "broadcast along the wrong axis" in message and "over axis 1" in message
    assert message_for(standardised(table), standardised(table, 0), candidates) == (
        "`z` uses one mean and standard deviation for the whole array: pass an axis (with `keepdims=True`) so that "
        "each row or column gets its own."
    )


def test_standardising_slips(table):
    candidates = normalise_candidates("z", table, 0, "x")
    mean, std = table.mean(axis=0), table.std(axis=0)
    want = (table - mean) / std
    assert "division binds tighter" in message_for(table - mean / std, want, candidates)
    assert "centred but not scaled" in message_for(table - mean, want, candidates)
    assert "scaled but not centred" in message_for(table / std, want, candidates)
    assert "divided by the variance" in message_for((table - mean) / std**2, want, candidates)
    assert "(`ddof=1`)" in message_for(standardised(table, 0, ddof=1), want, candidates)


def test_centring_without_scaling(table):
    candidates = normalise_candidates("c", table, 1, "x", scale=False)
    assert "uses the mean over axis 0" in message_for(
        table - table.mean(axis=0), table - table.mean(1, keepdims=True), candidates
    )
    assert not any("scaled" in message for message in candidates)


def test_normalise_candidates_do_not_warn_on_a_zero_spread():
    with np.errstate(all="raise"):
        candidates = normalise_candidates("z", np.zeros((3, 2)), 0)
    assert isinstance(candidates, dict)


# --- overflow ---------------------------------------------------------------------------


@pytest.fixture
def images() -> tuple[np.ndarray, np.ndarray]:
    a = np.array([[200, 100, 7], [255, 0, 3]], dtype=np.uint8)
    b = np.array([[200, 103, 9], [1, 0, 4]], dtype=np.uint8)
    return a, b


def test_uint8_wrap_around_is_named(images):
    a, b = images
    candidates = overflow_candidates("total", a, b, "a", "b")
    assert (a + b)[0, 0] == 144
    message = message_for(a + b, a.astype(np.int64) + b, candidates)
    assert message == (
        "`total` wrapped around: `a + b` is computed in uint8, which holds only 0 to 255, so larger sums start "
        "again from 0 (200 + 200 gives 144). Casting the result afterwards is too late: cast to a wider integer "
        "type, such as `np.int32`, before adding."
    )
    assert message_for((a + b).astype(np.int32), a.astype(np.int64) + b, candidates) == message
    assert "clipped at 255" in message_for(np.clip(a.astype(int) + b, 0, 255), a.astype(np.int64) + b, candidates)


def test_other_integer_types_get_their_own_range():
    a = np.array([30000, 5], dtype=np.int16)
    message = next(iter(overflow_candidates("s", a, a, "a", "a")))
    assert "holds only -32768 to 32767" in message and "32767 + 1 gives -32768" in message


def test_averaging_slips(images):
    a, b = images
    want = ((a.astype(np.int64) + b) // 2).astype(np.uint8)
    candidates = overflow_candidates("avg", a, b, "a", "b", want="mean")
    assert "wrapped around" in message_for((a + b) // 2, want, candidates)
    assert "drops the .5 of every odd value" in message_for(a // 2 + b // 2, want, candidates)
    assert "round down instead" in message_for(np.round((a.astype(int) + b) / 2).astype(np.uint8), want, candidates)
    assert explain("avg", want, want, candidates=candidates) is None


def test_float_inputs_have_no_overflow_candidates():
    assert overflow_candidates("s", np.ones(3), np.ones(3)) == {}


def test_no_overflow_means_no_wrap_candidate():
    a = np.array([[1, 2], [3, 4]], dtype=np.uint8)
    assert overflow_candidates("s", a, a, "a", "a") == {}


# --- ReLU and dense layers --------------------------------------------------------------


def test_relu_look_alikes():
    z = np.array([[-1.5, 0.0, 2.0], [4.0, -2.0, 0.5]])
    candidates = relu_candidates("r", z, "z")
    want = np.maximum(z, 0)
    assert message_for(np.max(z, 0), want, candidates).startswith(
        "`r` is `np.max(z, 0)`: `np.max` finds the largest entry along axis 0"
    )
    assert "no ReLU was applied" in message_for(z, want, candidates)
    assert "`np.abs`" in message_for(np.abs(z), want, candidates)
    assert "True/False values" in message_for(z > 0, want, candidates)
    assert "capped at 1" in message_for(np.clip(z, 0, 1), want, candidates)


def test_dense_layer_slips():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    candidates = dense_candidates("out", x, w, b)
    want = np.maximum(x @ w + b, 0)
    assert "no ReLU was applied" in message_for(x @ w + b, want, candidates)
    assert message_for(np.maximum(x @ w, 0), want, candidates) == "`out` leaves out the bias: add `b` before the ReLU."
    assert "adds the bias after the ReLU" in message_for(np.maximum(x @ w, 0) + b, want, candidates)
    assert "`np.max(X @ W + b, 0)`" in message_for(np.max(x @ w + b, 0), want, candidates)
    assert explain("out", want, want, candidates=candidates) is None
    assert dense_candidates("out", x, w.T, b) == {}, "operands that do not fit give no candidates"


# --- messages name the slip, never the answer -------------------------------------------


def test_no_message_spells_out_the_expression_that_is_the_answer(images):
    a, b = images
    z = np.array([[-1.5, 0.0, 2.0], [4.0, -2.0, 0.5]])
    offsets = np.array([100, 200, 300, 400])
    cases = [
        (product_candidates("x", V, V, "v", "v"), ["np.dot(v, v)", "v @ v`"]),
        (product_candidates("gram", A.T, A, "A.T", "A"), ["A.T @ A", "np.dot(A.T, A)"]),
        (product_candidates("x", A, A + 1, "p", "q", want="elementwise"), ["p * q"]),
        (broadcast_candidates("x", A, V, "M", "r", along="rows"), ["M + r"]),
        (broadcast_candidates("x", A, offsets, "M", "c", along="columns"), ["c[:, np.newaxis]", "M + c"]),
        (overflow_candidates("s", a, b, "a", "b"), ["a.astype(np.int32) + b", "astype(np.int64) + b"]),
        (overflow_candidates("m", a, b, "a", "b", want="mean"), ["a.astype(np.int32) + b"]),
        (relu_candidates("r", z, "z"), ["np.maximum(z, 0)"]),
        (dense_candidates("out", z[:, :2], np.ones((2, 3)), np.ones(3)), ["np.maximum(X @ W + b, 0)"]),
        (reduction_candidates("m", A, "mean", 0, "x"), ["axis=0", "over axis 0"]),
        (normalise_candidates("c", A, 1, "x", scale=False), ["axis=1", "over axis 1"]),
    ]
    for candidates, answers in cases:
        assert candidates
        for message in candidates:
            assert not any(answer in message for answer in answers), message


# --- errors and student calls -----------------------------------------------------------


def test_explain_error_adds_hints_for_known_numpy_errors():
    for make, phrase in [
        (lambda: np.zeros((4, 3)) + np.zeros(4), "`keepdims=True` when they come from a reduction"),
        (
            lambda: np.zeros((4, 3)) @ np.zeros((4, 3)),
            "needs the last length of `left` to equal the first length of `right`",
        ),
        (lambda: np.dot(np.zeros((4, 3)), np.zeros((4, 3))), "The inner lengths of `np.dot` differ"),
        (lambda: max(np.zeros(3), 0), "use element-wise NumPy functions such as `np.maximum`"),
        (lambda: np.zeros(5).reshape(2, 3), "A reshape must keep the number of entries"),
    ]:
        with pytest.raises(Exception) as caught:
            make()
        message = explain_error("f(x)", caught.value)
        assert message.startswith(f"`f(x)` raised {type(caught.value).__name__}: ") and phrase in message


def test_explain_error_reads_a_probe_failure():
    text = "calling `f` failed: ValueError: operands could not be broadcast together with shapes (6,4) (6,)  (line 3)"
    message = explain_error("f(x, 1)", text)
    assert message.startswith("`f(x, 1)` raised ValueError: operands could not be broadcast together")
    assert "give them shape (n, 1)" in message
    assert explain_error("f(x)", ValueError("boom")) == "`f(x)` raised ValueError: boom."
    assert explain_error("f(x)", ValueError()) == "`f(x)` raised ValueError."


def test_student_call_turns_failures_into_messages():
    assert student_call("f(2)", lambda n: n * 3, 2) == 6
    with pytest.raises(AssertionError, match=r"^`f` is not defined yet"):
        student_call("f(2)", None, 2)
    with pytest.raises(AssertionError, match=r"^`f` should be a function, but it is int"):
        student_call("f(2)", 5, 2)
    with pytest.raises(AssertionError, match=r"returned None: finish the function with `return`"):
        student_call("f(2)", lambda n: None, 2)
    with pytest.raises(AssertionError, match=r"^`f\(2\)` raised ZeroDivisionError: division by zero\.$"):
        student_call("f(2)", lambda n: n / 0, 2)


# --- shapes of products -----------------------------------------------------------------


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


def test_explain_product_shape_messages():
    assert explain_product_shape("s", (5, 7), (5, 2), (2, 7)) is None
    assert explain_product_shape("s", [5, 7], (5, 2), (2, 7)) is None
    assert explain_product_shape("s", None, (2, 7), (5, 2)) is None
    assert explain_product_shape("s", ..., (5, 2), (2, 7)).startswith("`s` is not answered yet")
    assert "should be a tuple of lengths" in explain_product_shape("s", "5x7", (5, 2), (2, 7))
    assert explain_product_shape("s", (2, 2), (2, 7), (5, 2)).startswith(
        "`s` is (2, 2), the outer lengths of the two shapes, but a product also needs the inner lengths"
    )
    assert "in the other order" in explain_product_shape("s", (5, 7), (2, 7), (5, 2))
    assert "a 1-D operand adds no axis" in explain_product_shape("s", (5, 1), (5, 2), (2,))
    assert explain_product_shape("s", None, (5, 2), (2, 7)).startswith("`s` is not right. A product `left @ right`")


def test_explain_product_shape_never_shows_the_right_shape():
    for got in [None, (7, 5), (5, 2, 7), (2, 5)]:
        message = explain_product_shape("s", got, (5, 2), (2, 7))
        assert "(5, 7)" not in message and "5, 7" not in message
