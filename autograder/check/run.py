"""Run a lab's checks in their own process, relaying the calls they make to the student's functions."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder import protocol, transport
from autograder.execute.channel import Channel, ChannelClosed, ChannelTimeout
from autograder.execute.rebuilt import Rebuilder
from autograder.execute.session import StudentSession
from autograder.model import CaseResult, CaseState, CellFailure, Execution, Stage

MAX_ROUNDS = 6
"""Probe rounds before giving up on calls a check keeps asking for (one per sequential call)."""


@dataclass(frozen=True)
class CheckRun:
    """All case results, plus whether a question is scored all-or-nothing."""

    cases: tuple[CaseResult, ...]
    all_or_nothing: dict[str, bool]
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    """``checks`` (the check process's own time), ``probe calls``, and each ``check round N``."""


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
            seed: int | None = None, rebuilder: Rebuilder | None = None, *,
            failures: tuple[CellFailure, ...] = (), support: Path | None = None) -> CheckRun:
        """Run every test case against the execution's values; probe the student's functions as needed."""
        channel = self._ensure()
        folder = str(support) if support is not None and support.is_dir() else ""
        started = time.perf_counter()
        probes = Probes(student, rebuilder)
        try:
            channel.send(protocol.Check(tuple(str(p) for p in tests), seed, failures, folder))
            channel.send_raw(execution.raw_values)
            reply = _rounds(channel, probes, timeout)
            channel.send(protocol.Done())
            total = time.perf_counter() - started
            rounds = {f"check round {n}": s for n, s in enumerate(probes.rounds, start=1)}
            timings = {str(Stage.CHECKS): max(total - probes.seconds, 0.0), str(Stage.PROBES): probes.seconds}
            return replace(_cases(reply), timings=timings | rounds)
        except ChannelTimeout as exc:
            self.close()
            raise CheckError(f"the checks did not finish in time ({exc})") from exc
        except (ChannelClosed, transport.TransportError) as exc:
            self.close()
            raise CheckError(f"the check process failed ({exc})") from exc


def _give_up(channel: Channel, reason: str, timeout: float) -> protocol.Checked:
    reply, _ = _checked(channel.request(protocol.GiveUp(reason), None, timeout))
    return reply


class Probes:
    """Where a check's calls go: rebuilt models for ``rebuilt:`` calls, the student's process for the rest."""

    def __init__(self, student: StudentSession, rebuilder: Rebuilder | None) -> None:
        self.student = student
        self.rebuilder = rebuilder
        self.rounds: list[float] = []
        """Seconds of each round of calls, in order."""

    @property
    def seconds(self) -> float:
        return sum(self.rounds)

    def call(self, calls: tuple[protocol.Call, ...], arguments: dict) -> tuple[dict[str, str], dict] | str:
        """(errors, results) by call key, or why the student's process could not answer; its time is kept."""
        started = time.perf_counter()
        try:
            return self._call(calls, arguments)
        finally:
            self.rounds.append(time.perf_counter() - started)

    def _call(self, calls: tuple[protocol.Call, ...], arguments: dict) -> tuple[dict[str, str], dict] | str:
        rebuilt = tuple(c for c in calls if c.func.startswith(protocol.REBUILT))
        own = tuple(c for c in calls if not c.func.startswith(protocol.REBUILT))
        errors: dict[str, str] = {}
        results: dict = {}
        if rebuilt:
            if self.rebuilder is None:
                errors |= {c.key: "models are not rebuilt here" for c in rebuilt}
            else:
                errors, results = self.rebuilder.call(rebuilt, arguments)
        if own:
            raw = self.student.call(own, {c.key: arguments[c.key] for c in own})
            if raw is None:
                return "your function did not return in time, or its process stopped"
            try:
                answer, values = protocol.decode(raw, protocol.CallResults)
            except transport.TransportError:
                return "your function's process sent back something unreadable"
            errors, results = errors | answer.errors, results | values
        return errors, results


def _rounds(channel: Channel, probes: Probes, timeout: float) -> protocol.Checked:
    """Relay calls between the checks and the student's process until the checks need no more."""
    reply, arguments = _checked(channel.receive(timeout))
    for _ in range(MAX_ROUNDS):
        if not reply.calls:
            return reply
        answered = probes.call(reply.calls, arguments)
        if isinstance(answered, str):
            return _give_up(channel, answered, timeout)
        errors, results = answered
        reply, arguments = _checked(channel.request(protocol.Answers(errors), results, timeout))
    if reply.calls:
        return _give_up(channel, "the check needed more calls of your function than allowed", timeout)
    return reply


def run_checks(tests: list[Path], execution: Execution, student: StudentSession, timeout: float,
               rebuilder: Rebuilder | None = None) -> CheckRun:
    """Run the checks in a fresh check process (see ``CheckWorker`` to reuse one)."""
    worker = CheckWorker()
    try:
        return worker.run(tests, execution, student, timeout, rebuilder=rebuilder)
    finally:
        worker.close()
