"""Families of value-transformation slips, re-enacted on the check's inputs.

Each builder takes the raw inputs of a question and returns :class:`~.slips.Slip` values, each what one
mistake gives: scaling by the wrong number or not at all, integer division, rounding with another function,
clipping, a sign, a sequence that starts or stops in the wrong place or is filled in the other order.
Messages say what the student's value *is* ("divided by 256", "rounds down"), using the student's numbers,
never the answer's. When several functions give the same value (``//`` and ``round()`` often agree), the
slips are merged into one message naming all of them, so the message stays true whichever was used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograder.model import FindingCode

from .compare import close
from .slips import Slip, reenact

ROUNDINGS: dict[str, tuple[str, str, Callable[[np.ndarray], np.ndarray]]] = {
    "floor": ("rounding down", "`//`, `math.floor`, `np.floor`", np.floor),
    "trunc": ("dropping the fraction", "`int()`, `.astype(int)`", np.trunc),
    "ceil": ("rounding up", "`math.ceil`, `np.ceil`", np.ceil),
    "even": ("rounding to the nearest, halves to even", "`round()`, `np.round`", np.round),
    "half_up": ("rounding to the nearest, halves up", "`int(x + 0.5)`",
                lambda x: np.floor(np.asarray(x, dtype=np.float64) + 0.5)),
}
"""Rounding functions students reach for: what each does, and the tools that do it."""


def rounding_slips(name: str, exact: Any, right: str, *, cast: Callable[[Any], Any] | None = None,
                   keep_fraction: bool = True) -> list[Slip]:
    """Every other rounding of ``exact`` (the unrounded value), merged when they agree on these inputs.

    ``right`` is the key in :data:`ROUNDINGS` the answer uses; ``cast`` turns a rounded array into the form
    the answer takes (``int`` for a count, ``lambda a: a.astype('uint8')`` for pixels).
    """
    raw = np.asarray(exact, dtype=np.float64)
    convert = cast or (lambda a: a)
    answer = ROUNDINGS[right][2](raw)
    groups: list[tuple[list[str], np.ndarray]] = []
    for key, (_, _, func) in ROUNDINGS.items():
        value = func(raw)
        if key == right or close(value, answer, 0.0, 0.0):
            continue
        for keys, seen in groups:
            if close(seen, value, 0.0, 0.0):
                keys.append(key)
                break
        else:
            groups.append(([key], value))
    slips = [Slip(f"`{name}` is what {_described(keys)} gives: {_rounding_fix(right)}", convert(value),
                  FindingCode.VALUES) for keys, value in groups]
    if keep_fraction and not close(raw, answer, 0.0, 0.0):
        slips.append(Slip(f"`{name}` keeps the fraction: {_rounding_fix(right)}", raw, FindingCode.TYPE))
    return slips


def _described(keys: Sequence[str]) -> str:
    effect, tools, _ = ROUNDINGS[keys[0]]
    text = f"{effect} ({tools}"
    if len(keys) > 1:
        text += "; on these numbers also " + " and ".join(ROUNDINGS[k][1] for k in keys[1:])
    return text + ")"


def _rounding_fix(right: str) -> str:
    return {
        "floor": "the answer rounds down; a partial part does not count.",
        "trunc": "the answer drops the fraction.",
        "ceil": "the answer rounds up, so a partial part counts as a whole one.",
        "even": "round to the nearest whole number with `np.round`.",
        "half_up": "round to the nearest whole number, halves up.",
    }[right]


def divisor_slips(name: str, raw: Any, divisor: float, *, dtype: Any = "float32",
                  others: Sequence[float] = ()) -> list[Slip]:
    """Slips of scaling ``raw`` into ``raw.astype(dtype) / divisor``.

    Not scaled, divided by another number (the data's own maximum, ``divisor ± 1``, ``others``), floor
    division, rounded after dividing, multiplied instead, divided twice, or computed in float64.
    """
    x = np.asarray(raw)
    floats = x.astype(dtype)
    slips = [
        reenact(f"`{name}` is not scaled: it holds the values as they were, up to {_num(x.max())}.",
                lambda: floats, FindingCode.SCALE),
        reenact(f"`{name}` uses floor division `//`, which throws the fractions away: divide with `/`.",
                lambda: (x // divisor).astype(dtype), FindingCode.SCALE),
        reenact(f"`{name}` is rounded to whole numbers after dividing: keep the fractions.",
                lambda: np.round(floats / divisor).astype(dtype), FindingCode.SCALE),
        reenact(f"`{name}` multiplies where it should divide.", lambda: (floats * divisor).astype(dtype),
                FindingCode.SCALE),
        reenact(f"`{name}` is divided twice.", lambda: (floats / divisor / divisor).astype(dtype), FindingCode.SCALE),
        reenact(f"`{name}` has the right values but is computed in float64: cast it with `.astype('"
                f"{np.dtype(dtype).name}')`.", lambda: x / divisor if np.dtype(dtype) != np.float64 else None,
                FindingCode.DTYPE),
    ]
    peak = float(x.max()) if x.size else 0.0
    wrong = {peak: "the largest value in the data", divisor + 1: "", divisor - 1: "", **{o: "" for o in others}}
    for number, why in wrong.items():
        if number and not np.isclose(number, divisor):
            label = f"{_num(number)} ({why})" if why else _num(number)
            slips.append(reenact(f"`{name}` is divided by {label}: check the number you divide by.",
                                 lambda n=number: (floats / n).astype(dtype), FindingCode.SCALE))
    return [s for s in slips if s is not None]


def clip_slips(name: str, x: Any, low: float | None, high: float | None) -> list[Slip]:
    """Slips of ``np.clip(x, low, high)``: not clipped at all, or only at one end."""
    arr = np.asarray(x)
    slips = [reenact(f"`{name}` is not clipped: some values lie outside the range they should be kept in.",
                     lambda: arr, FindingCode.VALUES)]
    if low is not None and high is not None:
        slips.append(reenact(f"`{name}` is clipped only from below: values above the top of the range remain.",
                             lambda: np.clip(arr, low, None), FindingCode.VALUES))
        slips.append(reenact(f"`{name}` is clipped only from above: values below the bottom of the range remain.",
                             lambda: np.clip(arr, None, high), FindingCode.VALUES))
    return [s for s in slips if s is not None]


def sign_slips(name: str, value: Any) -> list[Slip]:
    """The negated value and the absolute value of the answer."""
    arr = np.asarray(value)
    return [s for s in (
        reenact(f"`{name}` has the opposite sign everywhere: check the order of a subtraction or a minus sign.",
                lambda: -arr, FindingCode.VALUES),
        reenact(f"`{name}` has no negative values where some are expected: look for an `abs` or a square.",
                lambda: np.abs(arr) if np.any(arr < 0) else None, FindingCode.VALUES),
    ) if s is not None]


def sequence_slips(name: str, start: int, stop: int, step: int = 1, shape: Sequence[int] | None = None,
                   dtype: Any = None) -> list[Slip]:
    """Slips of ``np.arange(start, stop, step).reshape(shape)``: another start, the stop included or one short,
    the order reversed, or (for a matrix) filled column by column."""
    def laid(values: np.ndarray) -> np.ndarray:
        out = values.reshape(shape) if shape is not None else values
        return out.astype(dtype) if dtype is not None else out

    right = np.arange(start, stop, step)
    n = len(right)
    slips = []
    for first in sorted({start - step, start + step, 0, 1} - {start}):
        slips.append(reenact(f"`{name}` starts at {first}, with the right step and length: the first number "
                             "is where the range starts (`np.arange(start, stop)` begins at `start`).",
                             lambda f=first: laid(np.arange(f, f + n * step, step)), FindingCode.OFFSET))
    slips.append(reenact(f"`{name}` holds the sequence in reverse order.", lambda: laid(right[::-1]),
                         FindingCode.SCRAMBLED))
    if shape is not None and len(shape) == 2:
        slips.append(reenact(f"`{name}` is filled column by column (as `reshape(..., order='F')` or a reshape to the "
                             "swapped shape followed by `.T` does); `reshape` fills row by row.",
                             lambda: right.reshape(shape, order="F").astype(dtype or right.dtype),
                             FindingCode.PIXEL_ORDER))
    if shape is None:
        slips.append(reenact(f"`{name}` includes `stop`: `np.arange(start, stop)` stops before `stop`.",
                             lambda: laid(np.arange(start, stop + step, step)), FindingCode.LENGTH))
        slips.append(reenact(f"`{name}` ends one step early.", lambda: laid(right[:-1]), FindingCode.LENGTH))
    return [s for s in slips if s is not None]


def _num(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"
