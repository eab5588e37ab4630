"""The grader's side of one student process: start it sandboxed, run the cells, probe functions, stop it."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import transport
from autograder.channel import Channel, ChannelClosed, ChannelTimeout
from autograder.execute import cgroup, sandbox

log = logging.getLogger(__name__)
_warned_weak_isolation = threading.Event()
_RUNNER = ["-s", "-P", "-m", "autograder.execute.runner"]
UNPRIVILEGED_UID = 65534
"""Without bwrap, a grader running as root still runs student code as this user (nobody)."""


@dataclass(frozen=True)
class CellRecord:
    """What happened to one code cell of the submission."""

    index: int
    """Position among the notebook's code cells, from 0."""
    status: str
    """``ok``, ``error`` or ``timeout``."""
    output: str = ""
    """The cell's printed output, truncated."""
    error: str = ""
    """One line naming the exception, when the cell failed."""


@dataclass(frozen=True)
class Execution:
    """The result of running a submission's cells: data only."""

    status: str
    """``ok`` when the runner reported back, ``timeout`` or ``crashed`` otherwise."""
    cells: tuple[CellRecord, ...] = ()
    timed_out: bool = False
    """The soft deadline stopped the cells; values from cells that ran are still present."""
    message: str = ""
    """Why the process ended abnormally, in one line."""
    raw_values: bytes = field(default=b"", repr=False)
    """The harvested values as a transport message body, forwarded to the checks undecoded."""


class StudentSession:
    """One submission's sandboxed runner holding its namespace: run the cells, then answer probe calls."""

    def __init__(self, channel: Channel, limits: sandbox.Limits, *, own_pid_namespace: bool = True,
                 uid: int | None = None) -> None:
        self.channel = channel
        self.limits = limits
        self.own_pid_namespace = own_pid_namespace
        """Whether the runner may kill every other process it sees once the cells have run."""
        self.uid = uid
        """The user the process was started as, when the grader (root) dropped to another one."""

    def __enter__(self) -> StudentSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.channel.close(goodbye={"op": "exit"})

    def _rlimits(self) -> dict[str, int]:
        limits = {
            "memory_mb": self.limits.memory_mb,
            "cpu_seconds": self.limits.cpu_seconds,
            "file_size_mb": self.limits.file_size_mb,
        }
        if self.uid is not None:
            limits["nproc"] = sandbox.nproc_budget(self.limits.max_processes, uid=self.uid)
        elif os.geteuid() != 0:
            limits["nproc"] = sandbox.nproc_budget(self.limits.max_processes)
        return limits

    def run(self, cells: list[str], names: list[str], preload: tuple[str, ...] = ()) -> Execution:
        """Run the cells under the soft deadline and collect the named values."""
        header = {
            "op": "run",
            "cells": cells,
            "names": names,
            "timeout": self.limits.timeout,
            "preload": preload,
            "rlimits": self._rlimits(),
            "output_limit": self.limits.output_kb * 1024,
            "own_pid_namespace": self.own_pid_namespace,
        }
        try:
            raw = self.channel.request(header, None, self.limits.timeout + self.limits.grace)
            reply, _ = transport.loads(raw)
            cells_run = tuple(CellRecord(**_cell_fields(c)) for c in reply["cells"])
        except ChannelTimeout:
            message = f"the notebook did not finish within the time limit of {self.limits.timeout:g} s"
            return Execution(status="timeout", timed_out=True, message=message)
        except ChannelClosed:
            return Execution(status="crashed", message=self.death_message())
        except (transport.TransportError, KeyError, TypeError, ValueError) as exc:
            return Execution(status="crashed", message=f"the notebook's process sent an unreadable reply ({exc})")
        return Execution(status="ok", cells=cells_run, timed_out=bool(reply.get("timed_out")), raw_values=raw)

    def call(self, calls: list[dict[str, str]], arguments: dict[str, Any]) -> bytes | None:
        """Have the student's process call its functions; the raw reply, or None if it died or hung."""
        header = {"op": "call", "calls": calls, "timeout": self.limits.call_timeout}
        deadline = self.limits.call_timeout * max(len(calls), 1) + self.limits.grace
        try:
            return self.channel.request(header, arguments, deadline)
        except (ChannelClosed, ChannelTimeout):
            return None

    def stderr_tail(self) -> str:
        return ""

    def death_message(self) -> str:
        code = self.channel.returncode()
        signum = -code if code is not None and code < 0 else (code - 128 if code and code > 128 else 0)
        if signum in {s.value for s in signal.Signals}:
            name = signal.Signals(signum).name
            return f"the notebook's process was killed by {name} (a crash, or a resource limit was reached)"
        detail = self.stderr_tail()
        return f"the notebook's process exited early with code {code}" + (f": {detail}" if detail else "")


class StudentProcess(StudentSession):
    """A cold-started sandbox: one new bwrap (or, without bwrap, a limited process) per submission."""

    def __init__(self, limits: sandbox.Limits, *, require_sandbox: bool = False) -> None:
        self._scratch = Path(tempfile.mkdtemp(prefix="autograder-run-"))
        self._stderr = self._scratch.parent / f"{self._scratch.name}.stderr"
        self._group: cgroup.Group | None = None
        command, env = self._command(require_sandbox, limits.use_bwrap)
        sandboxed = env == {}
        user, group = _identity(limits, sandboxed)
        if user is not None:
            os.chown(self._scratch, user, group)
        elif os.geteuid() == 0:
            self._group = cgroup.create(limits.max_processes, limits.memory_mb)
        if self._group:
            command = self._group.wrap(command)
        channel = Channel.spawn(command, cwd=self._scratch, env=env, stderr_path=self._stderr, user=user, group=group)
        super().__init__(channel, limits, own_pid_namespace=sandboxed, uid=user)

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        if self._group:
            self._group.remove()
        shutil.rmtree(self._scratch, ignore_errors=True)
        self._stderr.unlink(missing_ok=True)

    def _command(self, require_sandbox: bool, use_bwrap: bool = True) -> tuple[list[str], dict[str, str] | None]:
        bwrap = sandbox.bwrap_path() if use_bwrap else None
        if bwrap:
            return sandbox.bwrap_command(bwrap, self._scratch, [sys.executable, *_RUNNER]), {}
        if require_sandbox:
            raise RuntimeError("bubblewrap (bwrap) is required but not installed")
        if not _warned_weak_isolation.is_set():
            _warned_weak_isolation.set()
            log.warning("bwrap not found: student code runs with resource limits only (as uid %d when the grader "
                        "is root); isolation is weaker", UNPRIVILEGED_UID)
        return [sys.executable, *_RUNNER], sandbox.unsandboxed_environment(self._scratch)

    def stderr_tail(self) -> str:
        return _last_line(self._stderr)


def _identity(limits: sandbox.Limits, sandboxed: bool) -> tuple[int | None, int | None]:
    """Who a root grader starts the student's process (bwrap or the bare runner) as; (None, None): itself."""
    if os.geteuid() != 0:
        return None, None
    if limits.run_as:
        return limits.run_as
    return (None, None) if sandboxed else (UNPRIVILEGED_UID, UNPRIVILEGED_UID)


def _cell_fields(cell: Any) -> dict[str, Any]:
    return {
        "index": int(cell["index"]),
        "status": str(cell["status"]),
        "output": str(cell.get("output", "")),
        "error": str(cell.get("error", "")),
    }


def _last_line(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1][:300] if lines else ""
