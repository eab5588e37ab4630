"""Grade a whole class: record every submission, grade the ones without a result in parallel, store each run.

Workers only grade; the calling thread is the gradebook's only writer, so results are stored one
transaction each, in completion order. A batch that is killed and started again grades exactly the
submissions that have no current run.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import autograder
from autograder.execute.sandbox import Limits
from autograder.grade import Grader
from autograder.intake.lms import Candidate, latest_per_student
from autograder.labs import LabBundle
from autograder.record.gradebook import Gradebook, RunInfo, SubmissionInfo
from autograder.results import ERROR, INTERNAL_ERROR, SubmissionResult, failed_result

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchOptions:
    jobs: int = os.cpu_count() or 1
    regrade: bool = False
    limits: Limits = field(default_factory=Limits)
    warm: bool = True
    """Fork each submission's sandbox from a pre-imported zygote instead of starting it cold."""
    due: datetime | None = None
    """Due date; lateness is computed from submission times when the download carries them."""


@dataclass(frozen=True)
class BatchOutcome:
    submission_ids: tuple[int, ...]
    """Every submission the batch was given, graded now or earlier."""
    graded_now: int


@dataclass(frozen=True)
class Pending:
    """A recorded submission that this batch will grade."""

    submission_id: int
    candidate: Candidate


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _late_seconds(candidate: Candidate, due: datetime | None) -> float | None:
    if due is None or candidate.submitted_at is None:
        return None
    return max(0.0, (candidate.submitted_at - due).total_seconds())


def submission_info(lab: str, candidate: Candidate, due: datetime | None) -> SubmissionInfo:
    late_seconds = _late_seconds(candidate, due)
    late = candidate.late if candidate.late is not None else (None if late_seconds is None else late_seconds > 0)
    return SubmissionInfo(
        lab=lab, student=candidate.student, path=str(candidate.path), sha256=_sha256(candidate.path),
        source=candidate.source, display_name=candidate.display_name, original_name=candidate.original_name,
        submitted_at=candidate.submitted_at, late=late, late_seconds=late_seconds, attempt=candidate.attempt,
    )


def record_candidates(book: Gradebook, lab: str, candidates: Sequence[Candidate], due: datetime | None) -> dict[
    Candidate, int
]:
    """Insert every candidate (idempotently) and mark older attempts as superseded."""
    ids = {c: book.add_submission(submission_info(lab, c, due)) for c in candidates}
    _, superseded = latest_per_student(list(candidates))
    known = {r.submission_id for r in book.results(lab, include_superseded=True) if r.superseded}
    book.set_superseded(lab, (known - set(ids.values())) | {ids[c] for c in superseded})
    return ids


def _grade_one(grader: Grader, item: Pending) -> tuple[Pending, SubmissionResult, RunInfo]:
    started = datetime.now(timezone.utc)
    try:
        result = grader.grade(item.candidate.path, student=item.candidate.student)
    except Exception as exc:
        log.exception("internal error grading %s", item.candidate.path)
        result = failed_result(grader.bundle, str(item.candidate.path), item.candidate.student, ERROR,
                               f"{INTERNAL_ERROR} ({type(exc).__name__}: {exc})")
    run = RunInfo(grader.bundle.version, autograder.__version__, started, datetime.now(timezone.utc),
                  asdict(grader.limits))
    return item, result, run


def grade_batch(
    bundle: LabBundle,
    book: Gradebook,
    candidates: Sequence[Candidate],
    options: BatchOptions,
    on_result: Callable[[SubmissionResult], None] = lambda r: None,
) -> BatchOutcome:
    """Grade the candidates that need it; says which submissions this batch covered and how many it graded."""
    ids = record_candidates(book, bundle.lab, candidates, options.due)
    todo = [Pending(i, c) for c, i in ids.items() if options.regrade or book.needs_grading(i)]
    outcome = BatchOutcome(tuple(ids.values()), len(todo))
    if not todo:
        return outcome
    jobs = max(1, min(options.jobs, len(todo)))
    with Grader(bundle, options.limits, warm=options.warm) as grader, ThreadPoolExecutor(jobs, "grade") as pool:
        futures = [pool.submit(_grade_one, grader, item) for item in todo]
        for future in as_completed(futures):
            item, result, run = future.result()
            book.record_run(item.submission_id, result, run)
            on_result(result)
    return outcome
