"""Reshaping per sample and the three forms of a vector, each cause named only when re-enacting it agrees.

*Unrowing* turns a batch (N, ...) into a matrix (features, N) whose column j is sample j flattened.
:func:`unrow_slips` re-enacts the usual ways to get it wrong (a reshape straight to (features, N), no
transpose, the whole batch transposed before flattening, the axes inside each sample moved, no reshape, one
long vector); :func:`explain_unrow` names one of them only when it reproduces the student's value, and
otherwise says what the columns hold. :func:`explain_vector_shape` tells the shapes (N,), (1, N) and (N, 1)
apart; given the arrays the student worked from, it also says which of them the value is.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from .ladder import explain
from .slips import Slip, reenact

_FLATTEN_FIRST = "flatten each sample into a row first, then turn the rows into columns"


def unrow_slips(name: str, batch: Any) -> list[Slip]:
    """What the usual unrowing mistakes give on ``batch`` (N, ...)."""
    arr = np.asarray(batch)
    n = len(arr)
    slips = [
        reenact(f"Column 0 of `{name}` holds numbers of several samples: reshaping the batch straight to "
                "(features, N) keeps the reading order, so each column takes every N-th number of the whole batch. "
                f"To keep the samples apart, {_FLATTEN_FIRST}.", lambda: arr.reshape(-1, n), FindingCode.MIXED_IMAGES,
                "column 0"),
        reenact(f"`{name}` is the batch with each sample flattened into a row, shape {(n, arr[0].size)}: one row "
                "per sample where each sample should be a column. Transpose it with `.T`.",
                lambda: arr.reshape(n, -1), FindingCode.FORGOT_TRANSPOSE),
        reenact(f"`{name}` is the batch as it was, not reshaped: {_FLATTEN_FIRST}.",
                lambda: arr if arr.ndim > 2 else None, FindingCode.NOT_RESHAPED),
        reenact(f"`{name}` is the whole batch flattened into one long vector: keep one column per sample; "
                f"{_FLATTEN_FIRST}.", lambda: arr.ravel(), FindingCode.FLATTENED),
        reenact(f"`{name}` is the whole batch transposed (`.T` reverses all {arr.ndim} axes) but not flattened: "
                f"{_FLATTEN_FIRST}.", lambda: arr.T if arr.ndim > 2 else None, FindingCode.NOT_RESHAPED),
    ]
    inner = tuple(range(1, arr.ndim))
    for perm in itertools.permutations(inner) if arr.ndim <= 5 else ():
        if perm == inner:
            continue
        how = ("read with the axes of each sample reversed, which is what `.T` on the whole batch before the "
               "reshape (or `order='F'`) gives" if perm == inner[::-1] else
               "read with the axes inside each sample in another order (as moving them before flattening gives)")
        slips.append(reenact(f"Each column of `{name}` holds the numbers of its own sample, but {how}: flatten "
                             "each sample in its own reading order, then transpose the 2-D result.",
                             lambda p=perm: np.transpose(arr, (0, *p)).reshape(n, -1).T, FindingCode.PIXEL_ORDER))
    return [s for s in slips if s is not None]


def explain_unrow(name: str, got: Any, batch: Any, *, batch_name: str = "batch",
                  check_values: bool = True) -> Finding | None:
    """None when column j of ``got`` is sample j of ``batch`` flattened, for every j; else the true finding.

    With ``check_values=False`` (a public check) only type, shape, dtype and the re-enacted slips are judged.
    """
    arr = np.asarray(batch)
    want = arr.reshape(len(arr), -1).T
    finding = explain(name, got, want, candidates=unrow_slips(name, arr), check_values=check_values)
    if finding is None or finding.confirmed or finding.code not in (FindingCode.VALUES, FindingCode.SCRAMBLED):
        return finding
    return describe_columns(name, got, arr, batch_name) or finding


def describe_columns(name: str, got: np.ndarray, batch: np.ndarray, batch_name: str = "batch") -> Finding | None:
    """What the columns of a (features, N) value hold, compared with the samples of ``batch``; no cause named."""
    n = len(batch)
    rows = batch.reshape(n, -1)
    if got.shape != (rows.shape[1], n):
        return None
    columns = got.T
    right = [bool(np.array_equal(c, r)) for c, r in zip(columns, rows, strict=True)]
    if all(right):
        return None
    placed = [any(np.array_equal(c, r) for r in rows) for c in columns]
    if all(placed):
        moved = [j for j, ok in enumerate(right) if not ok]
        return Finding(FindingCode.COLUMNS_REORDERED, f"The columns of `{name}` are whole samples, but not in the "
                       f"order of the batch ({len(moved)} of {n} are elsewhere, the first at column {moved[0]}): "
                       "column j should be sample j.", f"column {moved[0]}")
    own = [bool(np.array_equal(np.sort(c), np.sort(r))) for c, r in zip(columns, rows, strict=True)]
    if all(own):
        return Finding(FindingCode.PIXEL_ORDER, f"Each column of `{name}` holds the numbers of its own sample, but "
                       "in another order: flatten each sample in its own reading order, then transpose.")
    wrong = [j for j, ok in enumerate(own) if not ok]
    text = (f"Column {wrong[0]} of `{name}` does not hold the numbers of sample {wrong[0]} ({len(wrong)} of {n} "
            f"columns hold other numbers than their sample): column j should be `{batch_name}[j]` flattened.")
    if np.array_equal(np.sort(got, axis=None), np.sort(rows, axis=None)):
        text += " All the numbers of the batch are there, spread over the columns in another way."
    return Finding(FindingCode.VALUES, text, f"column {wrong[0]}")


_FORMS = {"row": "a row", "column": "a column", "vector": "a 1-D vector"}
_PLACES = {"row": "in front", "column": "at the end"}
"""Where each form has its axis of length 1; fixes are given in words, since the exact expression is the answer."""


def explain_vector_shape(name: str, got: Any, n: int, want: str = "row", *,
                         sources: Mapping[str, Any] | None = None) -> Finding | None:
    """Judge the form of a vector of ``n`` entries: ``want`` is ``'row'`` (1, n), ``'column'`` (n, 1) or
    ``'vector'`` (n,). ``sources`` (name: array) are what the student worked from: when the value is one of
    them, or a row or column of one, the finding says so, and is then confirmed."""
    shapes = {"row": (1, n), "column": (n, 1), "vector": (n,)}
    wanted = shapes[want]
    if not isinstance(got, np.ndarray):
        return explain(name, got, np.zeros(wanted), check_dtype=False, check_values=False)
    if got.shape == wanted:
        return None
    seen = _which_source(got, n, sources or {})
    form = next((f for f, shape in shapes.items() if got.shape == shape), None)
    if form == "vector" and want != "vector":
        needs = f"{_FORMS[want].capitalize()} needs an axis of length 1 {_PLACES[want]}"
        text = (f"`{name}` has shape ({n},): a 1-D vector, neither a row nor a column{seen}. {needs}: add it with "
                "`reshape` or `np.newaxis`; `.T` cannot add it, since a 1-D array has only one axis to reverse.")
        code = FindingCode.MISSING_AXIS
    elif form is not None:
        fix = ("a row has its axis of length 1 in front and a column at the end; `.T` turns one into the other"
               if want != "vector" else "drop the axis of length 1 with `ravel` or `reshape`")
        text = (f"`{name}` is {_FORMS[form]} of shape {got.shape}{seen}, but {_FORMS[want]} of shape {wanted} was "
                f"asked: {fix}.")
        code = FindingCode.TRANSPOSED if want != "vector" else FindingCode.EXTRA_AXIS
    elif got.size == n:
        text = (f"`{name}` has shape {got.shape}{seen}: the right number of entries, but {got.ndim} axes where "
                f"{_FORMS[want]} has {len(wanted)}: reshape it.")
        code = FindingCode.EXTRA_AXIS
    else:
        return explain(name, got, np.zeros(wanted, dtype=got.dtype), check_values=False)
    return Finding(code, text, confirmed=bool(seen))


def _which_source(got: np.ndarray, n: int, sources: Mapping[str, Any]) -> str:
    """``': it is column 0 of `onehot` ...'`` when the numbers of ``got`` are those of a source, else ``''``."""
    flat = got.ravel()
    for label, source in sources.items():
        arr = np.asarray(source)
        if arr.shape == (n,) and np.array_equal(flat, arr):
            if got.ndim == 1:
                return f": it is `{label}` as it is (`.T` leaves a 1-D array unchanged)"
            return f": it holds the numbers of `{label}`"
        if arr.ndim != 2:
            continue
        for j in range(arr.shape[1]) if arr.shape[0] == n else ():
            if np.array_equal(flat, arr[:, j]):
                if got.ndim == 1:
                    return (f": it is column {j} of `{label}` picked with a single index, which drops the column "
                            "axis (a slice of length 1 keeps it)")
                return f": it holds column {j} of `{label}`"
        for i in range(arr.shape[0]) if arr.shape[1] == n else ():
            if np.array_equal(flat, arr[i]):
                return f": it holds row {i} of `{label}`"
    return ""
