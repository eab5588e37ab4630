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
import time
from dataclasses import dataclass
from pathlib import Path

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


def create(max_processes: int, memory_mb: int) -> Group | None:
    """A fresh group with the limits applied, or None when this machine does not let us make one."""
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
