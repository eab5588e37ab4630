"""The grader's side of a zygote: one warm, pre-imported sandbox per grading thread.

``Zygote.session()`` hands the zygote a fresh pair of pipes and gets back a ``StudentSession`` whose
sandboxed child is forked from the pre-imported process and then enters namespaces of its own (see
``inside/zygote.py``). When forking is not possible here (no bwrap, or no nested user namespaces), the caller
falls back to cold ``StudentProcess`` sandboxes, which isolate just as well and only start slower.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from autograder import protocol
from autograder.execute import cgroup, sandbox
from autograder.execute.channel import Channel
from autograder.execute.session import StudentProcess, StudentSession
from autograder.model import Limits

log = logging.getLogger(__name__)

ALWAYS_PRELOAD = ("sklearn.datasets", "matplotlib.pyplot")
"""Imported by every zygote: every lab's notebooks use them."""


class ZygoteError(Exception):
    """The zygote could not be started or stopped answering; it is restarted for the next submission."""


class Zygote:
    """A long-lived sandbox that forks one fresh sandbox per submission."""

    def __init__(self, limits: Limits, preload: tuple[str, ...]) -> None:
        bwrap = sandbox.bwrap_path()
        if bwrap is None:
            raise ZygoteError("bubblewrap is not installed")
        self.limits = limits
        self._scratch = Path(tempfile.mkdtemp(prefix="autograder-zygote-"))
        self._control, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        config = protocol.ZygoteConfig(
            preload=(*ALWAYS_PRELOAD, *preload),
            scratch_mb=max(64, limits.file_size_mb * 2),
            control_fd=child_end.fileno(),
            keep=tuple(p for p in sandbox.mounted_paths() if p.startswith("/tmp/")),
        )
        inner = [sys.executable, "-s", "-P", "-m", "autograder.inside.zygote"]
        command = sandbox.bwrap_command(bwrap, self._scratch, inner)
        self._group = cgroup.create(limits.max_processes + 64, limits.memory_mb * 2) if os.geteuid() == 0 else None
        if self._group:
            command = self._group.wrap(command)
        with open(self._scratch.parent / f"{self._scratch.name}.log", "wb") as log_file:
            self._proc = subprocess.Popen(command, pass_fds=[child_end.fileno()], stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True)
        child_end.close()
        self._exits: dict[int, int] = {}
        self._lock = threading.RLock()
        assert self._proc.stdin is not None
        with contextlib.suppress(OSError):
            self._proc.stdin.write(json.dumps(asdict(config)).encode())
            self._proc.stdin.close()

    def alive(self) -> bool:
        return self._proc.poll() is None

    def _next(self, timeout: float | None) -> protocol.Message | None:
        """The zygote's next report (``Forked`` or ``Exited``); None on a timeout. Exits are filed by pid."""
        self._control.settimeout(timeout)
        try:
            datagram = self._control.recv(4096)
        except TimeoutError:
            return None
        finally:
            self._control.settimeout(None)
        if not datagram:
            raise ZygoteError("the zygote has gone")
        message = protocol.decode_control(datagram, protocol.Forked, protocol.Exited)
        if isinstance(message, protocol.Exited):
            self._exits[message.pid] = message.code
        return message

    def _wait_exit(self, pid: int, timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while pid not in self._exits:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                try:
                    self._next(left)
                except (OSError, ZygoteError, protocol.ProtocolError):
                    self._exits[pid] = -9
            return self._exits[pid]

    def _fork(self, to_child_r: int, from_child_w: int) -> int:
        with self._lock:
            socket.send_fds(self._control, [protocol.encode_control(protocol.Fork())], [to_child_r, from_child_w])
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                message = self._next(deadline - time.monotonic())
                if isinstance(message, protocol.Forked):
                    return message.pid
        raise ZygoteError("the zygote did not answer")

    def session(self) -> StudentSession:
        """A fresh sandboxed child, ready for a ``run`` (or ``rebuild``) message; several may be alive at once."""
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            pid = self._fork(to_child_r, from_child_w)
        except (OSError, ZygoteError, protocol.ProtocolError) as exc:
            os.close(to_child_w)
            os.close(from_child_r)
            raise ZygoteError(f"the zygote did not fork ({exc})") from exc
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        group = self._own_group(pid)
        ended: list[int] = []

        def wait(timeout: float) -> int | None:
            if not ended:
                code = self._wait_exit(pid, timeout)
                if code is None:
                    return None
                ended.append(code)
                if group:
                    group.remove()
            return ended[0]

        def kill() -> None:
            if not ended:
                with contextlib.suppress(OSError):
                    self._control.send(protocol.encode_control(protocol.Kill(pid)))
                if wait(10.0) is None:
                    self.close()

        channel = Channel(os.fdopen(to_child_w, "wb"), os.fdopen(from_child_r, "rb", buffering=0),
                          kill=kill, wait=wait, alive=lambda: not ended)
        return StudentSession(channel, self.limits)

    def _own_group(self, ns_pid: int) -> cgroup.Group | None:
        """A cgroup of the submission's own (its memory and process ceilings), holding its processes.

        The child enters its namespaces and forks its init before it reads anything; the grader moves both
        into the group before it sends the cells, so everything the student's code starts is born inside.
        """
        if self._group is None:
            return None
        group = cgroup.create(self.limits.max_processes, self.limits.memory_mb)
        if group is None:
            return None
        deadline = time.monotonic() + 5
        while len(pids := cgroup.namespace_child(self._proc.pid, ns_pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.005)
        group.adopt(pids)
        return group

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._control.close()
        if self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, 9)
            self._proc.wait()
        if self._group:
            self._group.remove()
        shutil.rmtree(self._scratch, ignore_errors=True)
        (self._scratch.parent / f"{self._scratch.name}.log").unlink(missing_ok=True)


class SandboxFactory:
    """Gives each submission a sandbox: warm from a per-thread zygote when possible, cold otherwise."""

    def __init__(self, limits: Limits, preload: tuple[str, ...], *, warm: bool = True) -> None:
        self.limits = limits
        self.preload = preload
        self.warm = warm and limits.use_bwrap and limits.run_as is None and sandbox.bwrap_path() is not None
        self._local = threading.local()
        self._all: list[Zygote] = []
        self._lock = threading.Lock()

    def _zygote(self) -> Zygote:
        zygote: Zygote | None = getattr(self._local, "zygote", None)
        if zygote is None or not zygote.alive():
            if zygote is not None:
                zygote.close()
            zygote = Zygote(self.limits, self.preload)
            self._local.zygote = zygote
            with self._lock:
                self._all.append(zygote)
        return zygote

    def session(self) -> StudentSession:
        if self.warm:
            try:
                return self._zygote().session()
            except ZygoteError as exc:
                log.warning("warm sandbox unavailable (%s); starting a cold one", exc)
                self._local.zygote = None
        return StudentProcess(self.limits)

    def close(self) -> None:
        with self._lock:
            for zygote in self._all:
                zygote.close()
            self._all.clear()
