"""The check process: runs a lab's otter test files against a namespace rebuilt from data.

It never executes student code. Its namespace holds arrays and plain values decoded by
``autograder.transport``, plus ``FunctionProbe`` stand-ins for the student's functions. It talks to the
grader over stdin/stdout with ``autograder.protocol`` messages:

- ``check`` naming the test files, followed by the student process's own message with its values: run
  every test case; reply ``checked`` with the results and the calls to the student's functions that the
  checks still need;
- ``answers`` (results attached): rerun the cases that were waiting for them; reply ``checked`` again;
- ``done``: forget this submission and wait for the next ``check``. The process is reused across
  submissions (it never holds student code, only data), which saves its start-up for each one.
"""

from __future__ import annotations

import copy
import functools
import importlib
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from otter.test_files import ExceptionTestFile

from autograder import protocol, transport
from autograder.check import unseen
from autograder.check.probes import CallLedger, FunctionProbe, PendingCall, StudentFunctionError
from autograder.feedback import exceptions
from autograder.model import CaseState

MESSAGE_LIMIT = 1_000


def _message(exc: BaseException, hidden: bool, failure_message: str | None) -> str:
    if isinstance(exc, AssertionError):
        text = str(exc).strip()
    elif isinstance(exc, StudentFunctionError):
        text = str(exc)
    else:
        text = f"the check could not use your answer ({type(exc).__name__}: {exc})"
    if not text:
        text = failure_message or ("a hidden check failed" if hidden else "a check failed")
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + " ..."


class Checker:
    """Holds the test files, the namespace and the per-case outcomes across probe rounds."""

    def __init__(self, test_paths: list[Path], values: dict[str, Any]) -> None:
        self.ledger = CallLedger()
        self.namespace = {k: self._bind(k, v) for k, v in values.items()}
        self.files = [ExceptionTestFile.from_file(str(p)) for p in test_paths]
        self.outcomes: dict[tuple[int, int], protocol.CaseOutcome] = {}
        """Each case's state between rounds; ``pending`` until every call it needs is answered."""
        for i, tf in enumerate(self.files):
            for j, tc in enumerate(tf.test_cases):
                name = getattr(tc.body.test_func, "__name__", tc.name)
                self.outcomes[i, j] = protocol.CaseOutcome(tf.name, name, float(tc.points or 0), bool(tc.hidden))

    def _bind(self, name: str, value: Any) -> Any:
        """Replace function references, however deeply nested in records, by probes.

        A Keras model's ``predict`` and ``evaluate`` are made on the model rebuilt from its data, whatever the
        student's record claims: a class of the student's could override them to look answers up.
        """
        if isinstance(value, transport.FunctionRef):
            return FunctionProbe(value.name, self.ledger)
        if isinstance(value, transport.Record) and value.type_name == protocol.KerasModelRecord.TYPE_NAME:
            attrs = {k: self._bind(k, v) for k, v in value.attrs.items()}
            for method in ("predict", "evaluate"):
                attrs[method] = FunctionProbe(f"{name}.{method}", self.ledger, f"{protocol.REBUILT}{name}.{method}")
            return transport.Record(value.type_name, attrs)
        if isinstance(value, transport.Record):
            return transport.Record(value.type_name, {k: self._bind(k, v) for k, v in value.attrs.items()})
        if isinstance(value, list):
            return [self._bind(name, v) for v in value]
        return value

    def run_pending(self) -> None:
        """Run every case still pending; cases that need unknown calls stay pending."""
        for (i, j), outcome in self.outcomes.items():
            if outcome.state != CaseState.PENDING:
                continue
            case = self.files[i].test_cases[j]
            try:
                case.body.call_func(self.namespace)
            except PendingCall:
                continue
            except Exception as exc:
                message = _message(exc, outcome.hidden, case.failure_message)
                self.outcomes[i, j] = replace(outcome, state=CaseState.FAILED, message=message)
            else:
                self.outcomes[i, j] = replace(outcome, state=CaseState.PASSED, message=case.success_message or "")

    def give_up_pending(self, reason: str) -> None:
        for key, outcome in self.outcomes.items():
            if outcome.state == CaseState.PENDING:
                self.outcomes[key] = replace(outcome, state=CaseState.FAILED, message=reason)

    def reply(self, out: Any) -> None:
        pending = self.ledger.take_pending()
        calls = tuple(protocol.Call(key, func) for key, (func, _, _) in pending.items())
        arguments = {key: (args, kwargs) for key, (_, args, kwargs) in pending.items()}
        reply = protocol.Checked(
            cases=tuple(self.outcomes.values()),
            all_or_nothing={tf.name: bool(tf.all_or_nothing) for tf in self.files},
            calls=calls,
        )
        protocol.write(out, reply, arguments)


def _use_support(folder: str) -> None:
    """Put this lab's feedback modules first on the import path, forgetting another lab's of the same name."""
    global _SUPPORT
    if folder == _SUPPORT:
        return
    if _SUPPORT:
        stale = {p.stem for p in Path(_SUPPORT).glob("*.py")}
        for name in stale:
            sys.modules.pop(name, None)
        if _SUPPORT in sys.path:
            sys.path.remove(_SUPPORT)
    if folder:
        sys.path.insert(0, folder)
    _SUPPORT = folder


_SUPPORT = ""


def _serve_one(inp: Any, out: Any, request: protocol.Check) -> bool:
    """Check one submission through all its probe rounds; False when the grader has gone."""
    _, values = transport.read_message(inp)
    unseen.use_seed(request.seed)
    exceptions.use_failures(request.failures)
    _use_support(request.support)
    checker = Checker([Path(p) for p in request.tests], values)
    checker.run_pending()
    checker.reply(out)
    while True:
        try:
            message, values = protocol.read(inp, protocol.Answers, protocol.GiveUp, protocol.Done)
        except EOFError:
            return False
        if isinstance(message, protocol.Answers):
            checker.ledger.results.update(values)
            checker.ledger.errors.update(message.errors)
            checker.run_pending()
        elif isinstance(message, protocol.GiveUp):
            checker.give_up_pending(message.reason)
        else:
            return True
        checker.reply(out)


PURE_LOADERS = (("sklearn.datasets", "load_digits"), ("sklearn.datasets", "load_sample_images"))
"""Data loaders the checks call again for every submission; each reads and parses the same files every time."""


def _memoised(load: Callable[..., Any]) -> Callable[..., Any]:
    """``load`` read once per set of arguments; every caller gets its own deep copy, so no check can change
    what the next one (or the next submission's) sees."""
    kept: dict[str, Any] = {}

    @functools.wraps(load)
    def cached(*args: Any, **kwargs: Any) -> Any:
        key = repr((args, sorted(kwargs.items())))
        if key not in kept:
            kept[key] = load(*args, **kwargs)
        return copy.deepcopy(kept[key])

    cached.memoised = True  # type: ignore[attr-defined]
    return cached


def memoise_loaders(loaders: tuple[tuple[str, str], ...] = PURE_LOADERS) -> None:
    """Replace the checks' data loaders by memoised ones before any test file imports them."""
    for module_name, name in loaders:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        load = getattr(module, name, None)
        if callable(load) and not getattr(load, "memoised", False):
            setattr(module, name, _memoised(load))


def main() -> int:
    """Serve submissions one after another; the process is reused, the checker state is not."""
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    memoise_loaders()
    while True:
        try:
            request, _ = protocol.read(inp, protocol.Check)
        except EOFError:
            return 0
        if not _serve_one(inp, out, request):
            return 0


if __name__ == "__main__":
    sys.exit(main())
