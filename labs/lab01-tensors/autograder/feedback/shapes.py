"""Shapes and axes: how the student's shape differs from the expected one, confirmed on values when allowed.

With the expected values at hand (``check_values``), a cause is named only when undoing it gives the
expected array: "the transpose" when ``got.T`` is the answer, "one extra row at the end" when dropping it is.
Without them (public checks), or when undoing does not give the answer, only the shapes are described.
"""

from __future__ import annotations

import itertools

import numpy as np

from autograder.model import Finding, FindingCode

from .compare import Options, close


def diagnose_shape(name: str, got: np.ndarray, exp: np.ndarray, opts: Options) -> Finding:
    """The most specific true statement about a wrong shape."""
    have, want = got.shape, exp.shape
    values = opts.check_values and got.dtype.kind in "biufc" and exp.dtype.kind in "biufc"

    def undoes(fixed: np.ndarray) -> bool:
        return values and close(fixed, exp, opts.rtol, opts.atol)

    if len(have) == len(want) and sorted(have) == sorted(want):
        return _permuted(name, got, exp, undoes)
    if len(have) == len(want) + 1 and (axis := _unit_axis(have, want)) is not None:
        return _extra_axis(name, have, want, axis, undoes(got.reshape(want)))
    if len(have) + 1 == len(want) and (axis := _unit_axis(want, have)) is not None:
        return _missing_axis(name, have, want, axis, undoes(got.reshape(want)))
    if len(have) == len(want):
        diffs = [i for i, (g, w) in enumerate(zip(have, want, strict=True)) if g != w]
        if len(diffs) == 1 and abs(have[diffs[0]] - want[diffs[0]]) == 1:
            return _one_off(name, got, exp, diffs[0], undoes)
    if len(have) == 1 and int(np.prod(want)) == have[0] and values and undoes(got.reshape(want)):
        return Finding(FindingCode.FLATTENED, f"`{name}` holds the right numbers flattened to shape {have}: "
                       f"keep the shape {want}.", confirmed=True)
    extra = ""
    if int(np.prod(have)) == int(np.prod(want)):
        extra = f": it has the right number of entries ({int(np.prod(want))}), laid out in another shape"
    return Finding(FindingCode.SHAPE, f"`{name}` has shape {have}, but it should have shape {want}{extra}.")


def _unit_axis(longer: tuple, shorter: tuple) -> int | None:
    """Index of a length-1 axis whose removal turns ``longer`` into ``shorter``."""
    for axis, length in enumerate(longer):
        if length == 1 and longer[:axis] + longer[axis + 1:] == shorter:
            return axis
    return None


def _extra_axis(name: str, have: tuple, want: tuple, axis: int, same_numbers: bool) -> Finding:
    if want == ():
        text = (f"`{name}` has shape {have}, but it should be a rank-0 tensor with shape (): pass the bare number "
                "to `np.array`, not a list holding it.")
    else:
        text = (f"`{name}` has shape {have}, but it should have shape {want}: axis {axis} is an extra axis of "
                f"length 1. Remove it with `np.squeeze(..., axis={axis})` or a `reshape`.")
    if not same_numbers:
        text += " Its numbers are not the expected ones either."
    return Finding(FindingCode.EXTRA_AXIS, text, f"axis {axis}", confirmed=same_numbers)


def _missing_axis(name: str, have: tuple, want: tuple, axis: int, same_numbers: bool) -> Finding:
    tip = " (`.T` does nothing to a 1-D array)" if len(have) == 1 else ""
    text = (f"`{name}` has shape {have}, but it should have shape {want}: it lacks the axis of length 1 at "
            f"position {axis}. Add it with `np.expand_dims(..., axis={axis})` or a `reshape`{tip}.")
    if not same_numbers:
        text += " Its numbers are not the expected ones either."
    return Finding(FindingCode.MISSING_AXIS, text, f"axis {axis}", confirmed=same_numbers)


def _permuted(name: str, got: np.ndarray, exp: np.ndarray, undoes) -> Finding:
    """Right axis lengths in the wrong order: a transpose only when transposing gives the answer."""
    have, want = got.shape, exp.shape
    if len(have) == 2 and 1 in have:
        row = want[0] == 1
        return Finding(FindingCode.TRANSPOSED,
                       f"`{name}` is a {'column' if row else 'row'} of shape {have}, but it should be a "
                       f"{'row' if row else 'column'} of shape {want}: reshape it with "
                       f"`.reshape({'1, -1' if row else '-1, 1'})`.", "axes 0 and 1")
    if len(have) == 2 and undoes(got.T):
        return Finding(FindingCode.TRANSPOSED, f"`{name}` is the transpose of the answer: its rows should be its "
                       "columns. Add or remove a `.T`, or build it with the axes the other way round.",
                       "axes 0 and 1", confirmed=True)
    for perm in _permutations(len(have)):
        moved = np.transpose(got, perm)
        if moved.shape == want and undoes(moved):
            return Finding(FindingCode.AXES_PERMUTED, f"`{name}` holds the right values with its axes in the "
                           f"wrong order: `np.transpose({name}, {perm})` is the answer. Put the axes in the order "
                           "the task asks for.", f"axes {perm}", confirmed=True)
    tip = _layout_tip(have, want)
    return Finding(FindingCode.AXES_PERMUTED, f"`{name}` has shape {have}: the right axis lengths, but in another "
                   f"order than the shape {want} it should have.{tip}")


def _permutations(ndim: int) -> list[tuple[int, ...]]:
    identity = tuple(range(ndim))
    return [p for p in itertools.permutations(identity) if p != identity] if 2 <= ndim <= 4 else []


def _layout_tip(have: tuple, want: tuple) -> str:
    """Channels-first versus channels-last image batches, read from the shapes alone."""
    if len(have) != 4:
        return ""
    batch, second, third, last = have
    if second in (1, 3, 4) and (batch, third, last, second) == want:
        return " The channels come second (batch, channels, height, width) where they should come last."
    if last in (1, 3, 4) and (batch, last, second, third) == want:
        return " The channels come last (batch, height, width, channels) where they should come second."
    return ""


def _one_off(name: str, got: np.ndarray, exp: np.ndarray, axis: int, undoes) -> Finding:
    """One axis one entry too long or too short; which end only when the values show it."""
    have, want = got.shape, exp.shape
    longer = have[axis] > want[axis]
    unit = "row" if axis == 0 else "column" if axis == 1 else f"entry along axis {axis}"
    for end, part in (("end", slice(None, -1)), ("start", slice(1, None))):
        if longer and undoes(_take(got, axis, part)):
            message = f"`{name}` has one {unit} too many, at the {end}: {_slice_rule(end)}"
        elif not longer and undoes(_pad_like(got, exp, axis, part)):
            message = f"`{name}` lacks the {'last' if end == 'end' else 'first'} {unit} of the answer: " \
                      f"{_slice_rule(end)}"
        else:
            continue
        return Finding(FindingCode.OFF_BY_ONE_SLICE, message, f"axis {axis}", confirmed=True)
    return Finding(FindingCode.LENGTH, f"`{name}` has shape {have}, but it should have shape {want}: axis {axis} "
                   f"has {have[axis]} entries, one {'more' if longer else 'fewer'} than it should.", f"axis {axis}")


def _pad_like(got: np.ndarray, exp: np.ndarray, axis: int, part: slice) -> np.ndarray:
    """``got`` completed with the entry of ``exp`` it lacks, so that comparing it with ``exp`` tests the rest."""
    missing = _take(exp, axis, slice(-1, None) if part.stop == -1 else slice(0, 1))
    pieces = (got, missing) if part.stop == -1 else (missing, got)
    return np.concatenate(pieces, axis=axis)


def _take(arr: np.ndarray, axis: int, part: slice) -> np.ndarray:
    index = [slice(None)] * arr.ndim
    index[axis] = part
    return arr[tuple(index)]


def _slice_rule(end: str) -> str:
    if end == "end":
        return "a slice `a[start:stop]` stops before `stop`, so `stop` is one past the last index you want."
    return "a slice `a[start:stop]` includes `start`: indices count from 0."
