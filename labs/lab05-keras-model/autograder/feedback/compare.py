"""Equality with tolerance for every kind of answer, and reading a student's value as a number, array or dtype.

Pure functions over NumPy; none of them raises on an odd student object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

PY_SCALARS = (bool, int, float, complex)
NUMERIC_KINDS = "biuf"


@dataclass(frozen=True)
class Options:
    """How strictly to compare; one bundle so every step of the ladder sees the same settings."""

    check_dtype: bool = True
    """Arrays of another dtype are wrong even when their values agree."""
    check_values: bool = True
    """False compares only type, shape and dtype (public checks that must not confirm the answer)."""
    rtol: float = 1e-6
    atol: float = 1e-8


def kind(expected: Any) -> str:
    """Which family of comparison ``expected`` calls for."""
    if isinstance(expected, np.dtype) or is_scalar_type(expected):
        return "dtype"
    if isinstance(expected, (np.ndarray, np.generic)):
        return "array"
    if isinstance(expected, (tuple, list)):
        return "sequence"
    if isinstance(expected, str):
        return "text"
    if isinstance(expected, bool):
        return "bool"
    if isinstance(expected, PY_SCALARS):
        return "number"
    return "other"


def is_scalar_type(value: Any) -> bool:
    """True for type objects that name a dtype, such as ``np.float32`` or ``float``."""
    return isinstance(value, type) and (issubclass(value, np.generic) or value in PY_SCALARS)


def same(got: Any, expected: Any, opts: Options) -> bool:
    """Whether ``got`` counts as equal to ``expected``; with ``check_values`` off, type, shape and dtype only."""
    try:
        family = kind(expected)
        if family == "dtype":
            dtype = to_dtype(got)  # None == np.dtype("float64") is True in NumPy
            return dtype is not None and (not opts.check_values or dtype == np.dtype(expected))
        if family == "array":
            return same_array(got, np.asarray(expected), opts)
        if family == "sequence":
            items = as_sequence(got)
            return (
                items is not None
                and len(items) == len(expected)
                and all(same(g, e, opts) for g, e in zip(items, expected, strict=True))
            )
        if family == "text":
            return isinstance(got, str) and (not opts.check_values or got == expected)
        if family == "bool":
            return isinstance(got, (bool, np.bool_)) and (not opts.check_values or bool(got) == expected)
        if family == "number":
            return same_number(got, expected, opts)
        return not opts.check_values or bool(got == expected)
    except Exception:  # an odd student object must not crash a check
        return False


def same_number(got: Any, expected: Any, opts: Options) -> bool:
    """A number equal to ``expected``, or just a number (whole if it must be)."""
    number = as_number(got)
    if number is None:
        return False
    if not opts.check_values:
        return not isinstance(expected, int) or float(np.real(number)).is_integer()
    return bool(np.isclose(number, expected, opts.rtol, opts.atol))


def same_array(got: Any, exp: np.ndarray, opts: Options) -> bool:
    """Same shape, same dtype when asked, values within tolerance."""
    arr = as_array(got, exp)
    if arr is None or arr.shape != exp.shape:
        return False
    if opts.check_dtype and not isinstance(got, PY_SCALARS) and arr.dtype != exp.dtype:
        return False
    return not opts.check_values or close(arr, exp, opts.rtol, opts.atol)


def as_array(got: Any, exp: np.ndarray) -> np.ndarray | None:
    """The student's value as an array; a plain Python number only stands in for a 0-d expected array."""
    if isinstance(got, (np.ndarray, np.generic)):
        return np.asarray(got)
    if isinstance(got, PY_SCALARS) and exp.ndim == 0:
        return np.asarray(got)
    return None


def as_sequence(got: Any) -> tuple | None:
    """A tuple, list or 1-D array as a tuple; anything else gives None."""
    if isinstance(got, (tuple, list)):
        return tuple(got)
    if isinstance(got, np.ndarray) and got.ndim == 1:
        return tuple(got.tolist())
    return None


def as_number(got: Any) -> Any:
    """A single real or complex number, or None (bools and strings are not numbers)."""
    if isinstance(got, (bool, np.bool_)):
        return None
    if isinstance(got, (*PY_SCALARS, np.number)):
        return got
    if isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype.kind in "iufc":
        return got.item()
    return None


def to_dtype(got: Any) -> np.dtype | None:
    """Read ``'float64'``, ``np.float64`` or ``np.dtype('float64')`` as a dtype."""
    if not isinstance(got, (str, type, np.dtype)):
        return None
    try:
        return np.dtype(got)
    except (TypeError, ValueError):
        return None


def close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """Elementwise equality within tolerance for numbers, exact otherwise; False for other shapes.

    Equal arrays (the usual right answer) are recognised by a plain comparison, without the tolerance's
    arithmetic on every entry."""
    if a.shape != b.shape:
        return False
    numeric = a.dtype.kind in NUMERIC_KINDS + "c" and b.dtype.kind in NUMERIC_KINDS + "c"
    if numeric and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc" and b.dtype.kind in "fc"):
        return True
    return not mismatch(a, b, rtol, atol).any()


def mismatch(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    """Boolean mask of the entries of ``a`` that differ from ``b`` (same shape)."""
    if a.dtype.kind in NUMERIC_KINDS + "c" and b.dtype.kind in NUMERIC_KINDS + "c":
        common = np.result_type(a.dtype, b.dtype, np.float64)
        return ~np.isclose(a.astype(common), b.astype(common), rtol, atol, equal_nan=True)
    return np.asarray(a != b, dtype=bool)


def a_type(thing: Any) -> str:
    """``'a list'``, ``'an int'``: the type of a value, for a sentence."""
    type_name = getattr(thing, "type_name", None) or type(thing).__name__
    type_name = str(type_name).rsplit(".", 1)[-1]
    return f"{'an' if type_name[:1].lower() in 'aeiou' else 'a'} {type_name}"


def show(value: Any, limit: int = 60) -> str:
    """A short printable form of the student's own value."""
    if isinstance(value, (np.generic, np.ndarray)) and np.ndim(value) == 0:
        value = np.asarray(value).item()
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def sorted_rows(flat: np.ndarray) -> np.ndarray:
    """Rows of a 2-D array in lexicographic order, to compare them as a set."""
    return flat[np.lexsort(flat.T[::-1])] if flat.size else flat
