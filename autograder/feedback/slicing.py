"""Recognise slicing and reshaping mistakes on batches of images and on label vectors.

The ``*_candidates`` functions build wrong answers from the student's own inputs and
return them as ``{message: wrong_value}``, ready for the ``candidates=`` argument of
:func:`autograder.feedback.expect`. The ``explain_*`` functions return a
:class:`~autograder.feedback.Finding` (or None when nothing is wrong) for mistakes that a
single candidate cannot describe. Like :mod:`autograder.feedback.recognise`, everything
here is NumPy only, and no message contains an expected value: slices are described in
words ("one entry too few along axis 0"), never by their numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograder.model import FindingCode

from .ladder import Finding, explain

__all__ = [
    "batch_candidates",
    "call_student",
    "centre_crop_candidates",
    "cut_tiles",
    "explain_modified_original",
    "explain_unrow",
    "explain_unseen",
    "explain_vector_shape",
    "quadrant_candidates",
    "slice_candidates",
]

Key = slice | tuple[slice, ...]

_SHIFTS: dict[tuple[str, int], str] = {
    ("start", 1): "begins one entry too late along {axis}: a slice includes its start index, and indices count "
    "from 0, so do not add 1 to the start",
    ("start", -1): "begins one entry too early along {axis}: a slice already includes its start index, so do not "
    "subtract 1 from it",
    ("stop", -1): "has one entry too few along {axis}: a slice stops just before its stop index, so "
    "`a[start:stop]` holds stop - start entries; do not subtract 1 from the stop",
    ("stop", 1): "has one entry too many along {axis}: a slice stops just before its stop index, so "
    "`a[start:stop]` already holds stop - start entries; do not add 1 to the stop",
    ("both", 1): "is shifted one entry too far along {axis}: indices count from 0, not from 1, so both ends of "
    "the slice move down by one",
    ("both", -1): "is shifted one entry too early along {axis}: both ends of the slice move up by one",
}

_IMAGE_AXES = ("the pictures", "the rows", "the columns", "the channels")
_ROW_HALVES = {"upper": "before the middle (`:middle`)", "lower": "from the middle on (`middle:`)"}
_COLUMN_HALVES = {"left": "before the middle (`:middle`)", "right": "from the middle on (`middle:`)"}


def cut_tiles(photos: np.ndarray, n: int, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut ``n`` random ``size`` x ``size`` tiles from a stack of photos (N, H, W, C).

    Returns the tiles and, for each, the index of the photo it came from. The draws
    (photo, then top rows, then left columns) match the setup cell of lab02.
    """
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(photos), size=n)
    tops = rng.integers(0, photos.shape[1] - size + 1, size=n)
    lefts = rng.integers(0, photos.shape[2] - size + 1, size=n)
    tiles = [photos[p, t : t + size, c : c + size] for p, t, c in zip(which, tops, lefts, strict=True)]
    return np.stack(tiles), which


def call_student(function: Any, label: str, *args: Any) -> Any:
    """Call the student's function (or its probe) and return the result.

    Raises AssertionError with a readable message, starting with ``label``, when the
    function is missing, raises, or returns None (a body still holding ``...``).
    """
    name = getattr(function, "__name__", "the function")
    if function is None or function is Ellipsis:
        raise AssertionError(f"{label}: the function is not defined yet. Run the cell that defines it.")
    if not callable(function):
        raise AssertionError(f"{label}: `{name}` should be a function defined with `def`, but it is not one.")
    try:
        result = function(*args)
    except Exception as error:  # in the check process, a StudentFunctionError: "calling `f` failed: ..."
        text = str(error)
        if type(error).__name__ != "StudentFunctionError":
            text = f"{type(error).__name__}: {text}"
        raise AssertionError(f"{label} failed: {text.split(' failed: ', 1)[-1]}") from None
    if result is None:
        raise AssertionError(f"{label} returned None: finish the body of `{name}` and `return` the result.")
    return result


# --- candidates --------------------------------------------------------------------


def _axes_label(axes: Sequence[int], axis_names: Sequence[str] | None) -> str:
    """``'axis 1 (the rows)'`` or ``'axes 1 and 2 (the rows and the columns)'``."""
    numbers = " and ".join(str(a) for a in axes)
    label = f"axis {numbers}" if len(axes) == 1 else f"axes {numbers}"
    if axis_names and all(a < len(axis_names) for a in axes):
        label += f" ({' and '.join(axis_names[a] for a in axes)})"
    return label


def _neighbours(part: slice, length: int) -> dict[tuple[str, int], slice]:
    """Slices one off at either end of ``part``, plus the stop-used-as-length slip."""
    start, stop, step = part.indices(length)
    found = {}
    for end, delta in _SHIFTS:
        new_start = start + delta if end in ("start", "both") else start
        new_stop = stop + delta if end in ("stop", "both") else stop
        if 0 <= new_start < new_stop <= length:
            found[(end, delta)] = slice(new_start, new_stop, step)
    if 0 < start < stop:
        found[("length", 0)] = slice(start, stop - start, step)
    return found


def _slip_text(kind: tuple[str, int], label: str) -> str:
    """What the student did, for one kind of neighbouring slice."""
    if kind == ("length", 0):
        return (
            f"uses a length where the stop index belongs along {label}: `a[start:stop]` ends at an index, so write "
            "`a[start:start + length]`"
        )
    return _SHIFTS[kind].format(axis=label)


def slice_candidates(
    name: str, source: np.ndarray, key: Key, axis_names: Sequence[str] | None = None
) -> dict[str, np.ndarray]:
    """Wrong answers next to ``source[key]``: slices (other than ``:``) off by one at either end.

    Each slip is tried on every sliced axis alone and on all of them at once. Also the
    stop written as a length (``a[16:32]`` for 32 entries from 16) and, when ``key``
    starts with ``:``, the same slices applied one axis too early.
    """
    parts = key if isinstance(key, tuple) else (key,)
    right = source[parts]
    sliced = [a for a, p in enumerate(parts) if isinstance(p, slice) and p.step in (None, 1) and p != slice(None)]
    options = {a: _neighbours(parts[a], source.shape[a]) for a in sliced}
    groups = [[a] for a in sliced] + ([sliced] if len(sliced) > 1 else [])
    found: dict[str, np.ndarray] = {}
    for axes in groups:
        for kind in (*_SHIFTS, ("length", 0)):
            if not all(kind in options[a] for a in axes):
                continue
            near = list(parts)
            for a in axes:
                near[a] = options[a][kind]
            wrong = source[tuple(near)]
            if wrong.shape != right.shape or not np.array_equal(wrong, right):
                found[f"`{name}` {_slip_text(kind, _axes_label(axes, axis_names))}."] = wrong
    if len(parts) > 1 and parts[0] == slice(None):
        first = axis_names[0] if axis_names else "the samples"
        found[
            f"`{name}` applies its slices one axis too early: axis 0 holds {first}, so begin with `:` to keep all "
            "of them, then slice the axes that follow."
        ] = source[parts[1:]]
    return found


def quadrant_candidates(
    name: str, images: np.ndarray, want: str = "lower-right", axes: tuple[int, int] = (1, 2)
) -> dict[str, np.ndarray]:
    """The other three quadrants of every image, each named, and ``want`` on the wrong axes.

    ``want`` is ``'upper-left'``, ``'upper-right'``, ``'lower-left'`` or ``'lower-right'``;
    the quadrants split rows (``axes[0]``) and columns (``axes[1]``) at their middle.
    """
    row_axis, col_axis = axes
    middles = (images.shape[row_axis] // 2, images.shape[col_axis] // 2)
    want_rows, want_cols = want.split("-")

    def cut(rows: str, cols: str, where: tuple[int, int]) -> np.ndarray:
        key = [slice(None)] * images.ndim
        key[where[0]] = slice(None, middles[0]) if rows == "upper" else slice(middles[0], None)
        key[where[1]] = slice(None, middles[1]) if cols == "left" else slice(middles[1], None)
        return images[tuple(key)]

    found = {}
    for rows in _ROW_HALVES:
        for cols in _COLUMN_HALVES:
            if (rows, cols) == (want_rows, want_cols):
                continue
            fixes = []
            if rows != want_rows:
                fixes.append(f"the rows (axis {row_axis}) should be the {want_rows} half, {_ROW_HALVES[want_rows]}")
            if cols != want_cols:
                fixes.append(
                    f"the columns (axis {col_axis}) should be the {want_cols} half, {_COLUMN_HALVES[want_cols]}"
                )
            message = f"`{name}` holds the {rows}-{cols} quadrant of each picture, not the {want} one: "
            found[message + "; ".join(fixes) + "."] = cut(rows, cols, axes)
    if row_axis > 0:
        found[
            f"`{name}` slices the axes before the rows and columns: axis 0 counts the pictures, so keep all of them "
            "with a leading `:` and slice rows and columns after it."
        ] = cut(want_rows, want_cols, (row_axis - 1, col_axis - 1))
    return found


def batch_candidates(name: str, source: np.ndarray, k: int, size: int) -> dict[str, np.ndarray]:
    """Wrong versions of batch ``k`` (of ``size`` samples) cut from ``source``.

    Recognises starting at ``k`` instead of ``k * size``, counting batches from 1, the
    batch after, one sample too few or too many, and the stop written as a length.
    """
    start = k * size
    right = source[start : start + size]
    found = {
        f"`{name}` starts at sample k instead of sample k * size: k whole batches come before batch k, so it "
        "starts at `k * size`.": source[k : k + size],
        f"`{name}` is the batch after the one asked for: batches count from 0, so batch k starts at "
        "`k * size`.": source[start + size : start + 2 * size],
        f"`{name}` uses the batch size where the stop index belongs: `a[start:stop]` ends at an index, so "
        "batch k is `a[k * size:(k + 1) * size]`.": source[start:size],
    }
    found[
        f"`{name}` counts the batches from 1, so it returns the batch before the one asked for (and nothing for "
        "batch 0): batches count from 0, and batch k starts at `k * size`."
    ] = source[start - size : start] if k >= 1 else source[:0]
    found.update(slice_candidates(name, source, slice(start, start + size), ("the samples",)))
    return {m: v for m, v in found.items() if v.shape != right.shape or not np.array_equal(v, right)}


def centre_crop_candidates(
    name: str, images: np.ndarray, size: int, axes: tuple[int, int] = (1, 2)
) -> dict[str, np.ndarray]:
    """Wrong ``size`` x ``size`` centre crops of every image in ``images``.

    Recognises row and column offsets swapped (visible on non-square images only), the
    offset rounded up, a crop that starts at the middle, and off-by-one slices. Crops
    that run past an edge are clipped, exactly as the student's own slice would be.
    """
    heights = (images.shape[axes[0]], images.shape[axes[1]])
    tops = [(length - size) // 2 for length in heights]

    def key_for(starts: Sequence[int]) -> tuple[slice, ...]:
        """The crop key for these starts; NumPy clips it at the edges, as the student's slice would be."""
        key = [slice(None)] * images.ndim
        for axis, start in zip(axes, starts, strict=True):
            key[axis] = slice(start, start + size)
        return tuple(key)

    slips = {
        "uses the column offset for the rows and the row offset for the columns: rows start at "
        "(height - size) // 2 and columns at (width - size) // 2": tops[::-1],
        "rounds the offset up: `(length - size) // 2` rounds down, which is the convention asked for": [
            (length - size + 1) // 2 for length in heights
        ],
        "starts at the middle of each picture, so it holds the part below and to the right of the centre: start "
        "half a crop earlier, at (length - size) // 2": [length // 2 for length in heights],
    }
    found = {f"`{name}` {text}.": images[key_for(starts)] for text, starts in slips.items()}
    right = images[key_for(tops)]
    found.update(slice_candidates(name, images, key_for(tops), _IMAGE_AXES if axes == (1, 2) else None))
    return {m: v for m, v in found.items() if v.shape != right.shape or not np.array_equal(v, right)}


# --- explanations ------------------------------------------------------------------


def explain_unseen(
    name: str, got: Any, expected: Any, *, candidates: Mapping[str, Any] | None = None
) -> Finding | None:
    """Like :func:`explain`, for inputs the student never saw: never names the expected shape.

    Hidden checks that call a student's function on secret inputs use this, since the
    shape of the answer would give the secret input away.
    """
    finding = explain(name, got, expected, candidates=candidates)
    if finding is None or finding.code in (FindingCode.CANDIDATE, FindingCode.MISSING, FindingCode.NOT_ARRAY):
        return finding
    want = np.asarray(expected)
    if isinstance(got, np.ndarray) and got.shape != want.shape:
        why = (
            "it has a different number of axes from the answer: keep every axis of the input"
            if got.ndim != want.ndim
            else "check the start and the stop of each slice"
        )
        return Finding(FindingCode.SHAPE, f"`{name}` has shape {got.shape}, which is not the right shape: {why}.")
    return finding


def explain_unrow(name: str, got: Any, batch: np.ndarray, *, check_values: bool = True) -> Finding | None:
    """Check an unrowed batch: shape (features, N) whose column j is ``batch[j]`` flattened.

    Recognises a reshape to (features, N) without moving the image axis (columns mix
    several images), a missing transpose (N, features), each image flattened in another
    pixel order (``.T`` on the whole batch), images in another order, an array that was
    not reshaped and one long vector. With ``check_values=False`` other wrong values pass.
    """
    n = len(batch)
    rows = batch.reshape(n, -1)
    want = rows.T
    if not isinstance(got, np.ndarray):
        return explain(name, got, want, check_values=False)
    if got.shape == rows.shape and got.shape != want.shape:
        how = "it is the batch with one row per image" if np.array_equal(got, rows) else "it has one row per image"
        return Finding(FindingCode.FORGOT_TRANSPOSE,
            f"`{name}` has shape {got.shape}, but it should have shape {want.shape}: {how}. You probably forgot the "
            "transpose: add `.T` after the reshape, so that each image becomes a column.",
        )
    if got.shape == batch.shape:
        return Finding(FindingCode.NOT_RESHAPED,
            f"`{name}` still has the shape of the batch: flatten each image, then transpose."
        )
    if got.ndim == 1:
        return Finding(FindingCode.FLATTENED,
            f"`{name}` is one long vector: you flattened the whole batch. Keep one column per image: "
            "`reshape` with the number of images first and `-1` after it, then transpose.",
        )
    if got.shape != want.shape or got.dtype != want.dtype:
        return explain(name, got, want, check_values=False)
    if np.array_equal(got, want):
        return None
    return _explain_unrow_columns(name, got, batch, check_values)


def _explain_unrow_columns(name: str, got: np.ndarray, batch: np.ndarray, check_values: bool) -> Finding | None:
    """Right shape and dtype, wrong columns: say how the columns were built."""
    n = len(batch)
    rows = batch.reshape(n, -1)
    if np.array_equal(got.ravel(), batch.ravel()):
        column = int(np.flatnonzero(np.any(got != rows.T, axis=0))[0])
        return Finding(FindingCode.MIXED_IMAGES,
            f"Column {column} of `{name}` holds pixels of several images: reshaping straight to (features, N) keeps "
            "the reading order, so each column takes every N-th number of the whole batch. Reshape per image "
            "first (number of images first, `-1` after it), then transpose.",
        )
    if np.array_equal(np.sort(got, axis=0), np.sort(rows, axis=1).T):
        how = (
            "`.T` on the whole batch reverses every axis, so each image was flattened channel first and column "
            "by column"
            if np.array_equal(got, np.transpose(batch).reshape(-1, n))
            else "the axes inside each image were moved before flattening"
        )
        return Finding(FindingCode.PIXEL_ORDER,
            f"Each column of `{name}` holds the pixels of its own image, but in another order: {how}. Flatten the "
            "images as they are (reshape with the number of images first), then transpose the 2-D result.",
        )
    if np.array_equal(_sorted_rows(got.T), _sorted_rows(rows)):
        return Finding(FindingCode.COLUMNS_REORDERED,
            f"The columns of `{name}` are whole images, but not in the order of the batch: column j should be image j.",
        )
    return explain(name, got, rows.T) if check_values else None


def _sorted_rows(rows: np.ndarray) -> np.ndarray:
    """Rows of a 2-D array in lexicographic order."""
    return rows[np.lexsort(rows.T[::-1])]


def explain_vector_shape(name: str, got: Any, n: int, want: str = "row") -> Finding | None:
    """Judge only the shape of a vector of ``n`` entries: ``want`` is ``'row'`` (1, n),
    ``'column'`` (n, 1) or ``'vector'`` (n,).

    Names the usual confusions between the three, including ``.T`` on a 1-D array (it
    does nothing) and picking a column with a single index (it drops the axis).
    """
    shapes = {"row": (1, n), "column": (n, 1), "vector": (n,)}
    wanted = shapes[want]
    if not isinstance(got, np.ndarray):
        return explain(name, got, np.zeros(wanted), check_dtype=False, check_values=False)
    if got.shape == wanted:
        return None
    fix = {"row": "`.reshape(1, -1)`", "column": "`.reshape(-1, 1)`", "vector": "`.ravel()`"}[want]
    if got.shape == (n,):
        return Finding(FindingCode.MISSING_AXIS,
            f"`{name}` has shape {got.shape}: a 1-D vector, neither a row nor a column. `.T` does nothing to a "
            "1-D array (it has only one axis to reverse), and picking a column with a single index (`a[:, 1]`) "
            f"drops that axis: add the missing axis with {fix}.",
        )
    for other in ("row", "column"):
        if got.shape == shapes[other] and other != want:
            swap = f"`reshape({wanted[0]}, {wanted[1]})` (or {fix})" if want != "vector" else fix
            return Finding(
                f"{other}_not_{want}",
                f"`{name}` is a {other} of shape {got.shape}, but a {want} of shape {wanted} was asked: "
                f"`reshape(1, n)` makes a row and `reshape(n, 1)` a column, so use {swap}.",
            )
    if got.size == n:
        return Finding(FindingCode.EXTRA_AXIS,
            f"`{name}` has shape {got.shape}: the right number of entries, but {got.ndim} axes where a {want} has "
            f"{len(wanted)}. Reshape it with {fix}.",
        )
    return explain(name, got, np.zeros(wanted, dtype=got.dtype), check_values=False)


def explain_modified_original(name: str, current: Any, original: np.ndarray, view_name: str) -> Finding | None:
    """Check that ``current`` still equals ``original``; if not, blame a write through a view.

    ``view_name`` is the variable that was cut from ``current`` by slicing; writing into a
    slice writes into the array it came from, unless it was copied first.
    """
    if current is None:
        return Finding(FindingCode.MISSING,
            f"`{name}` no longer exists: run the setup cell again and do not delete it.")
    if not isinstance(current, np.ndarray) or current.shape != original.shape or current.dtype != original.dtype:
        return Finding(FindingCode.REPLACED,
            f"`{name}` is no longer the array the setup cell made: do not assign a new value to it. Rerun the "
            "setup cell to get it back.",
        )
    changed = int(np.count_nonzero(current != original))
    if changed == 0:
        return None
    return Finding(FindingCode.MODIFIED_THROUGH_VIEW,
        f"`{name}` was changed ({changed} of {original.size} entries differ from the original): slicing does not "
        f"copy, so `{view_name}` is a view of `{name}` and writing into it wrote into `{name}` too. Take a "
        f"`.copy()` of the slice before changing it, then rerun the notebook from the setup cell.",
    )
