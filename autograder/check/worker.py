"""The check process: runs a lab's otter test files against a namespace rebuilt from data.

It never executes student code. Its namespace holds arrays and plain values decoded by
``autograder.transport``, plus ``FunctionProbe`` stand-ins for the student's functions. It talks to the
grader over stdin/stdout with transport messages:

- ``check`` naming the test files, followed by the student process's own message with its values: run
  every test case; reply ``checked`` with the results and the calls to the student's functions that the
  checks still need;
- ``answers`` (results attached): rerun the cases that were waiting for them; reply ``checked`` again;
- ``done``: forget this submission and wait for the next ``check``. The process is reused across
  submissions (it never holds student code, only data), which saves its start-up for each one.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from otter.test_files import ExceptionTestFile

from autograder import transport
from autograder.check.probes import CallLedger, FunctionProbe, PendingCall, StudentFunctionError

MESSAGE_LIMIT = 1_000


@dataclass
class CaseOutcome:
    """One test case's state between rounds; ``pending`` until every call it needs is answered."""

    question: str
    name: str
    points: float
    hidden: bool
    state: str = "pending"
    message: str = ""

    def passed(self) -> bool:
        return self.state == "passed"


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
        self.outcomes: dict[tuple[int, int], CaseOutcome] = {}
        for i, tf in enumerate(self.files):
            for j, tc in enumerate(tf.test_cases):
                name = getattr(tc.body.test_func, "__name__", tc.name)
                self.outcomes[i, j] = CaseOutcome(tf.name, name, float(tc.points or 0), bool(tc.hidden))

    def _bind(self, name: str, value: Any) -> Any:
        """Replace function references, however deeply nested in records, by probes."""
        if isinstance(value, transport.FunctionRef):
            return FunctionProbe(value.name, self.ledger)
        if isinstance(value, transport.Record):
            return transport.Record(value.type_name, {k: self._bind(k, v) for k, v in value.attrs.items()})
        if isinstance(value, list):
            return [self._bind(name, v) for v in value]
        return value

    def run_pending(self) -> None:
        """Run every case still pending; cases that need unknown calls stay pending."""
        for (i, j), outcome in self.outcomes.items():
            if outcome.state != "pending":
                continue
            case = self.files[i].test_cases[j]
            try:
                case.body.call_func(self.namespace)
            except PendingCall:
                continue
            except Exception as exc:
                outcome.state, outcome.message = "failed", _message(exc, outcome.hidden, case.failure_message)
            else:
                outcome.state, outcome.message = "passed", case.success_message or ""

    def give_up_pending(self, reason: str) -> None:
        for outcome in self.outcomes.values():
            if outcome.state == "pending":
                outcome.state, outcome.message = "failed", reason

    def reply(self, out: Any) -> None:
        pending = self.ledger.take_pending()
        calls = [{"key": key, "func": func} for key, (func, _, _) in pending.items()]
        arguments = {key: (args, kwargs) for key, (_, args, kwargs) in pending.items()}
        header = {
            "op": "checked",
            "cases": [asdict(o) for o in self.outcomes.values()],
            "all_or_nothing": {tf.name: bool(tf.all_or_nothing) for tf in self.files},
            "calls": calls,
        }
        transport.write_message(out, header, arguments)


def _serve_one(inp: Any, out: Any, header: dict[str, Any]) -> bool:
    """Check one submission through all its probe rounds; False when the grader has gone."""
    _, values = transport.read_message(inp)
    checker = Checker([Path(p) for p in header["tests"]], values)
    checker.run_pending()
    checker.reply(out)
    while True:
        try:
            header, values = transport.read_message(inp)
        except EOFError:
            return False
        op = header.get("op")
        if op == "answers":
            checker.ledger.results.update(values)
            checker.ledger.errors.update(header.get("errors", {}))
            checker.run_pending()
        elif op == "give_up":
            checker.give_up_pending(str(header.get("reason", "the check could not call your function")))
        else:
            return op == "done"
        checker.reply(out)


def main() -> int:
    """Serve submissions one after another; the process is reused, the checker state is not."""
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    while True:
        try:
            header, _ = transport.read_message(inp)
        except EOFError:
            return 0
        if header.get("op") != "check" or not _serve_one(inp, out, header):
            return 0


if __name__ == "__main__":
    sys.exit(main())
