"""Recognise mistakes in tensor operations: products, broadcasting, reductions and integer overflow.

Each ``*_candidates`` function takes the inputs of an operation and builds the wrong answers that
common slips produce, as ``{message: wrong_value}`` ready for ``expect(..., candidates=...)``. A message
names the student's slip and the rule that fixes it, never the expression that would be the answer:

- :func:`product_candidates`: an element-wise product where a dot product was meant ("you forgot to
  sum") and the reverse, operands in the wrong order, a transpose missing or extra;
- :func:`transpose_candidates`: ``x.reshape(...)`` where ``x.T`` was meant;
- :func:`broadcast_candidates`: a vector applied along the wrong axis, a result left transposed;
- :func:`reduction_candidates`: a statistic over the wrong axis or over everything, a missing or extra
  ``keepdims``, a related statistic (sum for mean, variance for standard deviation);
- :func:`normalise_candidates`: centring or standardising with statistics over the wrong axis, the
  brackets of ``(x - mean) / std`` forgotten, one of the two steps left out;
- :func:`overflow_candidates`: integer wrap-around (uint8: 200 + 200 == 144) and halving with ``//``
  too early;
- :func:`relu_candidates` and :func:`dense_candidates`: ReLU and a dense layer's forward pass.

A candidate whose shapes do not fit is skipped, and so is one equal to the right answer, so a right
answer is never reported as a mistake, even by a check that compares only shape and dtype.
:func:`explain_error` turns a NumPy error raised by a student's function into a hint, and
:func:`explain_product_shape` judges a stated shape of a matrix product. Messages describe the
student's value and the rule to apply, never the expected value. NumPy only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "broadcast_candidates",
    "dense_candidates",
    "explain_error",
    "explain_product_shape",
    "matmul_shape",
    "normalise_candidates",
    "overflow_candidates",
    "product_candidates",
    "reduction_candidates",
    "relu_candidates",
    "student_call",
    "transpose_candidates",
]

Candidates = dict[str, Any]
"""Known wrong answers: the message that names the mistake, mapped to the value it produces."""

_Pairs = list[tuple[str, Callable[[], Any]]]

_OPS: dict[str, Callable[[Any, Any], Any]] = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}

_MATMUL_RULE = (
    "A product `left @ right` is defined when the last length of `left` equals the first length of "
    "`right`; the result keeps the other lengths of `left` followed by those of `right` (a 1-D operand "
    "contributes none)."
)


# --- building candidate sets ------------------------------------------------------------


def _attempt(build: Callable[[], Any]) -> Any:
    """``build()``, or None when the shapes do not fit or the arithmetic fails."""
    try:
        with np.errstate(all="ignore"):
            return build()
    except Exception:
        return None


def _same_values(a: Any, b: Any) -> bool:
    """Same shape and values (dtype ignored), so a right answer in another dtype still counts as right."""
    if a is None or b is None:
        return False
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "biuf" and b.dtype.kind in "biuf":
        return bool(np.allclose(a.astype(np.float64), b.astype(np.float64), rtol=1e-6, atol=1e-8, equal_nan=True))
    return bool(np.array_equal(a, b))


def _collect(right: Callable[[], Any], pairs: _Pairs) -> Candidates:
    """Compute each candidate; keep those that exist and differ from the right answer (first message wins)."""
    answer = _attempt(right)
    found: Candidates = {}
    for message, build in pairs:
        value = _attempt(build)
        if value is None or message in found:
            continue
        if _same_values(value, answer) or any(_same_values(value, v) for v in found.values()):
            continue
        found[message] = value
    return found


def _flip(name: str) -> str:
    """The name of the transposed operand: ``A`` -> ``A.T``, ``A.T`` -> ``A``."""
    return name[:-2] if name.endswith(".T") else f"{name}.T"


# --- products ---------------------------------------------------------------------------


def product_candidates(
    name: str, a: Any, b: Any, a_name: str = "a", b_name: str = "b", *, want: str = "dot"
) -> Candidates:
    """Wrong answers for ``np.dot(a, b)`` (``want="dot"``) or for ``a * b`` (``want="elementwise"``).

    An operand whose name ends in ``.T`` is taken to be a transpose, so ``x.reshape`` in its place is
    recognised as well.
    """
    a, b = np.asarray(a), np.asarray(b)
    if want == "elementwise":
        return _collect(lambda: a * b, _matmul_instead(name, a, b, a_name, b_name))
    pairs = _forgot_to_sum(name, a, b, a_name, b_name) + _order_and_transposes(name, a, b, a_name, b_name)
    for operand, other, left in ((a, b, True), (b, a, False)):
        operand_name = a_name if left else b_name
        slips = transpose_candidates(name, operand, operand_name) if operand_name.endswith(".T") else {}
        for message, wrong in slips.items():
            pairs.append((message, lambda w=wrong, o=other, first=left: np.dot(w, o) if first else np.dot(o, w)))
    return _collect(lambda: np.dot(a, b), pairs)


def _forgot_to_sum(name: str, a: np.ndarray, b: np.ndarray, a_name: str, b_name: str) -> _Pairs:
    """An element-wise product where a dot product was meant, summed nowhere, everywhere or elsewhere."""
    fix = "use `np.dot` or the `@` operator, which add the products up"
    pairs: _Pairs = [
        (
            f"`{name}` is the element-wise product `{a_name} * {b_name}`: you forgot to sum. A dot product "
            f"multiplies matching entries and then adds them up along the shared axis: {fix}.",
            lambda: a * b,
        ),
        (
            f"`{name}` is the outer product of `{a_name}` and `{b_name}` (every entry times every entry), "
            f"not their dot product, which is one number: {fix}.",
            lambda: np.multiply.outer(a, b) if a.ndim == b.ndim == 1 else None,
        ),
    ]
    if a.ndim + b.ndim > 2:
        pairs.append(
            (
                f"`{name}` adds up all the products into a single number, but a matrix product sums only "
                f"along the shared axis, giving one sum per row: {fix}.",
                lambda: np.sum(a * b),
            )
        )
        for axis in range(max(a.ndim, b.ndim)):
            message = (
                f"`{name}` sums the element-wise products over axis {axis}, which is not the shared axis "
                f"of the product: {fix}."
            )
            pairs.append((message, lambda k=axis: np.sum(a * b, axis=k)))
    return pairs


def _order_and_transposes(name: str, a: np.ndarray, b: np.ndarray, a_name: str, b_name: str) -> _Pairs:
    """The operands swapped, or one of them transposed when it should not be (or the reverse)."""
    pairs: _Pairs = [
        (
            f"`{name}` is `{b_name} @ {a_name}`: the operands are in the wrong order. Matrix products do "
            "not commute, so keep the operands in the order the question gives them.",
            lambda: np.dot(b, a),
        )
    ]
    if a.ndim == 2:
        pairs.append(
            (
                f"`{name}` is `{_flip(a_name)} @ {b_name}`: check the transpose on the left operand, which is "
                "missing or extra.",
                lambda: np.dot(a.T, b),
            )
        )
    if b.ndim == 2:
        pairs.append(
            (
                f"`{name}` is `{a_name} @ {_flip(b_name)}`: check the transpose on the right operand, which is "
                "missing or extra.",
                lambda: np.dot(a, b.T),
            )
        )
    return pairs


def _matmul_instead(name: str, a: np.ndarray, b: np.ndarray, a_name: str, b_name: str) -> _Pairs:
    """A matrix product, a sum or a sum of products where the element-wise product was meant."""
    fix = "the element-wise product `*` multiplies the entries in matching positions and sums nothing"
    pairs: _Pairs = []
    for expr, build in (
        (f"{a_name} @ {b_name}", lambda: np.dot(a, b)),
        (f"{a_name} @ {_flip(b_name)}", lambda: np.dot(a, b.T)),
        (f"{_flip(a_name)} @ {b_name}", lambda: np.dot(a.T, b)),
    ):
        pairs.append(
            (f"`{name}` is the matrix product `{expr}`, but the element-wise product was asked: {fix}.", build)
        )
    pairs.append((f"`{name}` adds `{a_name}` and `{b_name}`: multiply them instead, entry by entry.", lambda: a + b))
    pairs.append((f"`{name}` sums all the products into one number: keep every product, {fix}.", lambda: np.sum(a * b)))
    for axis in range(max(a.ndim, b.ndim)):
        message = f"`{name}` sums the products over axis {axis}: keep every product, without `.sum()`."
        pairs.append((message, lambda k=axis: np.sum(a * b, axis=k)))
    return pairs


def transpose_candidates(name: str, x: Any, x_name: str = "x") -> Candidates:
    """Wrong answers where ``x``, a transpose named like ``A.T``, was meant: ``A.reshape(...)``, or ``A``.

    For a name without ``.T`` only the extra transpose is recognised.
    """
    x = np.asarray(x)
    base = _flip(x_name)
    shape = ", ".join(str(n) for n in x.shape)
    pairs: _Pairs = [
        (
            f"`{name}` uses `{base}.reshape({shape})` where `{x_name}` was meant: the shape is the same, but "
            "`reshape` keeps the reading order, so the numbers land in the wrong places. `.T` swaps rows and "
            "columns.",
            lambda: x.T.reshape(x.shape) if x_name.endswith(".T") and x.ndim == 2 else None,
        ),
        (
            f"`{name}` uses `{base}` where `{x_name}` was meant: a transpose is missing or extra.",
            lambda: x.T if x.ndim == 2 else None,
        ),
    ]
    return _collect(lambda: x, pairs)


# --- broadcasting -----------------------------------------------------------------------


def broadcast_candidates(
    name: str,
    matrix: Any,
    vector: Any,
    m_name: str = "matrix",
    v_name: str = "v",
    *,
    op: str = "+",
    along: str = "rows",
) -> Candidates:
    """Wrong answers for ``matrix op vector`` applied to every row (``along="rows"``) or every column.

    "Every row" means the vector has one entry per column and repeats down the rows; "every column"
    means one entry per row, repeated across the columns (``vector[:, np.newaxis]``).
    """
    m, v = np.asarray(matrix), np.asarray(vector)
    func = _OPS[op]
    as_row, as_column = (lambda: func(m, v[np.newaxis, :])), (lambda: func(m, v[:, np.newaxis]))
    right, wrong = (as_row, as_column) if along == "rows" else (as_column, as_row)
    other = "column" if along == "rows" else "row"
    fix = (
        "a 1-D vector lines up with the last axis, so as it is it already repeats for every row"
        if along == "rows"
        else "give the vector shape (n, 1), an axis of length 1 after its own (`[:, np.newaxis]` or "
        "`.reshape(-1, 1)` adds it), so that it lines up with the rows"
    )
    pairs: _Pairs = [
        (f"`{name}` applies `{v_name}` to every {other} instead of every {along[:-1]}: {fix}.", wrong),
        (
            f"`{name}` has rows and columns swapped: it is the transpose of the right result, which is what working "
            f"on `{m_name}.T` gives without a final `.T`. Transpose back, or line the vector up instead: {fix}.",
            lambda: right().T,
        ),
        (f"`{name}` leaves `{m_name}` unchanged: `{v_name}` was never applied to it.", lambda: m),
    ]
    return _collect(right, pairs)


# --- reductions and normalisation -------------------------------------------------------

_RELATED = {
    "mean": ("sum", "adds the values up without dividing by how many there are"),
    "sum": ("mean", "is a mean, divided by how many values there are, where a plain sum was asked"),
    "std": ("var", "is the variance, the square of the standard deviation"),
    "var": ("std", "is the standard deviation, the square root of the variance"),
    "max": ("argmax", "holds the positions of the largest values, not the values themselves"),
    "min": ("argmin", "holds the positions of the smallest values, not the values themselves"),
}


def _collapses(ndim: int, axis: int) -> str:
    """What reducing over ``axis`` does, in words."""
    if ndim == 2:
        return ("runs down each column, one value per column", "runs along each row, one value per row")[axis]
    return f"removes axis {axis}"


def _axis_rule(ndim: int) -> str:
    """How to choose the axis of a reduction, without naming the right one."""
    if ndim == 2:
        return (
            "The axis you pass is the one that disappears: axis 0 runs down the columns (one value per column), "
            "axis 1 along the rows (one value per row)."
        )
    return "The axis you pass is the one that disappears from the result."


def reduction_candidates(
    name: str, x: Any, op: str = "mean", axis: int = 0, x_name: str = "x", *, keepdims: bool = False
) -> Candidates:
    """Wrong answers for ``np.<op>(x, axis=axis, keepdims=keepdims)``: another axis, no axis, keepdims slips."""
    x = np.asarray(x)
    func = getattr(np, op)
    rule = _axis_rule(x.ndim)
    pairs: _Pairs = [
        (
            f"`{name}` is a single number: without `axis=`, `np.{op}` reduces the whole array. {rule}",
            lambda: func(x),
        ),
    ]
    if keepdims:
        lost = (
            f"`{name}` has lost the reduced axis: pass `keepdims=True`, so it stays as an axis of length 1 and "
            f"the result lines up with `{x_name}` when broadcast against it."
        )
        pairs.append((lost, lambda: func(x, axis=axis)))
    else:
        extra = f"`{name}` keeps the reduced axis as length 1 (`keepdims=True`), but it should be dropped here."
        pairs.append((extra, lambda: func(x, axis=axis, keepdims=True)))
    for other in (k for k in range(x.ndim) if k != axis):
        for kd in (keepdims, not keepdims):
            message = (
                f"`{name}` takes the {op} over axis {other}{' with keepdims' if kd else ''}, which "
                f"{_collapses(x.ndim, other)}: the wrong axis. {rule}"
            )
            pairs.append((message, lambda k=other, d=kd: func(x, axis=k, keepdims=d)))
    if op in _RELATED:
        related, what = _RELATED[op]
        message = f"`{name}` {what}. Use `np.{op}` (or `.{op}()`), not `np.{related}`."
        pairs.append((message, lambda: getattr(np, related)(x, axis=axis, keepdims=keepdims)))
    return _collect(lambda: func(x, axis=axis, keepdims=keepdims), pairs)


def normalise_candidates(name: str, x: Any, axis: int = 0, x_name: str = "x", *, scale: bool = True) -> Candidates:
    """Wrong answers for centring ``x - mean`` or, with ``scale``, standardising ``(x - mean) / std`` over ``axis``.

    The statistics are taken with ``keepdims=True``, so they broadcast back along ``axis``.
    """
    x = np.asarray(x, dtype=np.float64)

    def stats(over: int | None, ddof: int = 0) -> tuple[np.ndarray, np.ndarray]:
        return x.mean(axis=over, keepdims=True), x.std(axis=over, keepdims=True, ddof=ddof)

    def result(over: int | None) -> np.ndarray:
        mean, std = stats(over)
        return (x - mean) / std if scale else x - mean

    what = "mean and standard deviation" if scale else "mean"
    pairs: _Pairs = [
        (
            f"`{name}` uses the {what} over axis {other}, which {_collapses(x.ndim, other)}: the statistics "
            "broadcast along the wrong axis. Compute them over the axis the task asks for (the axis you pass is the "
            "one that disappears), with `keepdims=True`.",
            lambda k=other: result(k),
        )
        for other in range(x.ndim)
        if other != axis
    ]
    pairs.append(
        (
            f"`{name}` uses one {what} for the whole array: pass an axis (with `keepdims=True`) so that each "
            "row or column gets its own.",
            lambda: result(None),
        )
    )
    if scale:
        pairs += _standardise_slips(name, x, x_name, lambda ddof=0: stats(axis, ddof))
    return _collect(lambda: result(axis), pairs)


def _standardise_slips(name: str, x: np.ndarray, x_name: str, stats: Callable[..., tuple]) -> _Pairs:
    """Slips in ``(x - mean) / std`` itself: brackets, a step left out, variance, ddof."""
    return [
        (
            f"`{name}` is `{x_name} - mean / std`: division binds tighter than subtraction, so only the mean was "
            f"divided. Put brackets around `({x_name} - mean)`.",
            lambda: x - stats()[0] / stats()[1],
        ),
        (f"`{name}` is centred but not scaled: divide by the standard deviation as well.", lambda: x - stats()[0]),
        (f"`{name}` is scaled but not centred: subtract the mean first.", lambda: x / stats()[1]),
        (
            f"`{name}` is divided by the variance: divide by the standard deviation, its square root.",
            lambda: (x - stats()[0]) / stats()[1] ** 2,
        ),
        (
            f"`{name}` uses the sample standard deviation (`ddof=1`): use `np.std` with its default `ddof=0`.",
            lambda: (x - stats()[0]) / stats(1)[1],
        ),
    ]


# --- integer overflow and integer division ----------------------------------------------


def overflow_candidates(
    name: str, a: Any, b: Any, a_name: str = "a", b_name: str = "b", *, want: str = "sum"
) -> Candidates:
    """Wrong answers for the exact sum of two integer arrays (``want="sum"``) or their average rounded down.

    The right sum is computed in int64; the right average is ``(a + b) // 2`` in the inputs' dtype.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind not in "iu":
        return {}
    info = np.iinfo(a.dtype)
    wrapped = _wrapped_message(name, a.dtype, a_name, b_name)
    exact = a.astype(np.int64) + b
    if want != "sum":
        return _collect(lambda: (exact // 2).astype(a.dtype), _average_slips(name, a, b, wrapped))
    pairs: _Pairs = [
        (wrapped, lambda: a + b),
        (
            f"`{name}` is clipped at {info.max}: keep the exact sums in a wider integer type, without clipping.",
            lambda: np.clip(exact, info.min, info.max),
        ),
    ]
    return _collect(lambda: exact, pairs)


def _wrapped_message(name: str, dtype: np.dtype, a_name: str, b_name: str) -> str:
    """Say that a sum wrapped around in ``dtype``, with an example, and how to avoid it."""
    info = np.iinfo(dtype)
    example = "200 + 200 gives 144" if dtype == np.uint8 else f"{info.max} + 1 gives {info.min}"
    return (
        f"`{name}` wrapped around: `{a_name} + {b_name}` is computed in {dtype}, which holds only {info.min} to "
        f"{info.max}, so larger sums start again from {info.min} ({example}). Casting the result afterwards is too "
        "late: cast to a wider integer type, such as `np.int32`, before adding."
    )


def _average_slips(name: str, a: np.ndarray, b: np.ndarray, wrapped: str) -> _Pairs:
    """Slips in ``(a + b) // 2`` on integers: wrap-around, halving too early, rounding to nearest."""
    exact = a.astype(np.int64) + b
    return [
        (f"{wrapped[:-1]}, then halve.", lambda: (a + b) // 2),
        (f"{wrapped[:-1]}, then halve with `//`.", lambda: (a + b) / 2),
        (
            f"`{name}` halves each array first with `//`, which drops the .5 of every odd value, so entries where "
            "both are odd come out 1 too small. Add in a wider type first, then halve.",
            lambda: a // 2 + b // 2,
        ),
        (
            f"`{name}` is rounded to the nearest whole number: round down instead, with `// 2`.",
            lambda: np.round(exact / 2).astype(a.dtype),
        ),
    ]


# --- ReLU and a dense layer -------------------------------------------------------------


def relu_candidates(name: str, z: Any, z_name: str = "z") -> Candidates:
    """Wrong answers for the element-wise ReLU ``np.maximum(z, 0)``."""
    z = np.asarray(z)
    fix = "take the element-wise maximum with 0 (`np.maximum`), not the reduction `np.max`"
    pairs: _Pairs = [
        (
            f"`{name}` is `np.max({z_name}, 0)`: `np.max` finds the largest entry along axis 0 (its second argument "
            f"is an axis) and does not compare with 0; {fix}.",
            lambda: np.max(z, axis=0),
        ),
        (f"`{name}` is a single number, the largest entry: ReLU keeps every entry; {fix}.", lambda: np.max(z)),
        (
            f"`{name}` still has negative values: no ReLU was applied. ReLU replaces every negative value by 0; {fix}.",
            lambda: z,
        ),
        (f"`{name}` flips the sign of negative values (`np.abs`), but ReLU sets them to 0; {fix}.", lambda: np.abs(z)),
        (
            f"`{name}` keeps the negative part (`np.minimum`): ReLU keeps the positive part; {fix}.",
            lambda: np.minimum(z, 0),
        ),
        (
            f"`{name}` holds True/False values, the mask `{z_name} > 0`: ReLU keeps the values themselves where "
            "they are positive; multiply the mask by the values, or use the element-wise `np.maximum`.",
            lambda: z > 0,
        ),
        (f"`{name}` is also capped at 1 (`np.clip`), but ReLU has no upper limit; {fix}.", lambda: np.clip(z, 0, 1)),
        (
            f"`{name}` applies the sigmoid, not ReLU; {fix}.",
            lambda: 1 / (1 + np.exp(-z)),
        ),
    ]
    return _collect(lambda: np.maximum(z, 0), pairs)


def dense_candidates(
    name: str, x: Any, w: Any, b: Any, x_name: str = "X", w_name: str = "W", b_name: str = "b"
) -> Candidates:
    """Wrong answers for a dense layer's forward pass ``_relu(x @ w + b)``."""
    x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
    z = _attempt(lambda: x @ w + b)
    if z is None:
        return {}
    found = relu_candidates(name, z, f"{x_name} @ {w_name} + {b_name}")
    pairs: _Pairs = [
        (f"`{name}` leaves out the bias: add `{b_name}` before the ReLU.", lambda: _relu(x @ w)),
        (
            f"`{name}` adds the bias after the ReLU: add `{b_name}` first, then apply ReLU to "
            f"`{x_name} @ {w_name} + {b_name}`.",
            lambda: _relu(x @ w) + b,
        ),
        (f"`{name}` subtracts the bias: add it.", lambda: _relu(x @ w - b)),
    ]
    pairs += [
        (message, lambda v=wrong: _relu(v + b))
        for message, wrong in product_candidates(name, x, w, x_name, w_name).items()
    ]
    return _collect(lambda: _relu(z), [(m, lambda v=v: v) for m, v in found.items()] + pairs)


def _relu(v: np.ndarray) -> np.ndarray:
    """The element-wise ReLU."""
    return np.maximum(v, 0)


# --- errors and shapes ------------------------------------------------------------------

_ERROR_HINTS = (
    (
        "could not be broadcast",
        "The shapes do not broadcast: NumPy lines shapes up from the last axis, so a 1-D array fits the last "
        "axis only. To line values up with the rows, give them shape (n, 1): `v[:, np.newaxis]`, or "
        "`keepdims=True` when they come from a reduction such as `x.mean(axis=1, keepdims=True)`.",
    ),
    (
        "mismatch in its core dimension",
        "The inner lengths of a matrix product differ: `left @ right` needs the last length of `left` to equal "
        "the first length of `right`. Check the order of the operands and whether a transpose is missing.",
    ),
    ("not aligned", "The inner lengths of `np.dot` differ: check the order of the operands and any transpose."),
    (
        "truth value of an array",
        "Python's `max`, `if`, `and` and `or` want one True/False, not a whole array: use element-wise NumPy "
        "functions such as `np.maximum`.",
    ),
    ("cannot reshape array", "A reshape must keep the number of entries: check the lengths you gave."),
)


def explain_error(call: str, error: BaseException | str) -> str:
    """A message for an error raised by ``call``: the error itself, then a hint when it is a known one."""
    text = str(error).strip()
    kind = type(error).__name__ if isinstance(error, BaseException) else "an error"
    first = text.splitlines()[0].strip() if text else kind
    if "` failed: " in first:  # a probe's "calling `f` failed: ValueError: ..."
        first = first.split("` failed: ", 1)[1]
    elif isinstance(error, BaseException) and first != kind and kind != "StudentFunctionError":
        first = f"{kind}: {first}"
    message = f"`{call}` raised {first}"
    message += "" if message.endswith(".") else "."
    for pattern, hint in _ERROR_HINTS:
        if pattern in text:
            return f"{message} {hint}"
    return message


def student_call(call: str, func: Any, *args: Any) -> Any:
    """Call the student's ``func`` for a check, turning every way it can fail into a message.

    ``call`` is how the call reads in the message, e.g. ``"standardize(x, 0)"``. A missing function, an
    error it raises (with :func:`explain_error`'s hint) and a ``None`` result raise AssertionError.
    """
    __tracebackhide__ = True
    func_name = call.split("(")[0]
    if func is None or func is Ellipsis:
        raise AssertionError(f"`{func_name}` is not defined yet: run the cell that defines it.")
    if not callable(func):
        raise AssertionError(f"`{func_name}` should be a function, but it is {type(func).__name__}.")
    try:
        result = func(*args)
    except Exception as error:
        raise AssertionError(explain_error(call, error)) from None
    if result is None:
        raise AssertionError(f"`{call}` returned None: finish the function with `return` and the result.")
    return result


def matmul_shape(left: Sequence[int], right: Sequence[int]) -> tuple[int, ...] | None:
    """The shape of ``X @ Y`` for operands of shapes ``left`` and ``right`` (1-D or 2-D), or None."""
    left, right = tuple(left), tuple(right)
    if not left or not right or left[-1] != right[0]:
        return None
    return left[:-1] + right[1:]


def _as_shape(got: Any) -> tuple[int, ...] | str | None:
    """The student's answer as a shape tuple, None, or ``"bad"`` when it is neither."""
    if got is None:
        return None
    if isinstance(got, (tuple, list)) and all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in got
    ):
        return tuple(int(n) for n in got)
    return "bad"


def explain_product_shape(name: str, got: Any, left: Sequence[int], right: Sequence[int]) -> str | None:
    """None when ``got`` is the shape of ``X @ Y`` (None when undefined), else a message about the answer."""
    if got is Ellipsis:
        return f"`{name}` is not answered yet: write the shape as a tuple, or None when the product is not defined."
    shape = _as_shape(got)
    if shape == "bad":
        return f"`{name}` should be a tuple of lengths such as `(2, 5)`, or None, but it is {got!r}."
    want = matmul_shape(left, right)
    if shape == want:
        return None
    left, right = tuple(left), tuple(right)
    if shape is not None and want is None and shape == left[:-1] + right[1:]:
        return (
            f"`{name}` is {shape}, the outer lengths of the two shapes, but a product also needs the inner "
            "lengths (the last of the left shape, the first of the right one) to be equal: compare them."
        )
    if shape is not None and shape == matmul_shape(right, left) and left != right:
        return f"`{name}` is the shape of the product in the other order: the left operand comes first. {_MATMUL_RULE}"
    if shape is not None and 1 in shape and 1 in (len(left), len(right)) and 1 not in left + right:
        return (
            f"`{name}` has an axis of length 1, but a 1-D operand adds no axis to the result: its shared axis "
            f"disappears and nothing takes its place. {_MATMUL_RULE}"
        )
    return f"`{name}` is not right. {_MATMUL_RULE}"
