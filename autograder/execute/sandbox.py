"""The grader's side of confinement: the bubblewrap command line and the budgets the runner is given.

The sandbox sees a read-only system, the Python installation and this package's code, and one private
scratch directory as the only writable place. It never sees the checks, the gradebook, other
submissions or the instructor's files, because none of them is mounted. It has no network, its own
PID namespace, and runs with every capability dropped. When bwrap is missing the process still runs
under resource limits, and the grader says once that isolation is weaker. The limits themselves are
``model.Limits``; the runner applies its rlimits itself (``inside/limits.py``).
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
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
    """The student process's whole environment; ``TF_CPP_MIN_LOG_LEVEL`` keeps TensorFlow's start-up log (absl,
    CPU features) out of every recorded output."""
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
        "TF_CPP_MIN_LOG_LEVEL": "3",
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
