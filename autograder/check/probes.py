"""Stand-ins for the student's functions inside the check process.

A check calls a ``FunctionProbe`` as if it were the student's function. The first time a given call is
made, the probe records it and aborts the check with ``PendingCall``; the grader has the student's
sandboxed process make that call and the check is run again with the answer known. The inputs are
chosen by the check, after the student's code has finished, so the student's code cannot prepare for
them; only the returned data crosses back.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from autograder import transport


class PendingCall(BaseException):
    """A check needs a call whose result is not known yet; BaseException so checks cannot swallow it."""


class StudentFunctionError(Exception):
    """The student's function raised, hung or returned something that cannot be checked."""


@dataclass
class CallLedger:
    """Known results and errors of student-function calls, and the calls still to be made."""

    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    pending: dict[str, tuple[str, tuple, dict]] = field(default_factory=dict)

    def take_pending(self) -> dict[str, tuple[str, tuple, dict]]:
        pending, self.pending = self.pending, {}
        return pending


class FunctionProbe:
    """Callable proxy for the student's function ``name``."""

    def __init__(self, name: str, ledger: CallLedger, target: str | None = None) -> None:
        self.__name__ = name
        self._ledger = ledger
        self._target = target or name
        """Where the call is made: the student's function, or ``rebuilt:model.predict`` for a rebuilt model."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = transport.call_key(self._target, args, kwargs)
        if key in self._ledger.results:
            return copy.deepcopy(self._ledger.results[key])
        if key in self._ledger.errors:
            raise StudentFunctionError(f"calling `{self.__name__}` failed: {self._ledger.errors[key]}")
        self._ledger.pending[key] = (self._target, args, kwargs)
        raise PendingCall(key)

    def prefetch(self, calls: list[tuple[Any, ...]]) -> None:
        """Ask for all of ``calls`` (positional argument tuples) in one round; PendingCall when any is unknown.

        A check that calls the function in a loop would otherwise wait for one probe round per call."""
        missing = False
        for args in calls:
            key = transport.call_key(self._target, args, {})
            if key not in self._ledger.results and key not in self._ledger.errors:
                self._ledger.pending[key] = (self._target, args, {})
                missing = True
        if missing:
            raise PendingCall(f"{self._target}: {len(calls)} calls")

    def __repr__(self) -> str:
        return f"<function {self.__name__}>"
