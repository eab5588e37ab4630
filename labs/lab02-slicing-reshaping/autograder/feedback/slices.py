"""Slices of arrays and of batches of pictures: which part was taken, named only when re-enacting it agrees.

The ``*_slips`` builders re-enact slicing mistakes on the check's own inputs and return :class:`~.slips.Slip`
lists for the ``candidates=`` of :func:`~.ladder.explain`: a slice one entry off at either end, the stop
written as a length, a single index where a slice belongs, the slices applied one axis too early, taken from
the other end, the slices of rows and columns swapped, another quadrant, the k-th batch counted wrongly, a
centre crop measured another way. When no slip reproduces the student's value, :func:`where_taken` says
which block of the source it is, if it is one. :func:`explain_modified_original` tells a write through a view
apart from any other change. Messages describe slices in words and the student's own numbers, never by the
numbers of the right slice.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from .compare import Options, close
from .exceptions import unset
from .ladder import explain
from .slips import Slip, Slips, common_cause, confirmed, reenact

Key = slice | int | tuple[slice | int, ...]
"""An index expression of slices and single indices, as ``np.s_[...]`` gives it."""

IMAGE_AXES = ("the pictures", "the rows", "the columns", "the channels")
"""What the axes of a batch of pictures (N, height, width, channels) hold."""

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
_LENGTH = ("length", 0)


def parts_of(key: Key, ndim: int) -> tuple[slice | int, ...]:
    """``key`` as one entry per axis, the axes it leaves out kept whole."""
    parts = key if isinstance(key, tuple) else (key,)
    return tuple(parts) + (slice(None),) * (ndim - len(parts))


def axes_label(axes: Sequence[int], axis_names: Sequence[str] | None = None) -> str:
    """``'axis 1 (the rows)'`` or ``'axes 1 and 2 (the rows and the columns)'``."""
    numbers = " and ".join(str(a) for a in axes)
    label = f"axis {numbers}" if len(axes) == 1 else f"axes {numbers}"
    if axis_names and all(a < len(axis_names) for a in axes):
        label += f" ({' and '.join(axis_names[a] for a in axes)})"
    return label


def _sliced(parts: Sequence[slice | int], shape: Sequence[int]) -> list[int]:
    """The axes a key really slices: slices of step 1 other than a whole ``:``."""
    return [a for a, p in enumerate(parts) if isinstance(p, slice) and p.step in (None, 1)
            and p.indices(shape[a])[:2] != (0, shape[a])]


def _keep(slips: list[Slip], right: np.ndarray, empty: Sequence[Slip] = ()) -> list[Slip]:
    """The slips whose value differs from the right one and is not empty (unless listed in ``empty``): a slip
    that gives the answer proves nothing, and so does an empty value, which many different slices give."""
    return [s for s in slips if (s.value.size or any(s is e for e in empty))
            and not (s.value.shape == right.shape and np.array_equal(s.value, right))]


def _neighbours(part: slice, length: int, lengths: bool) -> dict[tuple[str, int], slice]:
    """Slices one off at either end of ``part``, and the stop written as a length."""
    start, stop, step = part.indices(length)
    found = {}
    for end, delta in _SHIFTS:
        new_start = start + delta if end in ("start", "both") else start
        new_stop = stop + delta if end in ("stop", "both") else stop
        if 0 <= new_start < new_stop <= length:
            found[(end, delta)] = slice(new_start, new_stop, step)
    if lengths and 0 < start < stop:
        found[_LENGTH] = slice(start, stop - start, step)
    return found


def neighbour_slips(name: str, source: Any, key: Key, axis_names: Sequence[str] | None = None, *,
                    lengths: bool = True, shifted: bool = True) -> list[Slip]:
    """Slices next to ``source[key]``: one entry off at either end of each sliced axis, alone and all at once.

    ``lengths`` adds the stop written as a length (``a[16:32]`` meant as 32 entries from 16); ``shifted=False``
    leaves out moving both ends at once, for answers where another slip (a rounded offset) moves both.
    """
    arr = np.asarray(source)
    parts = parts_of(key, arr.ndim)
    sliced = _sliced(parts, arr.shape)
    options = {a: _neighbours(parts[a], arr.shape[a], lengths) for a in sliced}
    groups = [[a] for a in sliced] + ([sliced] if len(sliced) > 1 else [])
    slips = []
    for axes in groups:
        for kind in (*_SHIFTS, _LENGTH):
            if not all(kind in options[a] for a in axes) or (kind[0] == "both" and not shifted):
                continue
            near = list(parts)
            for a in axes:
                near[a] = options[a][kind]
            label = axes_label(axes, axis_names)
            if kind == _LENGTH:
                text = (f"`{name}` uses a length where the stop index belongs along {label}: `a[start:stop]` ends "
                        "at an index, so write `a[start:start + length]`.")
                code = FindingCode.CANDIDATE
            else:
                text, code = f"`{name}` {_SHIFTS[kind].format(axis=label)}.", FindingCode.OFF_BY_ONE_SLICE
            slips.append(Slip(text, arr[tuple(near)], code, label))
    return _keep(slips, arr[parts])


def index_slips(name: str, source: Any, key: Key, axis_names: Sequence[str] | None = None) -> list[Slip]:
    """A single index where a slice belongs (at the slice's start or at its stop): one entry, its axis gone."""
    arr = np.asarray(source)
    parts = parts_of(key, arr.ndim)
    slips = []
    for axis in _sliced(parts, arr.shape):
        start, stop, _ = parts[axis].indices(arr.shape[axis])
        label = axes_label([axis], axis_names)
        for index in sorted({start, stop} & set(range(arr.shape[axis]))):
            near = list(parts)
            near[axis] = index
            slips.append(Slip(f"`{name}` is a single entry along {label}, not a slice of it: an index such as "
                              "`a[i]` picks one entry and drops that axis, while a slice `a[start:stop]` keeps the "
                              "axis.", arr[tuple(near)], FindingCode.SINGLE_INDEX, label))
    return _keep(slips, arr[parts])


def early_slips(name: str, source: Any, key: Key, axis_names: Sequence[str] | None = None) -> list[Slip]:
    """The slices of ``key`` applied one axis too early: the leading ``:`` that keeps every sample left out."""
    arr = np.asarray(source)
    parts = list(parts_of(key, arr.ndim))
    while len(parts) > 1 and parts[-1] == slice(None):
        parts.pop()
    if len(parts) < 2 or parts[0] != slice(None):
        return []
    first = axis_names[0] if axis_names else "the samples"
    slip = reenact(f"`{name}` applies its slices one axis too early: axis 0 holds {first}, so begin with `:` to "
                   "keep all of them, then slice the axes that follow.", lambda: arr[tuple(parts[1:])],
                   FindingCode.REGION, "axis 0")
    return _keep([slip] if slip else [], arr[tuple(parts)])


def mirror_slips(name: str, source: Any, key: Key, axis_names: Sequence[str] | None = None) -> list[Slip]:
    """The same slices taken from the other end of their axes (``a[-stop:]`` for ``a[:stop]``)."""
    arr = np.asarray(source)
    parts = parts_of(key, arr.ndim)
    sliced = _sliced(parts, arr.shape)
    slips = []
    for count in range(1, len(sliced) + 1):
        for axes in itertools.combinations(sliced, count):
            near = list(parts)
            for a in axes:
                start, stop, _ = parts[a].indices(arr.shape[a])
                near[a] = slice(arr.shape[a] - stop, arr.shape[a] - start)
            label = axes_label(axes, axis_names)
            slips.append(Slip(f"`{name}` is taken from the other end along {label}: indices count from the start "
                              "of an axis (index 0 first), and only negative indices count back from its end.",
                              arr[tuple(near)], FindingCode.REGION, label))
    return _keep(slips, arr[parts])


def swapped_key(key: Key, axes: tuple[int, int] = (1, 2)) -> tuple[slice | int, ...]:
    """``key`` with the entries of two axes exchanged: ``x[:, c0:c1, r0:r1]`` for ``x[:, r0:r1, c0:c1]``."""
    parts = list(parts_of(key, max(axes) + 1))
    parts[axes[0]], parts[axes[1]] = parts[axes[1]], parts[axes[0]]
    return tuple(parts)


def swapped_slips(name: str, source: Any, key: Key, axes: tuple[int, int] = (1, 2),
                  axis_names: Sequence[str] | None = None) -> list[Slip]:
    """The slices of two axes (the rows and the columns) exchanged: a slip of the key, not a transpose."""
    arr = np.asarray(source)
    first, second = (axes_label([a], axis_names) for a in axes)
    slip = reenact(f"`{name}` has the slices of {first} and {second} swapped: each slice applies to the axis at "
                   f"its own position in `a[...]`, so the slice for {first} comes before the one for {second}.",
                   lambda: arr[swapped_key(key, axes)], FindingCode.SWAPPED_SLICES, f"axes {axes[0]} and {axes[1]}")
    return _keep([slip] if slip else [], arr[parts_of(key, arr.ndim)])


def slice_slips(name: str, source: Any, key: Key, axis_names: Sequence[str] | None = None, *,
                mirrors: bool = True) -> list[Slip]:
    """Every slip of one slicing: neighbours, the stop as a length, a single index, one axis too early, and
    (unless ``mirrors`` is off, as for quadrants, which name those themselves) the other end of the axes."""
    return [
        *neighbour_slips(name, source, key, axis_names),
        *index_slips(name, source, key, axis_names),
        *early_slips(name, source, key, axis_names),
        *(mirror_slips(name, source, key, axis_names) if mirrors else []),
    ]


_HALVES = {1: ("upper", "lower"), 2: ("left", "right")}


def quadrant_slips(name: str, images: Any, want: str = "lower-right", axes: tuple[int, int] = (1, 2)) -> list[Slip]:
    """The three other quadrants of every picture, each named, and the wanted one sliced one axis too early;
    the halves split at ``length // 2``.

    ``want`` is ``'upper-left'``, ``'upper-right'``, ``'lower-left'`` or ``'lower-right'``, as the task says.
    """
    arr = np.asarray(images)
    middles = [arr.shape[a] // 2 for a in axes]
    wanted = want.split("-")

    def cut(halves: Sequence[str]) -> np.ndarray:
        return arr[_halves_key(arr.ndim, axes, middles, halves)]

    slips = early_slips(name, arr, _halves_key(arr.ndim, axes, middles, wanted), IMAGE_AXES if axes == (1, 2) else None)
    for halves in itertools.product(*_HALVES.values()):
        if list(halves) == wanted:
            continue
        fixes = [f"the {what} (axis {axis}) should be the {good} half, {_half_rule(good)}"
                 for axis, what, half, good in zip(axes, ("rows", "columns"), halves, wanted, strict=True)
                 if half != good]
        slips.append(Slip(f"`{name}` holds the {'-'.join(halves)} quadrant of each picture, not the {want} one: "
                          f"{'; '.join(fixes)}.", cut(halves), FindingCode.REGION))
    return _keep(slips, cut(wanted))


def _halves_key(ndim: int, axes: Sequence[int], middles: Sequence[int], halves: Sequence[str]) -> tuple[slice, ...]:
    key = [slice(None)] * ndim
    for axis, middle, half, (first, _) in zip(axes, middles, halves, _HALVES.values(), strict=True):
        key[axis] = slice(None, middle) if half == first else slice(middle, None)
    return tuple(key)


def _half_rule(half: str) -> str:
    return "before the middle" if half in ("upper", "left") else "from the middle on"


def batch_slips(name: str, source: Any, k: int, size: int, axis_name: str = "the samples") -> list[Slip]:
    """Wrong versions of batch ``k`` of ``size`` samples: started at sample ``k``, the batch after, counted
    from 1, and the neighbouring slices. Counted from 1, batch 0 is empty: that slip is kept, so build the
    slips for several calls and name a cause only when all of them show it (:func:`across_calls`)."""
    arr = np.asarray(source)
    start = k * size
    from_one = Slip(f"`{name}` counts the batches from 1, so it holds the batch before the one asked for (and "
                    "nothing for batch 0): batches count from 0, and batch k starts at `k * size`.",
                    arr[start - size:start] if k >= 1 else arr[:0])
    slips = [
        Slip(f"`{name}` starts at sample k instead of sample k * size: k whole batches come before batch k, so it "
             "starts at `k * size`.", arr[k:k + size]),
        Slip(f"`{name}` is the batch after the one asked for: batches count from 0, so batch k starts at "
             "`k * size`.", arr[start + size:start + 2 * size]),
        from_one,
        *neighbour_slips(name, arr, slice(start, start + size), (axis_name,), lengths=False),
    ]
    return _keep(slips, arr[start:start + size], empty=[from_one])


def centre_crop_slips(name: str, images: Any, size: int, axes: tuple[int, int] = (1, 2)) -> list[Slip]:
    """Wrong ``size`` x ``size`` centre crops of every picture: the offsets swapped (seen on pictures that are
    not square), rounded up, started at the middle, or ``size // 2`` on either side of it; and the slips of
    the crop's slices. Crops that run past an edge are clipped, as the student's slice would be."""
    arr = np.asarray(images)
    lengths = [arr.shape[a] for a in axes]

    def key_for(starts: Sequence[int], stops: Sequence[int] | None = None) -> tuple[slice, ...]:
        key = [slice(None)] * arr.ndim
        for i, (axis, start) in enumerate(zip(axes, starts, strict=True)):
            key[axis] = slice(max(start, 0), stops[i] if stops else start + size)
        return tuple(key)

    right = key_for([(n - size) // 2 for n in lengths])
    slips = [
        Slip(f"`{name}` uses the column offset for the rows and the row offset for the columns: rows start at "
             "(height - size) // 2 and columns at (width - size) // 2.",
             arr[key_for([(n - size) // 2 for n in lengths[::-1]])]),
        Slip(f"`{name}` rounds the offset up: `(length - size) // 2` rounds down, which is the convention asked "
             "for.", arr[key_for([(n - size + 1) // 2 for n in lengths])]),
        Slip(f"`{name}` starts at the middle of each picture, so it holds the part below and to the right of the "
             "centre: start half a crop earlier, at (length - size) // 2.", arr[key_for([n // 2 for n in lengths])]),
        Slip(f"`{name}` runs from `size // 2` before the middle to `size // 2` after it, which is not `size` "
             "entries when the size is odd, and not centred when the margin is: start at (length - size) // 2 and "
             "take `size` entries from there.",
             arr[key_for([n // 2 - size // 2 for n in lengths], [n // 2 + size // 2 for n in lengths])]),
        *neighbour_slips(name, arr, right, IMAGE_AXES if axes == (1, 2) else None, shifted=False),
        *index_slips(name, arr, right, IMAGE_AXES if axes == (1, 2) else None),
        *early_slips(name, arr, right, IMAGE_AXES if axes == (1, 2) else None),
    ]
    return _keep(slips, arr[right])


def where_taken(name: str, got: Any, source: Any, key: Key, axis_names: Sequence[str] | None = None,
                source_name: str = "the input", limit: int = 20000) -> str:
    """A sentence saying which block of ``source`` the student's value is, when it is exactly one block of it
    (and not ``source[key]``); empty otherwise. Only the student's own ranges are printed, never the right one.
    """
    arr = np.asarray(source)
    parts = parts_of(key, arr.ndim)
    if not isinstance(got, np.ndarray) or got.ndim != arr.ndim or got.size == 0 or not all(
            isinstance(p, slice) for p in parts):
        return ""
    spans = [range(n - g + 1) for n, g in zip(arr.shape, got.shape, strict=True)]
    if any(len(s) == 0 for s in spans) or int(np.prod([len(s) for s in spans])) > limit:
        return ""
    hits = []
    first, last = got.flat[0], got.flat[-1]
    for offset in itertools.product(*spans):
        end = tuple(o + g - 1 for o, g in zip(offset, got.shape, strict=True))
        if arr[offset] != first or arr[end] != last:
            continue
        block = tuple(slice(o, o + g) for o, g in zip(offset, got.shape, strict=True))
        if close(arr[block], got, 0.0, 0.0):
            hits.append(offset)
            if len(hits) > 1:
                return ""
    if not hits:
        return ""
    wrong, right = [], []
    for axis, (offset, length, part) in enumerate(zip(hits[0], got.shape, parts, strict=True)):
        label = axis_names[axis] if axis_names and axis < len(axis_names) else f"axis {axis}"
        span = f"{offset} to {offset + length - 1}" if length > 1 else f"{offset} only"
        if (offset, offset + length) == part.indices(arr.shape[axis])[:2]:
            right.append(label)
        elif label.startswith("the "):
            wrong.append(f"{label[4:]} {span}")
        else:
            wrong.append(f"entries {span} along {label}")
    if not wrong:
        return ""
    text = f"`{name}` is one block of {source_name}: it takes {_listed(wrong)}"
    if right:
        text += f"; along {_listed(right)} it takes the part asked for"
    return text + "."


def across_calls(name: str, findings: Sequence[Finding | None], plain: Sequence[Finding | None]) -> Finding | None:
    """One finding for several calls of a student's function: the cause every wrong call shows, else the first
    wrong call's finding without slips (``plain``), since a slip that only some calls show proves nothing."""
    if all(f is None for f in findings):
        return None
    cause = common_cause(findings)
    described = [p for f, p in zip(findings, plain, strict=True) if f is not None and p is not None]
    return cause or (described[0] if described else
                     Finding(FindingCode.VALUES, f"`{name}` does not give the right result on every call."))


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def explain_slice(name: str, got: Any, source: Any, key: Key, *, candidates: Slips = None,
                  axis_names: Sequence[str] | None = None, source_name: str = "the input",
                  check_dtype: bool = False) -> Finding | None:
    """:func:`explain` for ``source[key]``; when no slip reproduces ``got``, which block of the source it is."""
    arr = np.asarray(source)
    expected = arr[parts_of(key, arr.ndim)]
    finding = explain(name, got, expected, candidates=candidates, check_dtype=check_dtype)
    if finding is None or finding.confirmed or finding.code in (FindingCode.MISSING, FindingCode.RAISED):
        return finding
    located = where_taken(name, got, arr, key, axis_names, source_name)
    return Finding(finding.code, f"{finding.message} {located}", finding.where) if located else finding


def explain_unseen(name: str, got: Any, expected: Any, *, candidates: Slips = None) -> Finding | None:
    """:func:`explain` for inputs the student never saw: a wrong shape is reported without the expected one,
    since the shape of the answer would give the unseen input away. Slips still name their cause."""
    slip = confirmed(got, expected, candidates, Options())
    if slip is not None:
        return slip
    finding = explain(name, got, expected)
    if finding is None or finding.code in (FindingCode.MISSING, FindingCode.RAISED, FindingCode.NOT_ARRAY):
        return finding
    want = np.asarray(expected)
    if isinstance(got, np.ndarray) and got.shape != want.shape:
        why = ("it has a different number of axes from the answer: keep every axis of the input"
               if got.ndim != want.ndim else "check the start and the stop of each slice")
        return Finding(FindingCode.SHAPE, f"`{name}` has shape {got.shape}, which is not the right shape: {why}.")
    return finding


def explain_modified_original(name: str, current: Any, original: np.ndarray, view_name: str, *,
                              view: Any = None) -> Finding | None:
    """None when ``current`` still equals ``original``; otherwise what changed.

    A write through a view is named only when it is re-enacted: the student's ``view`` is one block of
    ``current`` (a slice, after single indices on the leading axes) holding every change, so writing it into
    ``original`` gives ``current``. Any other change is described (how many entries, where), without a cause.
    """
    missing = unset(name, current, "run the setup cell again and do not delete it")
    if missing is not None:
        return missing
    if not isinstance(current, np.ndarray) or current.shape != original.shape or current.dtype != original.dtype:
        return Finding(FindingCode.REPLACED, f"`{name}` is no longer the array the setup cell made: do not assign a "
                       "new value to it. Rerun the setup cell to get it back.")
    changed = current != original
    count = int(np.count_nonzero(changed))
    if count == 0:
        return None
    how_many = f"{count} of {original.size} entries differ from the original"
    box = _box(changed)
    if _written_through(current, box, view):
        return Finding(FindingCode.MODIFIED_THROUGH_VIEW,
                       f"`{name}` was changed ({how_many}) inside the block `{view_name}` was cut from, which now "
                       f"holds exactly the values of `{view_name}`: that is what writing into `{view_name}` does when "
                       f"`{view_name}` is a view of `{name}`, since slicing does not copy. Take a `.copy()` of the "
                       "slice before changing it, then rerun the notebook from the setup cell.", confirmed=True)
    spans = ", ".join(f"{'index ' + str(lo) if lo == hi else f'indices {lo} to {hi}'} along axis {axis}"
                      for axis, (lo, hi) in enumerate(box))
    return Finding(FindingCode.VALUES, f"`{name}` is not as the setup cell made it: {how_many}, all of them "
                   f"within {spans}. Rerun the notebook from the setup cell and look for the line that changes "
                   f"`{name}`.")


def _box(changed: np.ndarray) -> list[tuple[int, int]]:
    """The lowest and highest index of a changed entry along each axis."""
    box = []
    for axis in range(changed.ndim):
        others = tuple(i for i in range(changed.ndim) if i != axis)
        touched = np.flatnonzero(changed.any(axis=others))
        box.append((int(touched[0]), int(touched[-1])))
    return box


def _written_through(current: np.ndarray, box: Sequence[tuple[int, int]], view: Any, limit: int = 10000) -> bool:
    """Whether ``view`` equals a block of ``current`` that holds every changed entry (``box``)."""
    if not isinstance(view, np.ndarray) or not 0 < view.ndim <= current.ndim or view.size == 0:
        return False
    lead = current.ndim - view.ndim
    if any(lo != hi for lo, hi in box[:lead]):
        return False
    starts = [range(max(0, hi - g + 1), min(lo, n - g) + 1)
              for (lo, hi), g, n in zip(box[lead:], view.shape, current.shape[lead:], strict=True)]
    if int(np.prod([len(r) for r in starts])) > limit:
        return False
    index = tuple(lo for lo, _ in box[:lead])
    for offset in itertools.product(*starts):
        block = index + tuple(slice(o, o + g) for o, g in zip(offset, view.shape, strict=True))
        if np.array_equal(current[block], view):
            return True
    return False
