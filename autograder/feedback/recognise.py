"""Recognise the most likely mistake behind a wrong answer and say how to fix it.

A bare "wrong" teaches nothing, so :func:`explain` walks a fixed ladder (existence,
known wrong answers, type, shape, dtype, values) and returns the most specific
:class:`Finding` it can. Everything here is a pure function over NumPy only: the
module is imported both inside the student's kernel (public checks) and in the
separate checking process (hidden checks).

Messages never contain the expected value. The shape and dtype of an expected
*array* may be named, since the task text states them; its contents never are.
When the expected value is itself the answer (an int, a string, a tuple such as a
shape, a dtype), nothing about it is printed, only facts about the student's value.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

__all__ = ["Finding", "expect", "explain"]

_PY_SCALARS = (bool, int, float, complex)
_NUMERIC_KINDS = "biuf"
_HINTABLE = ("values", "shape", "length")


@dataclass(frozen=True)
class _Options:
    """How strictly to compare; one bundle so every step sees the same settings."""

    check_dtype: bool
    check_values: bool
    rtol: float
    atol: float


def explain(
    name: str,
    got: Any,
    expected: Any,
    *,
    candidates: Mapping[str, Any] | None = None,
    check_dtype: bool = True,
    check_values: bool = True,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    hint: str | None = None,
) -> Finding | None:
    """Return None when ``got`` matches ``expected``, else the most specific Finding.

    ``candidates`` maps a message to a known wrong value; an exact match with one of
    them beats every generic diagnosis (shape, dtype, values), since candidates often
    differ from the answer only in dtype or are known to have another shape.
    ``check_values=False`` compares only type, shape and dtype (candidates still
    count), for public checks that must not confirm the answer itself.
    ``hint``, if given, is appended to generic shape and value messages.
    """
    if got is None or got is Ellipsis:
        return Finding(FindingCode.MISSING,
            f"`{name}` is not set yet: replace the `...` with your answer and run the cell.",
        )
    opts = _Options(check_dtype, check_values, rtol, atol)
    if check_values and _same(got, expected, opts):
        return None
    for message, wrong in (candidates or {}).items():
        if _same(got, wrong, _Options(check_dtype, True, rtol, atol)):
            return Finding(FindingCode.CANDIDATE, message)
    if not check_values and _same(got, expected, opts):
        return None
    try:
        finding = _diagnose(name, got, expected, opts)
    except Exception:  # a value too odd to analyse still gets an honest answer
        finding = Finding(FindingCode.VALUES, f"`{name}` is not the right value.")
    if hint and finding.code in _HINTABLE:
        finding = Finding(finding.code, f"{finding.message} {hint}")
    return finding


def expect(name: str, got: Any, expected: Any, **kwargs: Any) -> None:
    """Raise AssertionError with the finding's message when ``got`` is wrong.

    This is what checks call: the message is all the student sees, so it must say
    what went wrong without giving the expected value away.
    """
    __tracebackhide__ = True  # keep pytest tracebacks on the check's own line
    finding = explain(name, got, expected, **kwargs)
    if finding is not None:
        raise AssertionError(finding.message)


# --- classification and equality -------------------------------------------------


def _kind(expected: Any) -> str:
    """Say which family of comparison ``expected`` calls for."""
    if isinstance(expected, np.dtype) or _is_scalar_type(expected):
        return "dtype"
    if isinstance(expected, (np.ndarray, np.generic)):
        return "array"
    if isinstance(expected, (tuple, list)):
        return "sequence"
    if isinstance(expected, str):
        return "text"
    if isinstance(expected, bool):
        return "bool"
    if isinstance(expected, _PY_SCALARS):
        return "number"
    return "other"


def _is_scalar_type(value: Any) -> bool:
    """True for type objects that name a dtype, such as ``np.float32`` or ``float``."""
    return isinstance(value, type) and (issubclass(value, np.generic) or value in _PY_SCALARS)


def _same(got: Any, expected: Any, opts: _Options) -> bool:
    """Decide whether ``got`` counts as equal to ``expected``; never raises.

    With ``opts.check_values`` off, only the type, shape and dtype must agree.
    """
    try:
        kind = _kind(expected)
        if kind == "dtype":
            dtype = _to_dtype(got)  # None == np.dtype("float64") is True in NumPy
            return dtype is not None and (not opts.check_values or dtype == np.dtype(expected))
        if kind == "array":
            return _same_array(got, np.asarray(expected), opts)
        if kind == "sequence":
            items = _as_sequence(got)
            return (
                items is not None
                and len(items) == len(expected)
                and all(_same(g, e, opts) for g, e in zip(items, expected, strict=True))
            )
        if kind == "text":
            return isinstance(got, str) and (not opts.check_values or got == expected)
        if kind == "bool":
            return isinstance(got, (bool, np.bool_)) and (not opts.check_values or bool(got) == expected)
        if kind == "number":
            return _same_number(got, expected, opts)
        return not opts.check_values or bool(got == expected)
    except Exception:  # an odd student object must not crash a check
        return False


def _same_number(got: Any, expected: Any, opts: _Options) -> bool:
    """A number equal to ``expected``, or just a number (whole if it must be)."""
    number = _as_number(got)
    if number is None:
        return False
    if not opts.check_values:
        return not isinstance(expected, int) or float(np.real(number)).is_integer()
    return bool(np.isclose(number, expected, opts.rtol, opts.atol))


def _same_array(got: Any, exp: np.ndarray, opts: _Options) -> bool:
    """Array equality: same shape, same dtype when asked, values within tolerance."""
    arr = _as_array(got, exp)
    if arr is None or arr.shape != exp.shape:
        return False
    if opts.check_dtype and not isinstance(got, _PY_SCALARS) and arr.dtype != exp.dtype:
        return False
    return not opts.check_values or _close(arr, exp, opts.rtol, opts.atol)


def _as_array(got: Any, exp: np.ndarray) -> np.ndarray | None:
    """The student's value as an array, or None when its type is not acceptable.

    NumPy arrays and scalars always qualify; a plain Python number only stands in for
    a 0-d expected array.
    """
    if isinstance(got, (np.ndarray, np.generic)):
        return np.asarray(got)
    if isinstance(got, _PY_SCALARS) and exp.ndim == 0:
        return np.asarray(got)
    return None


def _as_sequence(got: Any) -> tuple | None:
    """A tuple, list or 1-D array as a tuple; anything else gives None."""
    if isinstance(got, (tuple, list)):
        return tuple(got)
    if isinstance(got, np.ndarray) and got.ndim == 1:
        return tuple(got.tolist())
    return None


def _as_number(got: Any) -> Any:
    """A single real or complex number, or None (bools and strings are not numbers)."""
    if isinstance(got, (bool, np.bool_)):
        return None
    if isinstance(got, (*_PY_SCALARS, np.number)):
        return got
    if isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype.kind in "iufc":
        return got.item()
    return None


def _to_dtype(got: Any) -> np.dtype | None:
    """Read ``'float64'``, ``np.float64`` or ``np.dtype('float64')`` as a dtype."""
    if not isinstance(got, (str, type, np.dtype)):
        return None
    try:
        return np.dtype(got)
    except (TypeError, ValueError):
        return None


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """Elementwise equality within tolerance for numbers, exact otherwise."""
    return not _mismatch(a, b, rtol, atol).any()


def _mismatch(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """Boolean mask of the entries of ``a`` that differ from ``b`` (same shape)."""
    if a.dtype.kind in _NUMERIC_KINDS + "c" and b.dtype.kind in _NUMERIC_KINDS + "c":
        common = np.result_type(a.dtype, b.dtype, np.float64)
        return ~np.isclose(a.astype(common), b.astype(common), rtol, atol, equal_nan=True)
    return np.asarray(a != b, dtype=bool)


# --- diagnosis by kind ----------------------------------------------------------


def _diagnose(name: str, got: Any, expected: Any, opts: _Options) -> Finding:
    """Dispatch a known-wrong answer to the diagnosis for its kind of expected value."""
    kind = _kind(expected)
    if kind == "array":
        return _diagnose_array(name, got, np.asarray(expected), opts)
    if kind == "sequence":
        return _diagnose_sequence(name, got, expected, opts)
    if kind == "dtype":
        return _diagnose_dtype_answer(name, got)
    if kind == "text":
        return _diagnose_text(name, got, expected)
    if kind == "bool" and not isinstance(got, (bool, np.bool_)):
        return Finding(FindingCode.TYPE, f"`{name}` should be True or False, but it is {_show(got)}.")
    if kind == "bool":
        return Finding(FindingCode.VALUES, f"`{name}` is {_show(got)}, which is not the right answer.")
    if kind == "number":
        return _diagnose_number(name, got, expected)
    return Finding(FindingCode.VALUES, f"`{name}` is not the right value.")


def _a(thing: Any) -> str:
    """``'a list'``, ``'an int'``: the type of a value, for a sentence."""
    type_name = type(thing).__name__
    return f"{'an' if type_name[:1].lower() in 'aeiou' else 'a'} {type_name}"


def _show(value: Any, limit: int = 60) -> str:
    """A short printable form of the student's own value."""
    if isinstance(value, (np.generic, np.ndarray)) and np.ndim(value) == 0:
        value = np.asarray(value).item()
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _diagnose_number(name: str, got: Any, expected: Any) -> Finding:
    """A single number was asked for; the expected number is never printed."""
    number = _as_number(got)
    if number is None:
        extra = ""
        if isinstance(got, str):
            extra = ": write the number without quotes"
        elif isinstance(got, (tuple, list, np.ndarray)):
            extra = ": give one number, not a collection of them"
        return Finding(FindingCode.TYPE, f"`{name}` should be a single number, but it is {_a(got)}{extra}.")
    if isinstance(expected, (int, np.integer)) and not float(np.real(number)).is_integer():
        return Finding(FindingCode.TYPE,
            f"`{name}` is {_show(got)}, which is not a whole number: the answer is "
            "a whole number, so check whether to round up, round down or use `//`.",
        )
    return Finding(FindingCode.VALUES, f"`{name}` is {_show(got)}, which is not the right value.")


def _diagnose_text(name: str, got: Any, expected: str) -> Finding:
    """A string was asked for; the expected string is never printed."""
    if not isinstance(got, str):
        if _to_dtype(got) is not None:
            return Finding(FindingCode.TYPE,
                f"`{name}` is a dtype object, but it should be a string: use the "
                "dtype's `.name`, as in `t.dtype.name`.",
            )
        return Finding(FindingCode.TYPE, f"`{name}` should be a string, but it is {_a(got)}.")
    if got.strip().lower() == expected.strip().lower():
        return Finding(FindingCode.VALUES,
            f"`{name}` differs from the answer only in upper/lower case or surrounding "
            "spaces: copy the spelling exactly.",
        )
    return Finding(FindingCode.VALUES, f"`{name}` is {_show(got)}, which is not the right text.")


def _diagnose_dtype_answer(name: str, got: Any) -> Finding:
    """A dtype was asked for (as a dtype, a type or its name)."""
    if isinstance(got, np.ndarray):
        return Finding(FindingCode.TYPE,
            f"`{name}` is a whole array, but it should be a dtype: take the array's `.dtype`.",
        )
    dtype = _to_dtype(got)
    if dtype is None:
        return Finding(FindingCode.TYPE,
            f"`{name}` should be a dtype, such as the `.dtype` of an array, but it is {_a(got)}.",
        )
    return Finding(FindingCode.VALUES,
        f"`{name}` is {dtype.name}, which is not the right dtype: read it from the "
        "array's `.dtype` attribute instead of typing it in.",
    )


def _diagnose_sequence(name: str, got: Any, expected: tuple | list, opts: _Options) -> Finding:
    """A tuple (often a shape) was asked for; never print the expected tuple."""
    items = _as_sequence(got)
    shape_like = all(isinstance(e, (int, np.integer)) for e in expected)
    if items is None:
        what = "a tuple of axis lengths, like `.shape` gives" if shape_like else "a tuple"
        return Finding(FindingCode.TYPE, f"`{name}` should be {what}, but it is {_a(got)}.")
    if len(items) != len(expected):
        extra = ": a shape has one entry per axis" if shape_like else ""
        return Finding(FindingCode.LENGTH,
            f"`{name}` has {len(items)} entries, which is not the right number{extra}.",
        )
    shape_like = shape_like and all(isinstance(g, (int, np.integer)) for g in items)
    if opts.check_values and shape_like and sorted(items) == sorted(int(e) for e in expected):
        return Finding(FindingCode.AXES_PERMUTED,
            f"`{name}` holds the right lengths in the wrong order: list them in axis order, as `.shape` does.",
        )
    for index, (g, e) in enumerate(zip(items, expected, strict=True)):
        if not _same(g, e, opts):
            return _diagnose(f"{name}[{index}]", g, e, opts)
    return Finding(FindingCode.VALUES, f"`{name}` is not the right value.")


# --- arrays -----------------------------------------------------------------------


def _diagnose_array(name: str, got: Any, exp: np.ndarray, opts: _Options) -> Finding:
    """Type, then shape, then dtype, then values of an array answer."""
    arr = _as_array(got, exp)
    if arr is None:
        return _not_array(name, got, exp)
    if arr.shape != exp.shape:
        return _diagnose_shape(name, arr.shape, exp.shape)
    dtype_checked = opts.check_dtype and not isinstance(got, _PY_SCALARS)
    if dtype_checked and arr.dtype != exp.dtype:
        return _diagnose_dtype(name, arr.dtype, exp.dtype)
    return _diagnose_values(name, arr, exp, opts.rtol, opts.atol, dtype_checked)


def _not_array(name: str, got: Any, exp: np.ndarray) -> Finding:
    """Explain why a list, a string or a plain number is not an array answer."""
    if isinstance(got, (list, tuple)):
        fix = "wrap it with `np.array(...)`"
    elif isinstance(got, _PY_SCALARS):
        fix = f"build one of shape {exp.shape} with a NumPy function such as `np.array`"
    elif isinstance(got, str):
        fix = "write the code that computes the array, not text"
    else:
        fix = "convert it with `np.asarray(...)`"
    return Finding(FindingCode.NOT_ARRAY, f"`{name}` is {_a(got)}, but it should be a NumPy array: {fix}.")


def _diagnose_shape(name: str, got: tuple, want: tuple) -> Finding:
    """Name the way the student's shape differs from the expected one."""
    if len(got) == len(want) and sorted(got) == sorted(want):
        return _swapped_axes(name, got, want)
    if len(got) == len(want) + 1 and _drop_unit_axis(got, want) is not None:
        return _extra_axis(name, got, want, _drop_unit_axis(got, want))
    if len(got) + 1 == len(want) and _drop_unit_axis(want, got) is not None:
        axis = _drop_unit_axis(want, got)
        tip = " (note that `.T` does nothing to a 1-D array)" if len(got) == 1 else ""
        return Finding(FindingCode.MISSING_AXIS,
            f"`{name}` has shape {got}, but it should have shape {want}: it lacks "
            f"the axis of length 1 at position {axis}. Add it with "
            f"`np.expand_dims(..., axis={axis})` or a `reshape`{tip}.",
        )
    if len(got) == len(want):
        diffs = [i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
        if len(diffs) == 1 and abs(got[diffs[0]] - want[diffs[0]]) == 1:
            return Finding(FindingCode.OFF_BY_ONE_SLICE,
                f"`{name}` has shape {got}, but it should have shape {want}: axis "
                f"{diffs[0]} is off by one. A slice `a[start:stop]` includes `start` "
                "and stops before `stop`.",
            )
    extra = ""
    if int(np.prod(got)) == int(np.prod(want)):
        extra = ": it has the right number of entries, so check the sizes you gave to `reshape`"
    return Finding(FindingCode.SHAPE, f"`{name}` has shape {got}, but it should have shape {want}{extra}.")


def _drop_unit_axis(longer: tuple, shorter: tuple) -> int | None:
    """Index of a length-1 axis whose removal turns ``longer`` into ``shorter``."""
    for axis, length in enumerate(longer):
        if length == 1 and longer[:axis] + longer[axis + 1 :] == shorter:
            return axis
    return None


def _extra_axis(name: str, got: tuple, want: tuple, axis: int) -> Finding:
    """One length-1 axis too many, e.g. ``np.array([5])`` for a scalar."""
    if want == ():
        return Finding(FindingCode.EXTRA_AXIS,
            f"`{name}` has shape {got}, but it should be a rank-0 tensor with "
            "shape (): you probably wrapped the value in a list. Pass the bare number "
            "to `np.array`.",
        )
    return Finding(FindingCode.EXTRA_AXIS,
        f"`{name}` has shape {got}, but it should have shape {want}: axis {axis} is "
        f"an extra axis of length 1. Remove it with `np.squeeze(..., axis={axis})` "
        "or a `reshape`.",
    )


def _swapped_axes(name: str, got: tuple, want: tuple) -> Finding:
    """Right axis lengths in the wrong order: a transpose or a moved axis."""
    if len(got) == 2 and 1 in got:
        row = want[0] == 1
        return Finding(FindingCode.TRANSPOSED,
            f"`{name}` is a {'column' if row else 'row'} of shape {got}, but it "
            f"should be a {'row' if row else 'column'} of shape {want}: reshape it with "
            f"`.reshape({'1, -1' if row else '-1, 1'})`.",
        )
    if len(got) == 2:
        return Finding(FindingCode.TRANSPOSED,
            f"`{name}` has shape {got}, the transpose of the shape it should have, "
            f"{want}: check the order of the sizes you passed, or whether a `.T` is "
            "missing or extra.",
        )
    return Finding(FindingCode.AXES_PERMUTED,
        f"`{name}` has shape {got}: the right axis lengths in the wrong order, since "
        f"it should have shape {want}.{_layout_tip(got, want)} Create it with the axes "
        "in that order, or move them with `np.transpose` or `np.moveaxis`.",
    )


def _layout_tip(got: tuple, want: tuple) -> str:
    """Recognise channels-first versus channels-last image batches."""
    if len(got) != 4:
        return ""
    batch, second, third, last = got
    if second in (1, 3, 4) and (batch, third, last, second) == want:
        return (
            " This looks like channels-first (batch, channels, height, width) where "
            "channels-last (batch, height, width, channels) is asked."
        )
    if last in (1, 3, 4) and (batch, last, second, third) == want:
        return (
            " This looks like channels-last (batch, height, width, channels) where "
            "channels-first (batch, channels, height, width) is asked."
        )
    return ""


def _diagnose_dtype(name: str, got: np.dtype, want: np.dtype) -> Finding:
    """Same shape, wrong dtype: say where that dtype usually comes from."""
    if want == np.float32 and got == np.float64:
        text = (
            "NumPy computes in float64 by default, so you probably divided without "
            "`.astype('float32')`. Cast with `.astype('float32')`."
        )
    elif want.kind in "iuf" and got.kind == "b":
        text = (
            "it holds True/False values, as a comparison such as `==` or `>` gives. "
            f"Compute the numbers themselves, or cast with `.astype('{want.name}')`."
        )
    elif want.kind == "f" and got.kind in "iu":
        text = f"it holds integers, not floats. Cast with `.astype('{want.name}')`, and divide with `/`, not `//`."
    elif want.kind in "iu" and got.kind == "f":
        text = f"it holds floats, not integers. Round first if needed, then cast with `.astype('{want.name}')`."
    else:
        text = f"convert it with `.astype('{want.name}')`."
    return Finding(FindingCode.DTYPE,
        f"`{name}` has dtype {got.name}, but it should have dtype {want.name}: {text}",
    )


def _diagnose_values(
    name: str,
    arr: np.ndarray,
    exp: np.ndarray,
    rtol: float,
    atol: float,
    dtype_checked: bool,
) -> Finding:
    """Same shape (and dtype): look for known patterns, else count what differs."""
    if exp.ndim > 0 and arr.dtype.kind in _NUMERIC_KINDS and exp.dtype.kind in _NUMERIC_KINDS:
        a, e = arr.astype(np.float64), exp.astype(np.float64)
        for recognise in (_permuted_values, _reordered, _scaled, _shifted):
            finding = recognise(name, a, e, rtol, atol)
            if finding is not None:
                return finding
    return _differing_entries(name, arr, exp, rtol, atol, dtype_checked)


def _permuted_values(name: str, a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> Finding | None:
    """The right values with axes swapped (e.g. every image transposed)."""
    if not 2 <= a.ndim <= 4:
        return None
    for perm in itertools.permutations(range(a.ndim)):
        moved = np.transpose(a, perm)
        if perm == tuple(range(a.ndim)) or moved.shape != e.shape:
            continue
        if _close(moved, e, rtol, atol):
            if a.ndim == 2:
                return Finding(FindingCode.TRANSPOSED,
                    f"`{name}` is the transpose of the right answer: rows and columns "
                    "are swapped. Add or remove a `.T`, or build it with the axes the "
                    "other way round.",
                )
            axes = [i for i, p in enumerate(perm) if p != i]
            which = f"axes {axes[0]} and {axes[1]} are swapped" if len(axes) == 2 else "its axes are in the wrong order"
            return Finding(FindingCode.AXES_PERMUTED,
                f"`{name}` has the right values, but {which}: check the axis order of "
                "any `transpose`, or build it with the axes in the right order.",
            )
    return None


def _reordered(name: str, a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> Finding | None:
    """The right numbers in the wrong places: whole samples, within one, or mixed."""
    if a.size < 2 or not _close(np.sort(a, axis=None), np.sort(e, axis=None), rtol, atol):
        return None
    if a.ndim == 1:
        return Finding(FindingCode.SCRAMBLED,
            f"`{name}` holds the right numbers, but in the wrong order: look for a "
            "sort, a reversed range or a mixed-up index.",
        )
    flat_a, flat_e = a.reshape(len(a), -1), e.reshape(len(e), -1)
    if _close(_sorted_rows(flat_a), _sorted_rows(flat_e), rtol, atol):
        return Finding(FindingCode.SCRAMBLED,
            f"`{name}` holds the right samples (entries along the first axis), but in "
            "a different order: keep them in their original order (look for a sort, a "
            "shuffle or a slice with the wrong step).",
        )
    if _close(np.sort(flat_a, axis=1), np.sort(flat_e, axis=1), rtol, atol):
        return Finding(FindingCode.SCRAMBLED,
            f"`{name}` has the right values within each sample (entry along the first "
            "axis), but in the wrong order inside it: check the axis order of any "
            "`reshape` or `transpose` (`reshape` keeps the reading order, `.T` changes "
            "it).",
        )
    return Finding(FindingCode.SCRAMBLED,
        f"`{name}` holds the right numbers in the wrong places, as if reshaped where "
        "a transpose was needed: `reshape` keeps the reading order and never moves an "
        "axis. Move axes with `.T` or `np.transpose` (for a batch: first "
        "`.reshape(n, -1)` so each sample is a row, then `.T`).",
    )


def _sorted_rows(flat: np.ndarray) -> np.ndarray:
    """Rows of a 2-D array in lexicographic order, to compare them as a set."""
    return flat[np.lexsort(flat.T[::-1])]


def _scaled(name: str, a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> Finding | None:
    """Every entry off by the same factor: a missing or extra division."""
    nonzero = e != 0
    if len(np.unique(e[nonzero])) < 2 or not _close(a[~nonzero], e[~nonzero], rtol, atol):
        return None
    ratio = a[nonzero] / e[nonzero]
    if np.isclose(ratio[0], 1.0) or not np.allclose(ratio, ratio[0], rtol=1e-4, atol=0.0):
        return None
    return Finding(FindingCode.SCALE,
        f"`{name}` is off by the same factor everywhere: check your scaling, a "
        "division or multiplication that is missing, extra, or uses the wrong number.",
    )


def _shifted(name: str, a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> Finding | None:
    """Every entry off by the same amount: a range that starts in the wrong place."""
    if len(np.unique(e)) < 2:
        return None
    shift = a - e
    if np.isclose(shift.flat[0], 0.0, atol=atol) or not np.allclose(shift, shift.flat[0], rtol, atol):
        return None
    return Finding(FindingCode.OFFSET,
        f"`{name}` is off by the same amount everywhere: check where a range starts "
        "(`np.arange(start, stop)` includes `start` and stops before `stop`), or a "
        "constant you added or left out.",
    )


def _differing_entries(
    name: str,
    arr: np.ndarray,
    exp: np.ndarray,
    rtol: float,
    atol: float,
    dtype_checked: bool,
) -> Finding:
    """Last resort: how many entries differ, and where the first one is."""
    what = "shape and dtype" if dtype_checked else "shape"
    if exp.ndim == 0:
        return Finding(FindingCode.VALUES, f"`{name}` has the right {what} but a different value.")
    mask = _mismatch(arr, exp, rtol, atol)
    count, total = int(mask.sum()), mask.size
    first = tuple(int(i) for i in np.argwhere(mask)[0])
    where = f"index {first[0]}" if len(first) == 1 else f"index {first}"
    share = f" ({100 * count / total:.1f}%)" if total >= 100 else ""
    verb = "differs" if count == 1 else "differ"
    message = f"`{name}` has the right {what} but {count} of {total} entries{share} {verb} (first at {where})."
    if arr.dtype.kind in "fc":
        nans = int((np.isnan(arr) & mask).sum())
        if nans:
            verb = "is" if nans == 1 else "are"
            message += f" {nans} of them {verb} NaN: look for 0/0 or a log of 0."
    return Finding(FindingCode.VALUES, message)
