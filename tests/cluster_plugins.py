"""A grading plugin for the cluster tests' workers (imported there by name): it kills its own worker on purpose."""

from __future__ import annotations

import os
import signal

from autograder import protocol
from autograder.cluster.worker import GradingPlugin

POISON = "poison"
"""The student whose submission kills every worker that grades it."""


class PoisonPlugin(GradingPlugin):
    """Grades as usual, except that the worker grading ``POISON``'s submission dies with SIGKILL, as if it ran out
    of memory; the coordinator must give up on it after Dask's allowed failures and record it once."""

    def grade(self, body: bytes) -> bytes:
        task, _ = protocol.decode(body, protocol.GradeTask)
        if task.received.candidate.student == POISON:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().grade(body)
