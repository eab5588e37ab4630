"""Calling the student's functions from a check: every way a call can fail becomes a Finding.

In the check process a student function is a probe whose call runs in the student's sandbox; an exception
there arrives as ``StudentFunctionError("calling `f` failed: ValueError: ...")``. Either way the finding
quotes the exception and what its message proves (:mod:`.exceptions`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from autograder.model import Finding, FindingCode

from .compare import a_type
from .exceptions import error_hint, unset


def attempt(call: str, func: Any, *args: Any, **kwargs: Any) -> tuple[Any, Finding | None]:
    """``(result, None)``, or ``(None, finding)`` when the function is missing, not one, raises or returns None.

    ``call`` is how the call reads in a message, e.g. ``"standardize(x, 0)"`` or ``"f(...)"``.
    """
    name = call.split("(", 1)[0]
    missing = unset(name, func, "run the cell that defines it", state="defined")
    if missing is not None:
        return None, missing
    if not callable(func):
        return None, Finding(FindingCode.TYPE,
                             f"`{name}` should be a function defined with `def {name}(...)`, but it is {a_type(func)}.")
    try:
        result = func(*args, **kwargs)
    except Exception as error:
        text = str(error) if type(error).__name__ == "StudentFunctionError" else f"{type(error).__name__}: {error}"
        text = text.split(" failed: ", 1)[-1]
        return None, Finding(FindingCode.RAISED, f"`{call}` raised {text}. {error_hint(text)}".strip())
    if result is None:
        return None, Finding(FindingCode.RETURNED_NONE,
                             f"`{call}` returned None: finish the body of `{name}` and `return` the result.")
    return result, None


def prefetch(func: Any, calls: Iterable[Sequence[Any]]) -> None:
    """Before a loop that calls the student's ``func`` on each of ``calls`` (argument tuples): in the check process,
    have the sandbox make them all in one round rather than one round each. On a real function (a public check in
    the student's kernel) it does nothing; either way the loop then calls, and judges, one call at a time."""
    if type(func).__name__ == "FunctionProbe":
        func.prefetch([tuple(args) for args in calls])


def call_student(call: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    """The result of calling the student's function; AssertionError with the finding's message otherwise."""
    __tracebackhide__ = True
    result, finding = attempt(call, func, *args, **kwargs)
    if finding is not None:
        raise AssertionError(finding.message)
    return result
