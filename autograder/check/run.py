"""Run a lab's checks in their own process, relaying the calls they make to the student's functions."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from autograder import protocol, transport
from autograder.execute.channel import Channel, ChannelClosed, ChannelTimeout
from autograder.execute.session import StudentSession
from autograder.model import CaseResult, CaseState, Execution

MAX_ROUNDS = 6
"""Probe rounds before giving up on calls a check keeps asking for (one per sequential call)."""


@dataclass(frozen=True)
class CheckRun:
    """All case results, plus whether a question is scored all-or-nothing."""

    cases: tuple[CaseResult, ...]
    all_or_nothing: dict[str, bool]


class CheckError(Exception):
    """The check process itself failed (a broken test file, or it ran out of time)."""


def _checked(raw: bytes) -> tuple[protocol.Checked, dict]:
    return protocol.decode(raw, protocol.Checked)


def _cases(reply: protocol.Checked) -> CheckRun:
    cases = tuple(
        CaseResult(c.question, c.name, c.points, c.state == CaseState.PASSED, c.hidden, c.message)
        for c in reply.cases
    )
    return CheckRun(cases, dict(reply.all_or_nothing))


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

    def run(self, tests: list[Path], execution: Execution, student: StudentSession, timeout: float,
            seed: int | None = None) -> CheckRun:
        """Run every test case against the execution's values; probe the student's functions as needed."""
        channel = self._ensure()
        try:
            channel.send(protocol.Check(tuple(str(p) for p in tests), seed))
            channel.send_raw(execution.raw_values)
            reply = _rounds(channel, student, timeout)
            channel.send(protocol.Done())
            return _cases(reply)
        except ChannelTimeout as exc:
            self.close()
            raise CheckError(f"the checks did not finish in time ({exc})") from exc
        except (ChannelClosed, transport.TransportError) as exc:
            self.close()
            raise CheckError(f"the check process failed ({exc})") from exc


def _give_up(channel: Channel, reason: str, timeout: float) -> protocol.Checked:
    reply, _ = _checked(channel.request(protocol.GiveUp(reason), None, timeout))
    return reply


def _rounds(channel: Channel, student: StudentSession, timeout: float) -> protocol.Checked:
    """Relay calls between the checks and the student's process until the checks need no more."""
    reply, arguments = _checked(channel.receive(timeout))
    for _ in range(MAX_ROUNDS):
        if not reply.calls:
            return reply
        raw = student.call(reply.calls, arguments)
        if raw is None:
            return _give_up(channel, "your function did not return in time, or its process stopped", timeout)
        try:
            answer, results = protocol.decode(raw, protocol.CallResults)
        except transport.TransportError:
            return _give_up(channel, "your function's process sent back something unreadable", timeout)
        reply, arguments = _checked(channel.request(protocol.Answers(answer.errors), results, timeout))
    if reply.calls:
        return _give_up(channel, "the check needed more calls of your function than allowed", timeout)
    return reply


def run_checks(tests: list[Path], execution: Execution, student: StudentSession, timeout: float) -> CheckRun:
    """Run the checks in a fresh check process (see ``CheckWorker`` to reuse one)."""
    worker = CheckWorker()
    try:
        return worker.run(tests, execution, student, timeout)
    finally:
        worker.close()
