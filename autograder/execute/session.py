"""The grader's side of one student process: start it sandboxed, run the cells, probe functions, stop it."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from autograder import protocol, transport
from autograder.execute import cgroup, sandbox
from autograder.execute.channel import Channel, ChannelClosed, ChannelTimeout
from autograder.model import CellRecord, Execution, ExecutionStatus, Limits, Stage
from autograder.text import ERROR_CHARS, OUTPUT_CHARS, bounded

log = logging.getLogger(__name__)
_warned_weak_isolation = threading.Event()
_RUNNER = ["-s", "-P", "-m", "autograder.inside.runner"]
UNPRIVILEGED_UID = 65534
"""Without bwrap, a grader running as root still runs student code as this user (nobody)."""


class StudentSession:
    """One submission's sandboxed runner holding its namespace: run the cells, then answer probe calls."""

    def __init__(self, channel: Channel, limits: Limits, *, own_pid_namespace: bool = True,
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
        self.channel.close(goodbye=protocol.Exit())

    def _rlimits(self) -> protocol.RLimits:
        nproc = None
        if self.uid is not None:
            nproc = sandbox.nproc_budget(self.limits.max_processes, uid=self.uid)
        elif os.geteuid() != 0:
            nproc = sandbox.nproc_budget(self.limits.max_processes)
        return protocol.RLimits(self.limits.memory_mb, self.limits.cpu_seconds, self.limits.file_size_mb, nproc)

    def run(self, cells: tuple[str, ...], names: tuple[str, ...], preload: tuple[str, ...] = ()) -> Execution:
        """Run the cells under the soft deadline and collect the named values (left encoded for the checks)."""
        request = protocol.RunCells(
            cells=tuple(cells), names=tuple(names), timeout=self.limits.timeout, rlimits=self._rlimits(),
            output_limit=self.limits.output_kb * 1024, preload=tuple(preload),
            own_pid_namespace=self.own_pid_namespace,
        )
        limit = self.limits.values_mb * 2**20
        started = time.perf_counter()
        try:
            raw = self.channel.request(request, None, self.limits.timeout + self.limits.grace, limit)
            reply = protocol.from_header(transport.loads_header(raw), protocol.Ran)
        except ChannelTimeout:
            message = f"the notebook did not finish within the time limit of {self.limits.timeout:g} s"
            return Execution(ExecutionStatus.TIMEOUT, timed_out=True, message=message)
        except ChannelClosed as exc:
            if "exceeds the limit" in str(exc):
                self.channel.kill()
                message = (f"the notebook's values add up to more than {self.limits.values_mb} MiB "
                           "(--values-size): keep large intermediate results out of the graded variables")
                return Execution(ExecutionStatus.CRASHED, message=message)
            return Execution(ExecutionStatus.CRASHED, message=self.death_message())
        except transport.TransportError as exc:
            message = bounded(f"the notebook's process sent an unreadable reply ({exc})", ERROR_CHARS)
            return Execution(ExecutionStatus.CRASHED, message=message)
        cells = _bounded_cells(reply.cells, len(cells))
        return Execution(ExecutionStatus.OK, cells=cells, timed_out=reply.timed_out, raw_values=raw,
                         timings=run_timings(reply.timings, time.perf_counter() - started))

    def call(self, calls: tuple[protocol.Call, ...], arguments: dict[str, Any]) -> bytes | None:
        """Have the student's process call its functions; the raw reply, or None if it died or hung."""
        request = protocol.CallFunctions(tuple(calls), self.limits.call_timeout)
        deadline = self.limits.call_timeout * max(len(calls), 1) + self.limits.grace
        try:
            return self.channel.request(request, arguments, deadline)
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

    def __init__(self, limits: Limits, *, require_sandbox: bool = False) -> None:
        self._scratch = Path(tempfile.mkdtemp(prefix="autograder-run-"))
        self._stderr = self._scratch.parent / f"{self._scratch.name}.stderr"
        self._group: cgroup.Group | None = None
        self._dedicated_user = limits.run_as[0] if limits.run_as else None
        command, env = self._command(require_sandbox, limits.use_bwrap)
        sandboxed = env == {}
        user, group = _identity(limits, sandboxed)
        if user is not None:
            os.chown(self._scratch, user, group)
        if os.geteuid() == 0:
            self._group = cgroup.create(limits.max_processes, limits.memory_mb)
        if self._group and user is None:
            command = self._group.wrap(command)
        channel = Channel.spawn(command, cwd=self._scratch, env=env, stderr_path=self._stderr, user=user, group=group)
        if self._group and user is not None and channel.pid is not None:
            self._group.adopt([channel.pid])
        super().__init__(channel, limits, own_pid_namespace=sandboxed, uid=user)

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        self._kill_leftovers()
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

    def _kill_leftovers(self) -> None:
        """Nothing of the submission outlives it: a daemon that left the process group is found by its cgroup
        or, without one, by the dedicated account it runs as (``Limits.run_as``, as on Gradescope; never the
        shared ``nobody``). Under bwrap the PID namespace ends with the runner anyway."""
        if self._group:
            self._group.kill_all()
        elif self._dedicated_user is not None and self._dedicated_user != os.getuid():
            cgroup.kill_user(self._dedicated_user)


def _identity(limits: Limits, sandboxed: bool) -> tuple[int | None, int | None]:
    """Who a root grader starts the student's process (bwrap or the bare runner) as; (None, None): itself."""
    if os.geteuid() != 0:
        return None, None
    if limits.run_as:
        return limits.run_as
    return (None, None) if sandboxed else (UNPRIVILEGED_UID, UNPRIVILEGED_UID)


def run_timings(inside: dict[str, float], total: float) -> dict[str, float]:
    """The runner's own stages (kept only when they are plausible numbers within the round trip) and the round
    trip's remainder as ``values transfer``."""
    stages = (Stage.SETUP, Stage.CELLS, Stage.EXPORT)
    own = {str(s): float(inside[s]) for s in stages if isinstance(inside.get(s), float) and 0 <= inside[s] <= total}
    if sum(own.values()) > total:
        own = {}
    return own | {str(Stage.TRANSFER): total - sum(own.values())}


def _bounded_cells(cells: tuple[CellRecord, ...], sent: int) -> tuple[CellRecord, ...]:
    """The runner's cell records as the grader keeps them: one per cell sent at most, texts valid and bounded."""
    return tuple(replace(c, output=bounded(c.output, OUTPUT_CHARS, "output"), error=bounded(c.error, ERROR_CHARS))
                 for c in cells[:sent])


def _last_line(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1][:300] if lines else ""
