"""Inside the sandbox: the runner lowers its own rlimits before any student code runs."""

from __future__ import annotations

import resource

from autograder.protocol import RLimits


def apply_limits(limits: RLimits) -> None:
    """Lower this process's address space, CPU, file size, core and (when given) process limits."""
    mb = 1024 * 1024
    wanted = {
        resource.RLIMIT_AS: limits.memory_mb * mb,
        resource.RLIMIT_CPU: limits.cpu_seconds,
        resource.RLIMIT_FSIZE: limits.file_size_mb * mb,
        resource.RLIMIT_CORE: 0,
    }
    if limits.nproc:
        wanted[resource.RLIMIT_NPROC] = limits.nproc
    for which, value in wanted.items():
        _, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))
