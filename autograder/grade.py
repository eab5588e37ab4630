"""Grade submissions: intake, run in the sandbox, check in a separate process, score.

One submission's failure never stops the others: every path out of ``grade_submission`` is a
``SubmissionResult`` with a status and a one-line message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from autograder.check.run import CheckError, run_checks
from autograder.execute.sandbox import Limits
from autograder.execute.session import StudentProcess
from autograder.intake import IntakeError, load_submission, student_name
from autograder.labs import LabBundle
from autograder.results import ERROR, GRADED, TIMEOUT, SubmissionResult, failed_result, score_questions

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 120.0
"""Seconds the check process may take per round."""


def _timeout_message(limits: Limits, cells_run: int, total: int) -> str:
    return (
        f"the notebook was stopped after {limits.timeout:g} s in code cell {cells_run} of {total}; "
        "questions answered before that cell were still graded"
    )


def grade_submission(
    bundle: LabBundle, path: Path, limits: Limits, *, public_only: bool = False, require_sandbox: bool = False
) -> SubmissionResult:
    """Grade one file against ``bundle``; never raises for anything the submission does."""
    started = time.monotonic()
    try:
        sub = load_submission(path, bundle.lab)
    except IntakeError as exc:
        return failed_result(bundle, str(path), student_name(path, bundle.lab), ERROR, str(exc))
    with StudentProcess(limits, require_sandbox=require_sandbox) as student:
        execution = student.run(list(sub.cells), list(bundle.names), bundle.preload)
        if execution.status != "ok":
            status = TIMEOUT if execution.status == "timeout" else ERROR
            return replace(
                failed_result(bundle, str(path), sub.student, status, execution.message),
                duration=time.monotonic() - started,
            )
        try:
            run = run_checks(bundle.test_files(public_only), execution, student, CHECK_TIMEOUT)
        except CheckError as exc:
            log.error("checks failed on %s: %s", path, exc)
            return replace(
                failed_result(bundle, str(path), sub.student, ERROR, str(exc)),
                cells=execution.cells,
                duration=time.monotonic() - started,
            )
    questions = score_questions(bundle, run.cases, run.all_or_nothing)
    status, message = GRADED, ""
    if execution.timed_out:
        status, message = TIMEOUT, _timeout_message(limits, len(execution.cells), len(sub.cells))
    return SubmissionResult(
        submission=str(path),
        student=sub.student,
        lab=bundle.lab,
        status=status,
        score=round(sum(q.score for q in questions), 6),
        max_score=bundle.max_score,
        message=message,
        questions=questions,
        cells=execution.cells,
        duration=time.monotonic() - started,
    )


def grade_many(bundle: LabBundle, paths: Iterable[Path], limits: Limits, **options: bool) -> Iterator[SubmissionResult]:
    """Grade each path in turn, yielding results as they come."""
    for path in paths:
        try:
            yield grade_submission(bundle, path, limits, **options)
        except Exception as exc:
            log.exception("internal error grading %s", path)
            yield failed_result(
                bundle,
                str(path),
                student_name(path, bundle.lab),
                ERROR,
                f"internal grader error ({type(exc).__name__}: {exc})",
            )
