"""How a student's process is confined: the bubblewrap command line and the resource limits.

The sandbox sees a read-only system, the Python installation and this package's code, and one private
scratch directory as the only writable place. It never sees the checks, the gradebook, other
submissions or the instructor's files, because none of them is mounted. It has no network, its own
PID namespace, and runs with every capability dropped. When bwrap is missing the process still runs
under resource limits, and the grader says once that isolation is weaker.
"""

from __future__ import annotations

import logging
import os
import resource
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import autograder

log = logging.getLogger(__name__)

SANDBOX_HOME = "/sandbox"
"""Where the scratch directory appears inside the sandbox."""

_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC_ENTRIES = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "nsswitch.conf",
    "passwd",
    "group",
    "hosts",
    "fonts",
    "ssl",
    "ca-certificates",
    "alternatives",
    "mime.types",
    "matplotlibrc",
)


@dataclass(frozen=True)
class Limits:
    """Resource limits for one student process."""

    timeout: float = 60.0
    """Wall-clock seconds for running all cells; the process is killed a grace period later."""
    call_timeout: float = 10.0
    """Wall-clock seconds for each call of a student function made by a check."""
    memory_mb: int = 4096
    """Address-space limit in MiB."""
    cpu_seconds: int = 300
    """CPU-time limit; a safety net behind the wall-clock timeout."""
    file_size_mb: int = 64
    """Largest file the student's process may write."""
    max_processes: int = 256
    """Processes and threads the sandbox may hold at once (TensorFlow alone starts dozens of threads)."""
    output_kb: int = 256
    """Printed output kept per cell; the rest is counted and dropped, so a print loop cannot fill memory."""
    grace: float = 10.0
    """Seconds after the soft timeout before the process is killed outright."""
    run_as: tuple[int, int] | None = None
    """``(uid, gid)`` the student's process runs as when the grader is root; bwrap, if used, is started as it."""
    use_bwrap: bool = True
    """False: never use bubblewrap, even when installed (it cannot create namespaces in this container)."""


def bwrap_path() -> str | None:
    """The bubblewrap executable, or None when it is not installed."""
    return shutil.which("bwrap")


def mounted_paths() -> list[str]:
    """Read-only paths the sandboxed Python needs: its installation, its packages and our code."""
    package_root = Path(autograder.__file__).resolve().parent
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), package_root}
    for entry in sys.path:
        path = Path(entry).resolve() if entry else None
        if path and path.name in ("site-packages", "dist-packages") and path.is_dir():
            paths.add(path)
    return sorted(p.as_posix() for p in paths if not package_root.parent.is_relative_to(p))


def _system_args() -> list[str]:
    args: list[str] = []
    for path in _SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for entry in _ETC_ENTRIES:
        path = f"/etc/{entry}"
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


def _environment() -> dict[str, str]:
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": SANDBOX_HOME,
        "TMPDIR": "/tmp",
        "PYTHONPATH": str(Path(autograder.__file__).resolve().parent.parent),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
    }


def bwrap_command(bwrap: str, scratch: Path, inner: list[str]) -> list[str]:
    """The full bwrap invocation that runs ``inner`` with ``scratch`` as its only writable place."""
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    args += ["--uid", "65534", "--gid", "65534", "--hostname", "sandbox"]
    args += _system_args()
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for path in mounted_paths():
        args += ["--ro-bind", path, path]
    args += ["--bind", str(scratch), SANDBOX_HOME, "--chdir", SANDBOX_HOME, "--clearenv"]
    for key, value in _environment().items():
        args += ["--setenv", key, value]
    return [*args, "--", *inner]


def unsandboxed_environment(scratch: Path) -> dict[str, str]:
    """Environment for the weaker fallback: same variables, scratch as home."""
    env = _environment()
    env.update(HOME=str(scratch), TMPDIR=str(scratch), MPLCONFIGDIR=str(scratch / ".matplotlib"))
    return env


def apply_limits(limits: dict[str, int]) -> None:
    """Lower this process's rlimits (called by the runner itself, before any student code)."""
    mb = 1024 * 1024
    wanted = {
        resource.RLIMIT_AS: limits["memory_mb"] * mb,
        resource.RLIMIT_CPU: limits["cpu_seconds"],
        resource.RLIMIT_FSIZE: limits["file_size_mb"] * mb,
        resource.RLIMIT_CORE: 0,
    }
    if limits.get("nproc"):
        wanted[resource.RLIMIT_NPROC] = limits["nproc"]
    for which, value in wanted.items():
        _, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))


def nproc_budget(max_processes: int, uid: int | None = None) -> int:
    """RLIMIT_NPROC counts all of a user's processes, so allow what the user already runs plus the budget."""
    uid = os.getuid() if uid is None else uid
    mine = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                mine += entry.stat().st_uid == uid
            except OSError:
                continue
    return mine + max_processes
