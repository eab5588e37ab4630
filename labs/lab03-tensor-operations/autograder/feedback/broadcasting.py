"""Element-wise operations, broadcasting and reductions: slips re-enacted on the check's inputs.

Each builder takes the inputs of one operation and returns a :class:`~.slips.Slip` per mistake that can be made
on them: another operator, a vector lined up with the other axis (only possible on a square matrix, so it is
never guessed from a shape), a result left transposed, a statistic over another axis or without ``keepdims``,
a related statistic (a sum for a mean, ``ddof=1``), the brackets of ``(x - mean) / std``, and look-alikes of
the element-wise ReLU such as the reduction ``np.max``. Two slips that give the same value cancel in
:func:`~.slips.confirmed`, so a square or symmetric input that hides the difference names neither.
Messages describe the student's value and the rule, never the expression that is the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.model import FindingCode

from .axes import reduction_slips
from .slips import Slip, answer_of, drop_answer, reenact

OPERATORS: dict[str, tuple[Callable[[Any, Any], Any], str, str]] = {
    "+": (np.add, "adds `{b}` to `{a}`", "add"),
    "-": (np.subtract, "subtracts `{b}` from `{a}`", "subtract"),
    "*": (np.multiply, "multiplies `{a}` by `{b}`", "multiply"),
    "/": (np.divide, "divides `{a}` by `{b}`", "divide"),
}
"""Element-wise operators: the function, what using it does, and the verb of the task that asks for it."""


def operator_slips(name: str, a: Any, b: Any, op: str = "+", a_name: str = "a", b_name: str = "b") -> list[Slip]:
    """Every other element-wise operator in place of ``a op b``, and the operands of ``-`` or ``/`` swapped."""
    a, b = np.asarray(a), np.asarray(b)
    want = OPERATORS[op][2]
    slips: list[Slip | None] = []
    with np.errstate(all="ignore"):
        for symbol, (func, did, _) in OPERATORS.items():
            if symbol != op:
                text = f"`{name}` {did.format(a=a_name, b=b_name)}: the task asks to {want}, with `{op}`."
                slips.append(reenact(text, lambda f=func: f(a, b), FindingCode.VALUES))
        if op in "-/":
            text = f"`{name}` {OPERATORS[op][1].format(a=b_name, b=a_name)}: the operands are the other way round."
            slips.append(reenact(text, lambda: OPERATORS[op][0](b, a), FindingCode.VALUES))
    return drop_answer(slips, answer_of(lambda: OPERATORS[op][0](a, b)))


# --- a vector applied to every row or every column ---------------------------------------


def broadcast_slips(name: str, matrix: Any, vector: Any, m_name: str = "matrix", v_name: str = "v", *,
                    op: str = "+", along: str = "rows") -> list[Slip]:
    """Slips of ``matrix op vector`` applied to every row (``along="rows"``: one entry per column) or every column.

    The other orientation exists only on a square matrix; on others the student's attempt either raised or went
    through a transpose, a trimmed vector or another operator, each re-enacted here.
    """
    m, v = np.asarray(matrix), np.asarray(vector)
    if m.ndim != 2 or v.ndim != 1:
        return []
    func = OPERATORS[op][0]
    as_row, as_column = v[np.newaxis, :], v[:, np.newaxis]
    right_v, wrong_v = (as_row, as_column) if along == "rows" else (as_column, as_row)
    other, each = ("row", "column") if along == "rows" else ("column", "row")
    fix = ("a 1-D vector lines up with the last axis, so as it is it repeats down the rows" if along == "rows" else
           "give the vector shape (n, 1), an axis of length 1 after its own, so that it lines up with the rows")
    wrong_axis = 0 if along == "rows" else 1
    with np.errstate(all="ignore"):
        slips = [
            reenact(f"`{name}` applies one entry of `{v_name}` to each {other}, repeated along it, instead of one to "
                    f"each {each}: {fix}.", lambda: func(m, wrong_v),
                    FindingCode.VALUES, f"axis {wrong_axis}"),
            reenact(f"`{name}` is the transpose of the right result: rows and columns are swapped, as applying "
                    f"`{v_name}` to `{m_name}.T` and not transposing back gives. Transpose back, or line the vector "
                    f"up instead: {fix}.", lambda: func(m, right_v).T, FindingCode.TRANSPOSED),
            reenact(f"`{name}` is `{m_name}` unchanged: `{v_name}` was never applied to it.", lambda: m.copy(),
                    FindingCode.VALUES),
            _trimmed(name, m, v, v_name, func, along, fix),
        ]
        slips += operator_slips(name, m, right_v, op, m_name, v_name)
    return drop_answer(slips, answer_of(lambda: func(m, right_v)))


def _trimmed(name: str, m: np.ndarray, v: np.ndarray, v_name: str, func: Callable, along: str,
             fix: str) -> Slip | None:
    """The vector cut down to the length of the other axis, so that it broadcasts the wrong way."""
    length = m.shape[1] if along == "columns" else m.shape[0]
    if len(v) <= length:
        return None
    part = v[:length]
    aligned = part[np.newaxis, :] if along == "columns" else part[:, np.newaxis]
    return reenact(f"`{name}` uses only the first {length} entries of `{v_name}`, lined up with the other axis: "
                   f"every entry of the vector belongs in the result; {fix}.", lambda: func(m, aligned),
                   FindingCode.VALUES)


# --- reductions ----------------------------------------------------------------------------

_RELATED: dict[str, list[tuple[str, dict[str, Any], str]]] = {
    "mean": [("sum", {}, "adds the values up without dividing by how many there are: that is a sum, not a mean"),
             ("median", {}, "is the median, the middle value, not the mean")],
    "sum": [("mean", {}, "divides by how many values there are: that is a mean, not a sum")],
    "std": [("var", {}, "is the variance, the square of the standard deviation: take its square root (`np.std`)"),
            ("std", {"ddof": 1}, "uses the sample standard deviation (`ddof=1`): use `np.std` with its default "
             "`ddof=0`")],
    "var": [("std", {}, "is the standard deviation, the square root of the variance"),
            ("var", {"ddof": 1}, "uses the sample variance (`ddof=1`): use `np.var` with its default `ddof=0`")],
    "max": [("argmax", {}, "holds the positions of the largest values, not the values themselves")],
    "min": [("argmin", {}, "holds the positions of the smallest values, not the values themselves")],
    "argmax": [("max", {}, "holds the largest values themselves, not their positions")],
    "argmin": [("min", {}, "holds the smallest values themselves, not their positions")],
}
"""Statistics students take for one another: the one used, its extra arguments, what the value then is."""


def statistic_slips(name: str, x: Any, stat: str = "mean", axis: int | None = 0, *,
                    keepdims: bool = False) -> list[Slip]:
    """Slips of ``np.<stat>(x, axis=axis, keepdims=keepdims)``: another axis, all axes, the other ``keepdims``
    (:func:`.axes.reduction_slips`), or a related statistic over the right axis (a sum for a mean, ``ddof=1``)."""
    arr = np.asarray(x)
    func = getattr(np, stat)
    slips: list[Slip | None] = list(reduction_slips(name, func, arr, axis, keepdims=keepdims, label=f"the {stat}"))
    with np.errstate(all="ignore"):
        for other, extra, what in _RELATED.get(stat, []):
            slips.append(reenact(f"`{name}` {what}.", lambda o=other, e=extra: getattr(np, o)(
                arr, axis=axis, keepdims=keepdims, **e), FindingCode.VALUES))
    return drop_answer(slips, answer_of(lambda: func(arr, axis=axis, keepdims=keepdims)))


# --- centring and standardising ------------------------------------------------------------


def _collapses(ndim: int, axis: int) -> str:
    """What taking a statistic over ``axis`` does, in words."""
    if ndim == 2:
        return ("runs down each column, one value per column", "runs along each row, one value per row")[axis]
    return f"removes axis {axis}"


def normalise_slips(name: str, x: Any, axis: int = 0, *, scale: bool = True, x_name: str = "x") -> list[Slip]:
    """Slips of centring ``x - mean`` or, with ``scale``, standardising ``(x - mean) / std`` over ``axis``.

    The statistics of the answer are kept with ``keepdims=True``, so they broadcast back along ``axis``.
    """
    arr = np.asarray(x, dtype=np.float64)

    def stats(over: int | None, keep: bool = True, ddof: int = 0) -> tuple[np.ndarray, np.ndarray]:
        return arr.mean(axis=over, keepdims=keep), arr.std(axis=over, keepdims=keep, ddof=ddof)

    def result(over: int | None, keep: bool = True) -> np.ndarray:
        mean, std = stats(over, keep)
        return (arr - mean) / std if scale else arr - mean

    what = "mean and standard deviation" if scale else "mean"
    slips: list[Slip | None] = []
    with np.errstate(all="ignore"):
        for other in (k for k in range(arr.ndim) if k != axis):
            slips.append(reenact(
                f"`{name}` uses the {what} over axis {other}, which {_collapses(arr.ndim, other)}: the statistics "
                "broadcast along the wrong axis. Take them over the axis the task asks for (the axis you pass is the "
                "one that disappears), with `keepdims=True`.", lambda k=other: result(k), FindingCode.VALUES,
                f"axis {other}"))
        slips.append(reenact(f"`{name}` uses one {what} for the whole array: pass an axis (with `keepdims=True`) so "
                             "that each row or column gets its own.", lambda: result(None), FindingCode.VALUES))
        slips.append(reenact(
            f"`{name}` takes the {what} without `keepdims=True`, so the reduced axis is gone and NumPy lines the "
            f"statistics up with the last axis of `{x_name}`, not with the one they came from. Keep the axis with "
            "`keepdims=True`.", lambda: result(axis, keep=False), FindingCode.VALUES))
        slips += _standardise_slips(name, arr, x_name, lambda ddof=0: stats(axis, True, ddof)) if scale else [
            reenact(f"`{name}` is also divided by the standard deviation: the task asks only to subtract the mean.",
                    lambda: (arr - stats(axis)[0]) / stats(axis)[1], FindingCode.SCALE)]
    return drop_answer(slips, answer_of(lambda: result(axis)))


def _standardise_slips(name: str, x: np.ndarray, x_name: str, stats: Callable[..., tuple]) -> list[Slip | None]:
    """Slips in ``(x - mean) / std`` itself: brackets, a step left out, the variance, ``ddof=1``."""
    mean, std = stats()
    return [
        reenact(f"`{name}` is `{x_name} - mean / std`: division binds tighter than subtraction, so only the mean was "
                f"divided. Put brackets around `({x_name} - mean)`.", lambda: x - mean / std, FindingCode.VALUES),
        reenact(f"`{name}` is centred but not scaled: divide by the standard deviation as well.", lambda: x - mean,
                FindingCode.SCALE),
        reenact(f"`{name}` is scaled but not centred: subtract the mean first.", lambda: x / std, FindingCode.OFFSET),
        reenact(f"`{name}` is divided by the variance: divide by the standard deviation, its square root.",
                lambda: (x - mean) / std**2, FindingCode.SCALE),
        reenact(f"`{name}` uses the sample standard deviation (`ddof=1`): use `np.std` with its default `ddof=0`.",
                lambda: (x - mean) / stats(1)[1], FindingCode.SCALE),
    ]


# --- ReLU: the element-wise maximum, not the reduction ---------------------------------------


def relu_slips(name: str, z: Any, z_name: str = "z", *, unactivated: str | None = None) -> list[Slip]:
    """Slips of the element-wise ReLU ``np.maximum(z, 0)``: the reduction ``np.max``, no ReLU, look-alikes.

    ``unactivated`` replaces the message for ``z`` left as it is (a Keras layer without activation, say).
    """
    arr = np.asarray(z)
    fix = "take the element-wise maximum with 0 (`np.maximum`)"
    not_max = f"{fix}, not the reduction `np.max`"
    with np.errstate(all="ignore"):
        slips = [
            reenact(f"`{name}` is `np.max({z_name}, 0)`: `np.max` finds the largest entry along axis 0 (its second "
                    f"argument is an axis) and compares nothing with 0; {not_max}.",
                    lambda: np.max(arr, axis=0) if arr.ndim > 1 else None, FindingCode.VALUES, "axis 0"),
            reenact(f"`{name}` is a single number, the largest entry: ReLU keeps every entry; {not_max}.",
                    lambda: np.max(arr), FindingCode.VALUES),
            reenact(unactivated or f"`{name}` still has negative values: no ReLU was applied. ReLU replaces every "
                    f"negative value by 0; {fix}.", lambda: arr, FindingCode.VALUES),
            reenact(f"`{name}` flips the sign of negative values (`np.abs`), but ReLU sets them to 0; {fix}.",
                    lambda: np.abs(arr), FindingCode.VALUES),
            reenact(f"`{name}` keeps the negative part (`np.minimum`): ReLU keeps the positive part; {fix}.",
                    lambda: np.minimum(arr, 0), FindingCode.VALUES),
            reenact(f"`{name}` holds True/False values, the mask `{z_name} > 0`: ReLU keeps the values themselves "
                    "where they are positive; multiply the mask by the values, or use the element-wise `np.maximum`.",
                    lambda: arr > 0, FindingCode.DTYPE),
            reenact(f"`{name}` is also capped at 1 (`np.clip`), but ReLU has no upper limit; {fix}.",
                    lambda: np.clip(arr, 0, 1), FindingCode.VALUES),
            reenact(f"`{name}` applies the sigmoid, not ReLU; {fix}.", lambda: 1 / (1 + np.exp(-arr)),
                    FindingCode.VALUES),
            reenact(f"`{name}` applies tanh, not ReLU; {fix}.", lambda: np.tanh(arr), FindingCode.VALUES),
        ]
    return drop_answer(slips, answer_of(lambda: np.maximum(arr, 0)))

