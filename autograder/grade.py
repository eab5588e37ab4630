"""Grade submissions: run a received notebook in the sandbox, check it in a separate process, score it.

One submission's failure never stops the others: every path out of ``Grader.grade`` is a ``SubmissionResult``
with a status and a one-line message, and ``Grader.grade`` is the one place where a failure of the grader
itself becomes a result (marked ``INTERNAL_ERROR``, so the next batch grades it again).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from autograder.check import unseen
from autograder.check.failures import cell_failures
from autograder.check.run import CheckError, CheckWorker
from autograder.check.score import failed_result, score_questions
from autograder.execute.rebuilt import Rebuilder
from autograder.execute.warm import SandboxFactory
from autograder.feedback.runtime import cell_errors_message
from autograder.intake import file_candidate, receive
from autograder.labs import LabBundle
from autograder.model import INTERNAL_ERROR, ExecutionStatus, Limits, Received, Stage, Status, SubmissionResult
from autograder.record import artifacts
from autograder.text import valid

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 120.0
"""Seconds the check process may take per round."""


def _timeout_message(limits: Limits, cells_run: int, total: int) -> str:
    return (
        f"the notebook was stopped after {limits.timeout:g} s in code cell {cells_run} of {total}; "
        "questions answered before that cell were still graded"
    )


class Grader:
    """Grades submissions of one lab from any number of threads.

    Each thread gets its own warm sandbox factory (a pre-imported zygote) and its own check process, so
    no state is shared between submissions graded at the same time; both are reused for the thread's
    next submission because neither ever holds student code. ``key`` draws the unseen inputs: by default the
    course's own, on a cluster worker the coordinator's, so that a submission gets the same inputs anywhere.
    """

    def __init__(self, bundle: LabBundle, limits: Limits, *, warm: bool = True, public_only: bool = False,
                 key: bytes | None = None) -> None:
        self.bundle = bundle
        self.limits = limits
        self.public_only = public_only
        self.sandboxes = SandboxFactory(limits, bundle.preload, warm=warm)
        self._key = key if key is not None else unseen.course_key(bundle.tests_dir.parent.parent)
        self._local = threading.local()
        self._workers: list[CheckWorker] = []
        self._lock = threading.Lock()

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _checker(self) -> CheckWorker:
        worker = getattr(self._local, "checker", None)
        if worker is None:
            worker = self._local.checker = CheckWorker()
            with self._lock:
                self._workers.append(worker)
        return worker

    def close(self) -> None:
        self.sandboxes.close()
        with self._lock:
            for worker in self._workers:
                worker.close()
            self._workers.clear()

    def grade(self, received: Received) -> SubmissionResult:
        """Grade one received file; never raises, whatever the submission or the grader does."""
        started = time.monotonic()
        try:
            result = self._grade(received)
        except Exception as exc:
            log.exception("internal error grading %s", received.candidate.path)
            result = self._failed(received, Status.ERROR, f"{INTERNAL_ERROR} ({type(exc).__name__}: {exc})")
        return replace(result, duration=time.monotonic() - started)

    def grade_file(self, path: Path) -> SubmissionResult:
        """Grade a file given on its own (its name is the student's identity)."""
        return self.grade(receive(file_candidate(path, self.bundle.lab), self.bundle.lab))

    def _failed(self, received: Received, status: Status, message: str) -> SubmissionResult:
        return failed_result(self.bundle, valid(str(received.candidate.path)), valid(received.candidate.student),
                             status, valid(message))

    def _grade(self, received: Received) -> SubmissionResult:
        if received.problem is not None:
            return self._failed(received, Status.ERROR, received.problem)
        bundle = self.bundle
        forking = time.perf_counter()
        with self.sandboxes.session() as session:
            timings = {str(Stage.SANDBOX): time.perf_counter() - forking}
            execution = session.run(received.cells, bundle.names, bundle.preload)
            timings |= execution.timings
            if execution.status != ExecutionStatus.OK:
                status = Status.TIMEOUT if execution.status == ExecutionStatus.TIMEOUT else Status.ERROR
                return replace(self._failed(received, status, execution.message), timings=timings)
            try:
                seed = unseen.seed_for(self._key, received.sha256)
                with Rebuilder(self.sandboxes, execution, bundle.preload) as rebuilder:
                    run = self._checker().run(bundle.test_files(self.public_only), execution, session,
                                              CHECK_TIMEOUT, seed, rebuilder,
                                              failures=cell_failures(execution.cells, received.cells),
                                              support=bundle.support_dir)
            except CheckError as exc:
                log.error("checks failed on %s: %s", received.candidate.path, exc)
                return replace(self._failed(received, Status.ERROR, str(exc)), cells=execution.cells, timings=timings)
            timings |= run.timings
        questions = score_questions(bundle, run.cases, run.all_or_nothing)
        status, message = Status.GRADED, cell_errors_message(execution.cells, self.limits)
        if execution.timed_out:
            status = Status.TIMEOUT
            message = _timeout_message(self.limits, len(execution.cells), len(received.cells))
        return SubmissionResult(
            submission=valid(str(received.candidate.path)), student=valid(received.candidate.student), lab=bundle.lab,
            status=status, score=round(sum(q.score for q in questions), 6), max_score=bundle.max_score,
            message=message, questions=questions, cells=execution.cells,
            artifacts=artifacts.extract(execution.raw_values), timings=timings,
        )


def grade_many(bundle: LabBundle, paths: Iterable[Path], limits: Limits, **options: bool) -> Iterator[SubmissionResult]:
    """Grade each file given on its own in turn with one warm grader, yielding results as they come."""
    with Grader(bundle, limits, **options) as grader:
        for path in paths:
            yield grader.grade_file(path)


def grade_submission(bundle: LabBundle, path: Path, limits: Limits, *, public_only: bool = False) -> SubmissionResult:
    """Grade a single file in a cold sandbox (for many files, use a ``Grader``)."""
    (result,) = grade_many(bundle, [path], limits, warm=False, public_only=public_only)
    return result
