"""The ladder every check climbs: set at all, a confirmed slip, type, shape, dtype, values.

:func:`explain` returns None for a right answer and otherwise the most specific *true* :class:`Finding`:
a cause is named only when re-enacting it reproduces the student's value (a slip, a transpose, a missing
cast); otherwise the finding says what is observably wrong. Pure functions over NumPy, used by public
checks in the student's kernel and by hidden checks in the check process.

Messages never contain the expected value. The shape and dtype of an expected *array* may be named, since
the task states them; its contents never are. When the expected value is itself the answer (a number, a
string, a shape, a dtype), only facts about the student's value are printed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from . import compare
from .compare import Options, a_type, show
from .exceptions import failure_of, raised_finding, unset
from .shapes import diagnose_shape
from .slips import Slips, confirmed
from .values import diagnose_values

_HINTABLE = (FindingCode.VALUES, FindingCode.SHAPE, FindingCode.LENGTH)


def explain(name: str, got: Any, expected: Any, *, candidates: Slips = None, check_dtype: bool = True,
            check_values: bool = True, rtol: float = 1e-6, atol: float = 1e-8, hint: str | None = None,
            ) -> Finding | None:
    """None when ``got`` matches ``expected``, else the most specific true Finding.

    ``candidates`` are re-enacted slips (``{message: wrong_value}`` or :class:`~.slips.Slip` values): one
    that alone reproduces ``got`` beats every generic diagnosis. ``check_values=False`` compares only type,
    shape and dtype (slips still count), for public checks that must not confirm the answer itself.
    ``hint`` is appended to generic shape and value messages. A cell that raised while setting ``name`` is
    reported as such, with its exception.
    """
    opts = Options(check_dtype, check_values, rtol, atol)
    missing = unset(name, got)
    if missing is not None:
        return missing
    failure = failure_of(name)
    if check_values and compare.same(got, expected, opts):
        return None
    finding = confirmed(got, expected, candidates, opts)
    if finding is None:
        if not check_values and compare.same(got, expected, opts):
            return None
        finding = _generic(name, got, expected, opts, hint)
    if failure is not None:
        raised = raised_finding(name, failure)
        finding = Finding(FindingCode.RAISED, f"{raised.message} {finding.message}", raised.where, finding.confirmed)
    return finding


def _generic(name: str, got: Any, expected: Any, opts: Options, hint: str | None) -> Finding:
    try:
        finding = diagnose(name, got, expected, opts)
    except Exception:  # a value too odd to analyse still gets an honest answer
        finding = Finding(FindingCode.VALUES, f"`{name}` is not the right value.")
    if hint and finding.code in _HINTABLE:
        finding = Finding(finding.code, f"{finding.message} {hint}", finding.where)
    return finding


def expect(name: str, got: Any, expected: Any, **kwargs: Any) -> None:
    """Raise AssertionError with the finding's message when ``got`` is wrong (what checks call)."""
    __tracebackhide__ = True
    finding = explain(name, got, expected, **kwargs)
    if finding is not None:
        raise AssertionError(finding.message)


def diagnose(name: str, got: Any, expected: Any, opts: Options) -> Finding:
    """Dispatch a known-wrong answer to the diagnosis for its kind of expected value."""
    family = compare.kind(expected)
    if family == "array":
        return _array(name, got, np.asarray(expected), opts)
    if family == "sequence":
        return _sequence(name, got, expected, opts)
    if family == "dtype":
        return _dtype_answer(name, got)
    if family == "text":
        return _text(name, got, expected)
    if family == "bool" and not isinstance(got, (bool, np.bool_)):
        return Finding(FindingCode.TYPE, f"`{name}` should be True or False, but it is {show(got)}.")
    if family == "bool":
        return Finding(FindingCode.VALUES, f"`{name}` is {show(got)}, which is not the right answer.")
    if family == "number":
        return _number(name, got, expected)
    return Finding(FindingCode.VALUES, f"`{name}` is not the right value.")


def _number(name: str, got: Any, expected: Any) -> Finding:
    number = compare.as_number(got)
    if number is None:
        extra = ""
        if isinstance(got, str):
            extra = ": write the number without quotes"
        elif isinstance(got, (tuple, list, np.ndarray)):
            extra = ": give one number, not a collection of them"
        return Finding(FindingCode.TYPE, f"`{name}` should be a single number, but it is {a_type(got)}{extra}.")
    if isinstance(expected, (int, np.integer)) and not float(np.real(number)).is_integer():
        return Finding(FindingCode.TYPE, f"`{name}` is {show(got)}, which is not a whole number, but the answer "
                       "is a whole number.")
    return Finding(FindingCode.VALUES, f"`{name}` is {show(got)}, which is not the right value.")


def _text(name: str, got: Any, expected: str) -> Finding:
    if not isinstance(got, str):
        if compare.to_dtype(got) is not None:
            return Finding(FindingCode.TYPE, f"`{name}` is a dtype object, but it should be a string: use the "
                           "dtype's `.name`, as in `t.dtype.name`.")
        return Finding(FindingCode.TYPE, f"`{name}` should be a string, but it is {a_type(got)}.")
    if got.strip().lower() == expected.strip().lower():
        return Finding(FindingCode.VALUES, f"`{name}` differs from the answer only in upper/lower case or "
                       "surrounding spaces: copy the spelling exactly.", confirmed=True)
    return Finding(FindingCode.VALUES, f"`{name}` is {show(got)}, which is not the right text.")


def _dtype_answer(name: str, got: Any) -> Finding:
    if isinstance(got, np.ndarray):
        return Finding(FindingCode.TYPE, f"`{name}` is a whole array, but it should be a dtype: take the array's "
                       "`.dtype`.")
    dtype = compare.to_dtype(got)
    if dtype is None:
        return Finding(FindingCode.TYPE, f"`{name}` should be a dtype, such as the `.dtype` of an array, but it "
                       f"is {a_type(got)}.")
    return Finding(FindingCode.VALUES, f"`{name}` is {dtype.name}, which is not the right dtype: read it from "
                   "the array's `.dtype` attribute instead of typing it in.")


def _sequence(name: str, got: Any, expected: tuple | list, opts: Options) -> Finding:
    items = compare.as_sequence(got)
    shape_like = all(isinstance(e, (int, np.integer)) for e in expected)
    if items is None:
        what = "a tuple of axis lengths, like `.shape` gives" if shape_like else "a tuple"
        return Finding(FindingCode.TYPE, f"`{name}` should be {what}, but it is {a_type(got)}.")
    if len(items) != len(expected):
        extra = ": a shape has one entry per axis" if shape_like else ""
        return Finding(FindingCode.LENGTH, f"`{name}` has {len(items)} entries, which is not the right "
                       f"number{extra}.")
    shape_like = shape_like and all(isinstance(g, (int, np.integer)) for g in items)
    if opts.check_values and shape_like and sorted(items) == sorted(int(e) for e in expected):
        return Finding(FindingCode.AXES_PERMUTED, f"`{name}` holds the right lengths in the wrong order: list "
                       "them in axis order, as `.shape` does.", confirmed=True)
    for index, (g, e) in enumerate(zip(items, expected, strict=True)):
        if not compare.same(g, e, opts):
            inner = diagnose(f"{name}[{index}]", g, e, opts)
            return Finding(inner.code, inner.message, f"index {index}", inner.confirmed)
    return Finding(FindingCode.VALUES, f"`{name}` is not the right value.")


def _array(name: str, got: Any, exp: np.ndarray, opts: Options) -> Finding:
    """Type, then shape, then dtype, then values of an array answer."""
    arr = compare.as_array(got, exp)
    if arr is None:
        return _not_array(name, got, exp)
    if arr.shape != exp.shape:
        return diagnose_shape(name, arr, exp, opts)
    dtype_checked = opts.check_dtype and not isinstance(got, compare.PY_SCALARS)
    if dtype_checked and arr.dtype != exp.dtype:
        return _dtype(name, arr, exp, opts)
    return diagnose_values(name, arr, exp, opts.rtol, opts.atol, dtype_checked)


def _not_array(name: str, got: Any, exp: np.ndarray) -> Finding:
    if isinstance(got, (list, tuple)):
        fix = "wrap it with `np.array(...)`"
    elif isinstance(got, compare.PY_SCALARS):
        fix = f"build one of shape {exp.shape} with a NumPy function such as `np.array`"
    elif isinstance(got, str):
        fix = "write the code that computes the array, not text"
    else:
        fix = "convert it with `np.asarray(...)`"
    return Finding(FindingCode.NOT_ARRAY, f"`{name}` is {a_type(got)}, but it should be a NumPy array: {fix}.")


def _dtype(name: str, arr: np.ndarray, exp: np.ndarray, opts: Options) -> Finding:
    """Same shape, wrong dtype: "cast it" only when casting gives the answer (or values are not checked)."""
    got, want = arr.dtype, exp.dtype
    head = f"`{name}` has dtype {got.name}, but it should have dtype {want.name}"
    if not opts.check_values:
        return Finding(FindingCode.DTYPE, f"{head}: {_dtype_tip(got, want)}")
    try:
        cast_fixes = compare.close(arr.astype(want), exp, opts.rtol, opts.atol)
    except (TypeError, ValueError):
        cast_fixes = False
    if cast_fixes:
        return Finding(FindingCode.DTYPE, f"{head}; its values are right, so cast it with "
                       f"`.astype('{want.name}')`.", confirmed=True)
    values = diagnose_values(name, arr, exp, opts.rtol, opts.atol, False)
    low, high = _range(arr)
    seen = f" (they run from {low} to {high})" if low is not None else ""
    return Finding(FindingCode.DTYPE, f"{head}, and its values differ from the answer too{seen}, so a cast "
                   f"alone will not fix it. {values.message}", values.where)


def _dtype_tip(got: np.dtype, want: np.dtype) -> str:
    if want.kind in "iuf" and got.kind == "b":
        return "it holds True/False values, as a comparison gives."
    if want.kind == "f" and got.kind in "iu":
        return "it holds integers, not floats."
    if want.kind in "iu" and got.kind == "f":
        return "it holds floats, not integers."
    return f"convert it with `.astype('{want.name}')` once its values are right."


def _range(arr: np.ndarray) -> tuple[Any, Any]:
    if arr.size == 0 or arr.dtype.kind not in "biuf":
        return None, None
    return show(arr.min()), show(arr.max())
