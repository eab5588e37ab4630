"""The coordinator's side of cluster grading: connect, ship the lab, submit every submission, yield its result.

Each submission is one Dask task whose argument is a ``GradeTask`` in bytes and whose result is a ``Graded``
in bytes. Dask moves a task to another worker when its worker dies; a submission that was running on
``allowed-failures + 1`` workers as they died is given up by Dask (``KilledWorker``) and recorded here as an
``error`` with a message saying so, so a submission that kills workers is not retried for ever. Results are
yielded as they complete, each exactly once, and the caller stores them: the coordinator stays the
gradebook's only writer and nothing is stored on the workers.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import CancelledError
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from autograder import protocol
from autograder.check import unseen
from autograder.check.score import failed_result
from autograder.labs import LabBundle, bundle_entries
from autograder.model import (
    INTERNAL_ERROR,
    Artifact,
    ArtifactKind,
    Limits,
    Received,
    RunInfo,
    Status,
    SubmissionResult,
)

K = TypeVar("K")
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
"""Environment variable naming the scheduler when ``--scheduler`` is not given (Dask's own name for it)."""
PLUGIN_PREFIX = "autograder:"
_ADDRESS = re.compile(r"((tcp|tls|ws|wss|ucx)://)?[A-Za-z0-9_.\-\[\]:]+:\d{1,5}")


class ClusterError(Exception):
    """The cluster cannot be reached, has no workers, cannot set the lab up, or lost the batch (one line)."""


def scheduler_address(text: str) -> str:
    """``text`` stripped when it reads as a scheduler address (``tcp://HOST:PORT``); ValueError otherwise."""
    address = text.strip()
    if not _ADDRESS.fullmatch(address):
        raise ValueError(f"--scheduler {text!r} is not a Dask scheduler address: expected e.g. tcp://127.0.0.1:8786")
    return address


def _scheduler_state() -> Any:
    """What the coordinator asks the scheduler: clients connected, worker plugins, allowed failures.

    A lambda, so that Dask ships it by value: the scheduler need not have this project installed."""
    return lambda dask_scheduler: (list(dask_scheduler.clients), list(dask_scheduler.worker_plugins),
                                   dask_scheduler.allowed_failures)


class ClusterGrading:
    """Grades one lab's submissions on the Dask cluster at ``address``; use it as a context manager."""

    def __init__(self, address: str, bundle: LabBundle, limits: Limits, *, warm: bool = True,
                 plugin_type: type | None = None, connect_timeout: float = 20.0, worker_wait: float = 60.0) -> None:
        self.address = address
        self.bundle = bundle
        self.limits = limits
        self.warm = warm
        self.plugin_type = plugin_type
        """The worker plugin class (``worker.GradingPlugin`` unless a test gives a subclass)."""
        self.connect_timeout = connect_timeout
        self.worker_wait = worker_wait
        self.threads = 0
        """Worker threads on the cluster when the batch started (each grades one submission at a time)."""
        self.allowed_failures = 0
        self._client: Any = None
        self._name = ""

    def __enter__(self) -> ClusterGrading:
        try:
            from distributed import Client
        except ImportError as exc:
            raise ClusterError("grading on a cluster needs Dask: "
                               "pip install 'tensor-labs-autograder[cluster]'") from exc
        try:
            self._client = Client(self.address, timeout=f"{self.connect_timeout}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from exc
        try:
            self._start()
        except BaseException:
            self._client.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is None:
            return
        with contextlib.suppress(Exception):  # a plugin left behind is removed as stale by the next coordinator
            if self._name:
                self._client.unregister_worker_plugin(self._name)
        self._client.close()
        self._client = None

    def _start(self) -> None:
        from autograder.cluster.worker import GradingPlugin, pack_bundle

        try:
            self._client.wait_for_workers(1, timeout=self.worker_wait)
        except TimeoutError as exc:
            raise ClusterError(f"no Dask worker joined the scheduler at {self.address} within "
                               f"{self.worker_wait:g} s") from exc
        clients, plugins, self.allowed_failures = self._client.run_on_scheduler(_scheduler_state())
        for stale in plugins:
            if stale.startswith(PLUGIN_PREFIX) and stale.rsplit(":", 1)[-1] not in clients:
                self._client.unregister_worker_plugin(stale)
        self._name = f"{PLUGIN_PREFIX}{self.bundle.lab}:{self.bundle.version[:12]}:{self._client.id}"
        key = unseen.course_key(self.bundle.tests_dir.parent.parent)
        plugin = (self.plugin_type or GradingPlugin)(self._name, self.bundle.version,
                                                     pack_bundle(bundle_entries(self.bundle)), key,
                                                     asdict(self.limits), self.warm)
        try:
            self._client.register_plugin(plugin, name=self._name)
        except Exception as exc:
            self._name = ""
            raise ClusterError(f"the workers could not set up {self.bundle.lab}: {type(exc).__name__}: {exc}") from exc
        self.threads = sum(self._client.nthreads().values())

    def grade(self, items: Iterable[tuple[K, Received]]) -> Iterator[tuple[K, SubmissionResult, RunInfo]]:
        """Submit every item at once; yield each one's result and run as it completes (in completion order)."""
        from distributed import as_completed

        from autograder.cluster.worker import grade_task

        futures = {}
        for item, received in items:
            body = protocol.encode(protocol.GradeTask(self.bundle.version, received))
            future = self._client.submit(grade_task, self._name, body, pure=False,
                                         key=f"grade-{self.bundle.lab}-{uuid.uuid4().hex}")
            futures[future] = (item, received)
        for future in as_completed(list(futures), loop=self._client.loop):
            item, received = futures.pop(future)
            result, run = self._outcome(future, received)
            future.release()
            yield item, result, run

    def _outcome(self, future: Any, received: Received) -> tuple[SubmissionResult, RunInfo]:
        from distributed import KilledWorker

        started = datetime.now(UTC)
        try:
            return self._decode(future.result())
        except KilledWorker:
            message = (f"each of the {self.allowed_failures + 1} workers grading this submission died while it ran; "
                       "it is not tried again (grade it alone with --regrade to see what it does)")
            return self._failure(received, Status.ERROR, message, started)
        except CancelledError as exc:
            raise ClusterError(f"the scheduler at {self.address} dropped the batch (restarted or unreachable); "
                               "results stored so far are kept") from exc
        except Exception as exc:
            message = f"{INTERNAL_ERROR} (on the cluster: {type(exc).__name__}: {exc})"
            return self._failure(received, Status.ERROR, message, started)

    def _decode(self, body: bytes) -> tuple[SubmissionResult, RunInfo]:
        graded, values = protocol.decode(body, protocol.Graded)
        artifacts = tuple(Artifact(ref.name, ArtifactKind(ref.kind), values[ref.key]) for ref in graded.artifacts)
        run = RunInfo(self.bundle.version, graded.grader_version, graded.started, graded.finished, asdict(self.limits))
        return replace(graded.result, artifacts=artifacts), run

    def _failure(self, received: Received, status: Status, message: str,
                 started: datetime) -> tuple[SubmissionResult, RunInfo]:
        candidate = received.candidate
        result = failed_result(self.bundle, str(candidate.path), candidate.student, status, message)
        run = RunInfo(self.bundle.version, "", started, datetime.now(UTC), asdict(self.limits))
        return result, run
