"""Integer arithmetic that runs out of room: wrap-around, clipping, and halving an integer sum.

NumPy keeps the dtype of integer operands, and a result outside that dtype's range wraps around to the other
end without a warning (uint8: 200 + 200 == 144). The builders re-enact that on the check's own operands, so
"wrapped around" is said only when doing the operation in the operands' dtype gives the student's value;
casting the wrapped result afterwards gives the same numbers, which the message says is too late.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.model import FindingCode

from .broadcasting import OPERATORS
from .slips import Slip, drop_answer, reenact
from .transforms import rounding_slips

_EXAMPLES = {"+": (200, 200), "-": (3, 5), "*": (16, 16)}
"""Operands whose result leaves the range of uint8, for the example in the message."""


def _example(dtype: np.dtype, op: str) -> str:
    """One small computation in ``dtype`` that wraps around, e.g. ``200 + 200 gives 144``."""
    info = np.iinfo(dtype)
    if dtype == np.uint8:
        left, right = _EXAMPLES[op]
    else:
        left, right = {"+": (info.max, 1), "-": (info.min, 1), "*": (info.max, 2)}[op]
    with np.errstate(all="ignore"):
        result = OPERATORS[op][0](np.array(left, dtype=dtype), np.array(right, dtype=dtype))
    return f"{left} {op} {right} gives {result}"


def wrapped_message(name: str, dtype: Any, op: str = "+", a_name: str = "a", b_name: str = "b") -> str:
    """Say that ``a op b`` wrapped around in ``dtype``, with an example, and how to avoid it."""
    dtype = np.dtype(dtype)
    info = np.iinfo(dtype)
    verb = OPERATORS[op][2]
    return (f"`{name}` wrapped around: `{a_name} {op} {b_name}` is computed in {dtype.name}, which holds only "
            f"{info.min} to {info.max}, so results outside that range wrap around to the other end "
            f"({_example(dtype, op)}). Casting the result afterwards is too late: cast an operand to a wider integer "
            f"type, such as `np.int32`, before you {verb}.")


def wrap_slips(name: str, a: Any, b: Any, op: str = "+", a_name: str = "a", b_name: str = "b") -> list[Slip]:
    """Slips of the exact integer result of ``a op b``: computed in the operands' dtype, or clipped to its range.

    Nothing is re-enacted for operands that are not integers, or when the operation fits in their dtype.
    """
    a, b = np.asarray(a), np.asarray(b)
    dtype = np.result_type(a, b)
    if dtype.kind not in "iu" or op not in "+-*":
        return []
    func = OPERATORS[op][0]
    exact = func(a.astype(np.int64), b.astype(np.int64))
    info = np.iinfo(dtype)
    with np.errstate(all="ignore"):
        wrapped = func(a, b)
    if np.array_equal(wrapped, exact):
        return []
    slips = [
        reenact(wrapped_message(name, dtype, op, a_name, b_name), lambda: wrapped, FindingCode.VALUES),
        reenact(f"`{name}` is clipped to {info.min} to {info.max}, the range of {dtype.name}: keep the exact results "
                "in a wider integer type, without clipping.", lambda: np.clip(exact, info.min, info.max),
                FindingCode.VALUES),
    ]
    return drop_answer(slips, exact)


def halving_slips(name: str, a: Any, b: Any, a_name: str = "a", b_name: str = "b") -> list[Slip]:
    """Slips of the average of two integer arrays rounded down, ``(a + b) // 2`` computed exactly, in a's dtype.

    The sum wrapped around before halving, each operand halved first (which loses the halves of odd values
    twice), or the exact half rounded another way (named by :func:`.transforms.rounding_slips`).
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind not in "iu" or b.dtype.kind not in "iu":
        return []
    exact = a.astype(np.int64) + b
    dtype = a.dtype
    slips: list[Slip | None] = []
    with np.errstate(all="ignore"):
        wrapped = a + b
        if not np.array_equal(wrapped, exact):
            text = wrapped_message(name, wrapped.dtype, "+", a_name, b_name)
            slips.append(reenact(f"{text} Here the sum wrapped before it was halved.", lambda: wrapped // 2,
                                 FindingCode.VALUES))
            slips.append(reenact(f"{text} Here the sum wrapped before it was divided by 2.", lambda: wrapped / 2,
                                 FindingCode.VALUES))
        slips.append(reenact(f"`{name}` halves each array first with `//`, which drops the .5 of every odd value, so "
                             "entries where both are odd come out 1 too small. Add in a wider type first, then halve.",
                             lambda: (a // 2 + b // 2).astype(dtype), FindingCode.VALUES))
    slips += rounding_slips(name, exact / 2, "floor", cast=lambda v: v.astype(dtype))
    return drop_answer(slips, exact // 2)
