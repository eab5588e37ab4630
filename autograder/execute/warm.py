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
        assert self._proc.stdin is not None
        with contextlib.suppress(OSError):
            self._proc.stdin.write(json.dumps(asdict(config)).encode())
            self._proc.stdin.close()

    def alive(self) -> bool:
        return self._proc.poll() is None

    def session(self) -> StudentSession:
        """A fresh sandboxed child, ready for a ``run`` message."""
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            socket.send_fds(self._control, [protocol.encode_control(protocol.Fork())], [to_child_r, from_child_w])
            forked = protocol.decode_control(self._control.recv(4096), protocol.Forked)
        except (OSError, protocol.ProtocolError) as exc:
            os.close(to_child_w)
            os.close(from_child_r)
            raise ZygoteError(f"the zygote did not fork ({exc})") from exc
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        group = self._own_group(forked.pid)
        exit_code: list[int] = []

        def wait(timeout: float) -> int | None:
            if not exit_code:
                self._control.settimeout(timeout)
                try:
                    message = self._control.recv(4096)
                except (TimeoutError, OSError):
                    return None
                finally:
                    self._control.settimeout(None)
                exit_code.append(_exit_code(message))
                if group:
                    group.remove()
            return exit_code[0]

        def kill() -> None:
            if not exit_code:
                with contextlib.suppress(OSError):
                    self._control.send(protocol.encode_control(protocol.Kill()))
                if wait(10.0) is None:
                    self.close()

        channel = Channel(os.fdopen(to_child_w, "wb"), os.fdopen(from_child_r, "rb", buffering=0),
                          kill=kill, wait=wait, alive=lambda: not exit_code)
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


def _exit_code(datagram: bytes) -> int:
    """The child's exit code from the zygote's report; a zygote that went away counts as SIGKILL."""
    if not datagram:
        return -9
    try:
        return protocol.decode_control(datagram, protocol.Exited).code
    except protocol.ProtocolError:
        return -9


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
