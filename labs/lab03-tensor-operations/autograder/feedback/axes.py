"""Axis slips, re-enacted: reducing, stacking or gluing along another axis, and reshaping in the other order.

Each builder takes the check's inputs and the axis the answer uses and returns a :class:`~.slips.Slip` per
other axis (and per ``keepdims`` choice) that gives a value on these inputs. Messages name the axis the
student used and what it did, which is observable from their value; the answer's axis is never printed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograder.model import FindingCode

from .slips import Slip, answer_of, drop_answer, reenact


def reduction_slips(name: str, reduce: Callable[..., Any], x: Any, axis: int | None, *, keepdims: bool = False,
                    label: str = "the reduction") -> list[Slip]:
    """Slips of ``reduce(x, axis=axis, keepdims=keepdims)``: another axis, all axes, the other ``keepdims``."""
    arr = np.asarray(x)
    slips: list[Slip | None] = []
    for other in [*range(arr.ndim), None]:
        for keep in (keepdims, not keepdims):
            if other == axis and keep == keepdims:
                continue
            if other == axis:
                text = (f"`{name}` keeps the reduced axis as a length-1 axis (`keepdims=True`): drop it."
                        if keep else f"`{name}` drops the reduced axis: keep it with `keepdims=True` so that "
                        "the result broadcasts against the input.")
                code = FindingCode.EXTRA_AXIS if keep else FindingCode.MISSING_AXIS
            elif other is None:
                text = f"`{name}` combines every entry into one number (no `axis` given to {label})."
                code = FindingCode.VALUES
            else:
                text = (f"`{name}` is {label} along axis {other}: that combines the {arr.shape[other]} entries "
                        f"along axis {other} and removes it. Use the axis whose entries belong together.")
                code = FindingCode.VALUES
            slips.append(reenact(text, lambda a=other, k=keep: reduce(arr, axis=a, keepdims=k), code,
                                 f"axis {other}"))
    return drop_answer(slips, answer_of(lambda: reduce(arr, axis=axis, keepdims=keepdims)))


def stack_slips(name: str, parts: Sequence[Any], axis: int = 0) -> list[Slip]:
    """Slips of ``np.stack(parts, axis)``: a new axis elsewhere, gluing along an existing axis, parts reversed."""
    arrays = [np.asarray(p) for p in parts]
    ndim = arrays[0].ndim + 1 if arrays else 1
    slips: list[Slip | None] = []
    for other in range(ndim):
        if other != axis % ndim:
            slips.append(reenact(f"`{name}` stacks the parts along a new axis {other}: the new axis goes where "
                                 "the parts should be counted (`np.stack` puts it first unless given `axis=`).",
                                 lambda o=other: np.stack(arrays, o), FindingCode.AXES_PERMUTED, f"axis {other}"))
    for other in range(ndim - 1):
        slips.append(reenact(f"`{name}` glues the parts along their existing axis {other} (as `np.concatenate` "
                             "or `np.vstack`/`np.hstack` do), so no new axis counts them: use `np.stack`.",
                             lambda o=other: np.concatenate(arrays, o), FindingCode.SHAPE, f"axis {other}"))
    if len(arrays) > 1:
        slips.append(reenact(f"`{name}` holds the parts in reverse order.",
                             lambda: np.stack(arrays[::-1], axis), FindingCode.SCRAMBLED, f"axis {axis}"))
    return drop_answer(slips, answer_of(lambda: np.stack(arrays, axis)))


def reshape_order_slips(name: str, x: Any, shape: Sequence[int]) -> list[Slip]:
    """Slips of ``x.reshape(shape)``: filled column by column, or reshaped to the reversed shape and transposed."""
    arr = np.asarray(x)
    target = tuple(shape)
    slips = [
        reenact(f"`{name}` is filled column by column (as `reshape(..., order='F')` does, or a reshape to the swapped "
                "shape followed by `.T`): `reshape` reads and fills row by row.",
                lambda: arr.reshape(target, order="F"), FindingCode.PIXEL_ORDER),
    ]
    return [s for s in slips if s is not None]


def batch_transpose_slips(name: str, batch: Any) -> list[Slip]:
    """Turning a batch (N, ...) into columns: a transpose of the whole batch versus one sample per column."""
    arr = np.asarray(batch)
    n = len(arr)
    return [s for s in (
        reenact(f"`{name}` reshapes the batch straight into columns, so column j mixes pixels of several samples: "
                "first make each sample a row (`reshape(n, -1)`), then transpose.",
                lambda: arr.reshape(-1, n), FindingCode.MIXED_IMAGES),
        reenact(f"`{name}` transposes the whole batch before flattening it, which reverses the order of the pixels "
                "inside each sample: make each sample a row first (`reshape(n, -1)`), then transpose.",
                lambda: arr.T.reshape(-1, n) if arr.ndim > 2 else None, FindingCode.PIXEL_ORDER),
        reenact(f"`{name}` has one row per sample: transpose it so each sample is a column.",
                lambda: arr.reshape(n, -1), FindingCode.FORGOT_TRANSPOSE),
    ) if s is not None]
