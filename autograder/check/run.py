"""Run a lab's checks in their own process, relaying the calls they make to the student's functions."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from autograder import transport
from autograder.channel import Channel, ChannelClosed, ChannelTimeout
from autograder.execute.session import Execution, StudentSession

MAX_ROUNDS = 6
"""Probe rounds before giving up on calls a check keeps asking for (one per sequential call)."""


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one test case (one check function) of one question."""

    question: str
    name: str
    points: float
    """Points this case is worth."""
    passed: bool
    hidden: bool
    message: str
    """What the student sees: the check's own explanation, never its source."""


@dataclass(frozen=True)
class CheckRun:
    """All case results, plus whether a question is scored all-or-nothing."""

    cases: tuple[CaseResult, ...]
    all_or_nothing: dict[str, bool]


class CheckError(Exception):
    """The check process itself failed (a broken test file, or it ran out of time)."""


def _parse(raw: bytes) -> tuple[dict, dict]:
    header, values = transport.loads(raw)
    if header.get("op") != "checked":
        raise CheckError(f"unexpected reply from the check process: {header.get('op')!r}")
    return header, values


def _cases(header: dict) -> CheckRun:
    cases = tuple(
        CaseResult(
            c["question"], c["name"], float(c["points"]), c["state"] == "passed", bool(c["hidden"]), str(c["message"])
        )
        for c in header["cases"]
    )
    return CheckRun(cases, dict(header["all_or_nothing"]))


class CheckWorker:
    """A reusable check process; one per grading thread. It restarts itself after a failure."""

    def __init__(self) -> None:
        self._channel: Channel | None = None

    def _ensure(self) -> Channel:
        if self._channel is None or not self._channel.alive():
            self._channel = Channel.spawn([sys.executable, "-m", "autograder.check.worker"])
        return self._channel

    def close(self) -> None:
        if self._channel:
            self._channel.close()
            self._channel = None

    def run(self, tests: list[Path], execution: Execution, student: StudentSession, timeout: float) -> CheckRun:
        """Run every test case against the execution's values; probe the student's functions as needed."""
        channel = self._ensure()
        try:
            channel.send({"op": "check", "tests": [str(p) for p in tests]})
            channel.send_raw(execution.raw_values)
            header = _rounds(channel, student, timeout)
            channel.send({"op": "done"})
            return _cases(header)
        except ChannelTimeout as exc:
            self.close()
            raise CheckError(f"the checks did not finish in time ({exc})") from exc
        except (ChannelClosed, transport.TransportError, KeyError) as exc:
            self.close()
            raise CheckError(f"the check process failed ({exc})") from exc


def _rounds(channel: Channel, student: StudentSession, timeout: float) -> dict:
    """Relay calls between the checks and the student's process until the checks need no more."""
    header, arguments = _parse(channel.receive(timeout))
    for _ in range(MAX_ROUNDS):
        if not header["calls"]:
            return header
        reply = student.call(header["calls"], arguments)
        if reply is None:
            reason = "your function did not return in time, or its process stopped"
            header, _ = _parse(channel.request({"op": "give_up", "reason": reason}, None, timeout))
            return header
        answer, results = transport.loads(reply)
        header, arguments = _parse(channel.request({"op": "answers", "errors": answer["errors"]}, results, timeout))
    if header["calls"]:
        reason = "the check needed more calls of your function than allowed"
        header, _ = _parse(channel.request({"op": "give_up", "reason": reason}, None, timeout))
    return header


def run_checks(tests: list[Path], execution: Execution, student: StudentSession, timeout: float) -> CheckRun:
    """Run the checks in a fresh check process (see ``CheckWorker`` to reuse one)."""
    worker = CheckWorker()
    try:
        return worker.run(tests, execution, student, timeout)
    finally:
        worker.close()
