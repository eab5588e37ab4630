"""Same shape, wrong values: what is observably wrong, and a cause only when undoing it gives the answer.

Patterns are checked by re-enactment: "the right values with axes swapped" when a transpose of the student's
array is the answer, "read in another order" when reshaping a transpose of it is. Otherwise the finding
says what the values look like (the same numbers elsewhere, one factor or one offset everywhere, the
opposite sign, which rows or columns differ) and names no cause.
"""

from __future__ import annotations

import itertools

import numpy as np

from autograder.model import Finding, FindingCode

from .compare import NUMERIC_KINDS, close, mismatch, sorted_rows


def diagnose_values(name: str, arr: np.ndarray, exp: np.ndarray, rtol: float, atol: float,
                    dtype_checked: bool) -> Finding:
    """Same shape (and dtype): known patterns first, else where and how many entries differ."""
    if exp.ndim > 0 and arr.dtype.kind in NUMERIC_KINDS and exp.dtype.kind in NUMERIC_KINDS:
        a, e = arr.astype(np.float64), exp.astype(np.float64)
        for recognise in (_axes_swapped, _read_in_other_order, _same_numbers, _scaled, _shifted, _negated):
            finding = recognise(name, a, e, rtol, atol)
            if finding is not None:
                return finding
    return differing_entries(name, arr, exp, rtol, atol, dtype_checked)


def _axes_swapped(name: str, a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> Finding | None:
    """A square matrix or a batch whose transpose (of some axes) is the answer."""
    if not 2 <= a.ndim <= 4:
        return None
    identity = tuple(range(a.ndim))
    for perm in itertools.permutations(identity):
        moved = np.transpose(a, perm)
        if perm == identity or moved.shape != e.shape or not close(moved, e, rtol, atol):
            continue
        if a.ndim == 2:
            return Finding(FindingCode.TRANSPOSED, f"`{name}` is the transpose of the answer: rows and columns "
                           "are swapped. Add or remove a `.T`, or build it with the axes the other way round.",
                           "axes 0 and 1", confirmed=True)
        axes = [i for i, p in enumerate(perm) if p != i]
        which = f"axes {axes[0]} and {axes[1]} are swapped" if len(axes) == 2 else "its axes are in another order"
        return Finding(FindingCode.AXES_PERMUTED, f"`{name}` has the right values, but {which}: check the axis "
                       "order of any `transpose`, or build it with the axes in the right order.",
                       f"axes {tuple(axes)}", confirmed=True)
    return None


def _read_in_other_order(name: str, a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> Finding | None:
    """The answer with its axes moved, then reshaped to the answer's shape: a reshape where a transpose belonged."""
    if not 2 <= e.ndim <= 4:
        return None
    identity = tuple(range(e.ndim))
    for perm in itertools.permutations(identity):
        if perm == identity:
            continue
        if close(np.transpose(e, perm).reshape(a.shape), a, rtol, atol):
            return Finding(FindingCode.SCRAMBLED, f"`{name}` holds the right numbers read in another order: "
                           "it is what `reshape` gives where the axes had to be moved. `reshape` keeps the reading "
                           "order; move axes with `.T` or `np.transpose` (for a batch: `.reshape(n, -1)` so each "
                           "sample is a row, then `.T`).", confirmed=True)
    return None


def _same_numbers(name: str, a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> Finding | None:
    """The right numbers in the wrong places: whole samples, within one, or mixed (no cause named)."""
    if a.size < 2 or not close(np.sort(a, axis=None), np.sort(e, axis=None), rtol, atol):
        return None
    if a.ndim == 1 or (a.ndim == 2 and 1 in a.shape):
        return Finding(FindingCode.SCRAMBLED, f"`{name}` holds the right numbers, but in another order.")
    flat_a, flat_e = a.reshape(len(a), -1), e.reshape(len(e), -1)
    if close(sorted_rows(flat_a), sorted_rows(flat_e), rtol, atol):
        return Finding(FindingCode.SCRAMBLED, f"`{name}` holds the right samples (entries along axis 0), but in "
                       "another order: keep them in their original order.", "axis 0")
    if close(np.sort(flat_a, axis=1), np.sort(flat_e, axis=1), rtol, atol):
        return Finding(FindingCode.SCRAMBLED, f"`{name}` has the right values within each sample (entry along "
                       "axis 0), but in another order inside it.")
    return Finding(FindingCode.SCRAMBLED, f"`{name}` holds the right numbers, but in other places.")


def _scaled(name: str, a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> Finding | None:
    """Every entry off by the same factor."""
    nonzero = e != 0
    if len(np.unique(e[nonzero])) < 2 or not close(a[~nonzero], e[~nonzero], rtol, atol):
        return None
    ratio = a[nonzero] / e[nonzero]
    if any(np.isclose(ratio[0], r) for r in (0.0, 1.0, -1.0)) or not np.allclose(ratio, ratio[0], 1e-4, 0.0):
        return None
    size = "larger" if abs(ratio[0]) > 1 else "smaller"
    return Finding(FindingCode.SCALE, f"`{name}` is {size} than the answer by the same factor everywhere: check "
                   "the number you divide or multiply by.")


def _shifted(name: str, a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> Finding | None:
    """Every entry off by the same amount."""
    if len(np.unique(e)) < 2:
        return None
    shift = a - e
    if np.isclose(shift.flat[0], 0.0, atol=atol) or not np.allclose(shift, shift.flat[0], rtol, atol):
        return None
    way = "higher" if shift.flat[0] > 0 else "lower"
    return Finding(FindingCode.OFFSET, f"`{name}` is {way} than the answer by the same amount everywhere: check "
                   "where a range starts and any constant you add or leave out.")


def _negated(name: str, a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> Finding | None:
    if not np.any(e) or not close(-a, e, rtol, atol):
        return None
    return Finding(FindingCode.VALUES, f"`{name}` has the opposite sign of the answer everywhere: check the order "
                   "of a subtraction, or a minus sign.", confirmed=True)


def differing_entries(name: str, arr: np.ndarray, exp: np.ndarray, rtol: float, atol: float,
                      dtype_checked: bool) -> Finding:
    """How many entries differ, where, and whether they sit in some rows or columns only."""
    what = "shape and dtype" if dtype_checked else "shape"
    if exp.ndim == 0:
        return Finding(FindingCode.VALUES, f"`{name}` has the right {what} but a different value.")
    mask = mismatch(arr, exp, rtol, atol)
    count, total = int(mask.sum()), mask.size
    first = tuple(int(i) for i in np.argwhere(mask)[0])
    where = f"index {first[0]}" if len(first) == 1 else f"index {first}"
    share = f" ({100 * count / total:.1f}%)" if total >= 100 else ""
    verb = "differs" if count == 1 else "differ"
    message = f"`{name}` has the right {what} but {count} of {total} entries{share} {verb} (first at {where})."
    message += _concentrated(mask)
    if arr.dtype.kind in "fc":
        nans = int((np.isnan(arr) & mask).sum())
        if nans:
            message += f" {nans} of them {'is' if nans == 1 else 'are'} NaN: look for 0/0 or a log of 0."
    return Finding(FindingCode.VALUES, message, where)


def _concentrated(mask: np.ndarray) -> str:
    """Where the wrong entries cluster: some positions along one axis hold all of them."""
    if mask.ndim < 2 or mask.all():
        return ""
    for axis in range(mask.ndim):
        others = tuple(i for i in range(mask.ndim) if i != axis)
        touched = np.flatnonzero(mask.any(axis=others))
        if 0 < len(touched) <= 3 and len(touched) < mask.shape[axis]:
            listed = ", ".join(str(int(i)) for i in touched)
            plural = "s" if len(touched) > 1 else ""
            if mask.ndim == 2:
                return f" All of them are in {('row', 'column')[axis]}{plural} {listed}."
            return f" All of them are at position{plural} {listed} along axis {axis}."
    return ""
