"""Grade submissions: intake, run in the sandbox, check in a separate process, score.

One submission's failure never stops the others: every path out of ``grade_submission`` is a
``SubmissionResult`` with a status and a one-line message.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from autograder.check.run import CheckError, CheckWorker
from autograder.execute.sandbox import Limits
from autograder.execute.warm import SandboxFactory
from autograder.feedback.runtime import cell_errors_message
from autograder.intake import IntakeError, load_submission, student_name
from autograder.labs import LabBundle
from autograder.record import artifacts
from autograder.results import ERROR, GRADED, INTERNAL_ERROR, TIMEOUT, SubmissionResult, failed_result, score_questions

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
    next submission because neither ever holds student code.
    """

    def __init__(self, bundle: LabBundle, limits: Limits, *, warm: bool = True, public_only: bool = False) -> None:
        self.bundle = bundle
        self.limits = limits
        self.public_only = public_only
        self.sandboxes = SandboxFactory(limits, bundle.preload, warm=warm)
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

    def grade(self, path: Path, student: str | None = None) -> SubmissionResult:
        """Grade one file; never raises for anything the submission does."""
        started = time.monotonic()
        bundle = self.bundle
        try:
            sub = load_submission(path, bundle.lab)
        except IntakeError as exc:
            return failed_result(bundle, str(path), student or student_name(path, bundle.lab), ERROR, str(exc))
        name = student or sub.student
        with self.sandboxes.session() as session:
            execution = session.run(list(sub.cells), list(bundle.names), bundle.preload)
            if execution.status != "ok":
                status = TIMEOUT if execution.status == "timeout" else ERROR
                return replace(failed_result(bundle, str(path), name, status, execution.message),
                               duration=time.monotonic() - started)
            try:
                run = self._checker().run(bundle.test_files(self.public_only), execution, session, CHECK_TIMEOUT)
            except CheckError as exc:
                log.error("checks failed on %s: %s", path, exc)
                return replace(failed_result(bundle, str(path), name, ERROR, str(exc)),
                               cells=execution.cells, duration=time.monotonic() - started)
        questions = score_questions(bundle, run.cases, run.all_or_nothing)
        status, message = GRADED, cell_errors_message(execution.cells, self.limits)
        if execution.timed_out:
            status, message = TIMEOUT, _timeout_message(self.limits, len(execution.cells), len(sub.cells))
        return SubmissionResult(
            submission=str(path), student=name, lab=bundle.lab, status=status,
            score=round(sum(q.score for q in questions), 6), max_score=bundle.max_score, message=message,
            questions=questions, cells=execution.cells, duration=time.monotonic() - started,
            artifacts=artifacts.extract(execution.raw_values),
        )


def grade_submission(bundle: LabBundle, path: Path, limits: Limits, *, public_only: bool = False) -> SubmissionResult:
    """Grade a single file in a cold sandbox (for many files, use a ``Grader``)."""
    with Grader(bundle, limits, warm=False, public_only=public_only) as grader:
        return grader.grade(path)


def grade_many(bundle: LabBundle, paths: Iterable[Path], limits: Limits, **options: bool) -> Iterator[SubmissionResult]:
    """Grade each path in turn with one warm grader, yielding results as they come."""
    with Grader(bundle, limits, **options) as grader:
        for path in paths:
            try:
                yield grader.grade(path)
            except Exception as exc:
                log.exception("internal error grading %s", path)
                yield failed_result(bundle, str(path), student_name(path, bundle.lab), ERROR,
                                    f"{INTERNAL_ERROR} ({type(exc).__name__}: {exc})")
