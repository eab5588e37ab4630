"""Per-sandbox control groups: a process-count and memory ceiling that fork bombs cannot dodge.

rlimits on process count do not bind processes that are root outside their user namespace, which is
what bubblewrap gives when the grader runs as root; a cgroup does. Both cgroup v2 and the v1 ``pids``
and ``memory`` hierarchies are supported. When no cgroup can be made (an ordinary user without
delegation), ``Limits`` fall back to rlimits, which do bind ordinary users.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.pids import running

log = logging.getLogger(__name__)

ROOT = Path("/sys/fs/cgroup")
_counter = itertools.count()


@dataclass(frozen=True)
class Group:
    """The cgroup directories of one sandbox (one per v1 hierarchy, or a single v2 one)."""

    dirs: tuple[Path, ...]

    @property
    def procs_files(self) -> list[str]:
        return [str(d / "cgroup.procs") for d in self.dirs]

    def wrap(self, command: list[str]) -> list[str]:
        """A command that joins the group before exec'ing ``command``, so every child is inside it."""
        script = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1"; shift; n=$((n-1)); done; exec "$@"'
        return ["/bin/sh", "-c", script, "sh", str(len(self.dirs)), *self.procs_files, *command]

    def adopt(self, pids: list[int]) -> None:
        """Move running processes into the group (their later children are born inside it)."""
        for path in self.procs_files:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    _write(Path(path), str(pid))

    def kill_all(self) -> None:
        """SIGKILL every process still in the group, until it is empty."""
        for _ in range(50):
            pids = {int(n) for path in self.procs_files if os.path.exists(path)
                    for n in Path(path).read_text().split() if n.isdigit()}
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)

    def remove(self) -> None:
        for d in self.dirs:
            for _ in range(50):
                with contextlib.suppress(FileNotFoundError):
                    try:
                        d.rmdir()
                    except OSError:
                        time.sleep(0.02)
                        continue
                break


def _v2_base() -> Path | None:
    controllers = ROOT / "cgroup.controllers"
    if controllers.is_file() and "pids" in controllers.read_text().split() and os.access(ROOT, os.W_OK):
        return ROOT
    return None


def _write(path: Path, value: str) -> None:
    path.write_text(value)


def sweep_stale() -> int:
    """Remove the (empty) groups of graders that are gone, e.g. killed with SIGKILL; how many were removed."""
    removed = 0
    for parent in (ROOT, ROOT / "pids", ROOT / "memory"):
        for group in parent.glob("autograder-*-*") if parent.is_dir() else ():
            pid = group.name.split("-")[1]
            if pid.isdigit() and not running(int(pid)):
                with contextlib.suppress(OSError):
                    group.rmdir()
                    removed += 1
    return removed


_swept: list[bool] = []


def create(max_processes: int, memory_mb: int) -> Group | None:
    """A fresh group with the limits applied, or None when this machine does not let us make one."""
    if not _swept:
        _swept.append(True)
        sweep_stale()
    name = f"autograder-{os.getpid()}-{next(_counter)}"
    try:
        if base := _v2_base():
            group = base / name
            group.mkdir()
            _write(group / "pids.max", str(max_processes))
            with contextlib.suppress(OSError):
                _write(group / "memory.max", str(memory_mb * 2**20))
            return Group((group,))
        pids, memory = ROOT / "pids", ROOT / "memory"
        if not (os.access(pids, os.W_OK) and (pids / "cgroup.procs").exists()):
            return None
        dirs = [pids / name]
        dirs[0].mkdir()
        _write(dirs[0] / "pids.max", str(max_processes))
        if os.access(memory, os.W_OK):
            (memory / name).mkdir()
            dirs.append(memory / name)
            _write(memory / name / "memory.limit_in_bytes", str(memory_mb * 2**20))
        return Group(tuple(dirs))
    except OSError as exc:
        log.debug("no cgroup for the sandbox: %s", exc)
        return None


def kill_user(uid: int) -> None:
    """SIGKILL every process of ``uid`` (a user that runs nothing but student code)."""
    for _ in range(20):
        found = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                owner = os.stat(f"/proc/{entry}").st_uid
            except OSError:
                continue
            if owner == uid and int(entry) != os.getpid():
                found = True
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(entry), signal.SIGKILL)
        if not found:
            return
        time.sleep(0.02)


def _status(pid: str) -> tuple[int, list[int]] | None:
    """(parent pid, pids in each nested PID namespace) of a host process, None when it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    try:
        return int(fields["PPid"]), [int(n) for n in fields.get("NSpid", "").split()]
    except (KeyError, ValueError):
        return None


def namespace_child(root: int, ns_pid: int) -> list[int]:
    """Host pids of the process a sandbox knows as ``ns_pid`` (one level down from host pid ``root``), and of
    every process below it."""
    table = {int(e): st for e in os.listdir("/proc") if e.isdigit() and (st := _status(e)) is not None}

    def below(pid: int, ancestor: int) -> bool:
        for _ in range(64):
            parent = table.get(pid, (0, []))[0]
            if parent == ancestor:
                return True
            if parent <= 1:
                return False
            pid = parent
        return False

    heads = [p for p, (_, ns) in table.items() if len(ns) >= 2 and ns[1] == ns_pid and below(p, root)]
    return [p for p in table if any(p == h or below(p, h) for h in heads)]
