"""Grade a whole class: record every submission, grade the ones without a result in parallel, store each run.

Workers only grade; the calling thread is the gradebook's only writer, so results are stored one
transaction each, in completion order. A batch that is killed and started again grades exactly the
submissions that have no current run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import autograder
from autograder.grade import Grader
from autograder.intake import receive
from autograder.intake.lms import blackboard, discover, latest_per_student
from autograder.intake.roster import Roster, RosterReport, load_roster, reconcile
from autograder.intake.workspace import WORKSPACE_DIR, batch_workspace
from autograder.labs import LabBundle
from autograder.model import Candidate, Limits, Received, RunInfo, Stage, SubmissionInfo, SubmissionResult
from autograder.record.gradebook import Gradebook
from autograder.record.late import NO_PENALTY, LatePolicy, assess, late_notices, parse_late_policy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchOptions:
    """How a class is graded; the CLI's ``grade`` options take their defaults from here."""

    jobs: int = os.cpu_count() or 1
    """Submissions graded at once, each in its own warm sandbox."""
    regrade: bool = False
    """Grade again what already has a result (the old run is kept as history)."""
    limits: Limits = field(default_factory=Limits)
    warm: bool = True
    """Fork each submission's sandbox from a pre-imported zygote instead of starting it cold."""
    due: datetime | None = None
    """Due date (UTC); None keeps the one the lab was last graded under."""
    clear_due: bool = False
    """Forget the stored due date (``--due none``)."""
    late_penalty: str | None = None
    """Late policy text (``10%/day``); None keeps the stored one."""
    scheduler: str | None = None
    """A Dask scheduler's address (``tcp://HOST:PORT``) to grade on its workers; None grades on this machine."""


@dataclass(frozen=True)
class BatchOutcome:
    submission_ids: tuple[int, ...]
    """Every submission the batch was given, graded now or earlier."""
    graded_now: int


@dataclass(frozen=True)
class Pending:
    """A recorded submission that this batch will grade."""

    submission_id: int
    received: Received


@dataclass(frozen=True)
class LateRules:
    """The due date and late policy this batch computes every submission's lateness under."""

    due: datetime | None = None
    policy: LatePolicy = NO_PENALTY
    roster: Roster | None = None
    """Submission times for the files whose download carries none."""


def late_rules(book: Gradebook, lab: str, options: BatchOptions, roster: Roster | None = None) -> LateRules:
    """The options' due date and policy where given, else those stored for ``lab``; stored again for next time.

    Raises ValueError (one line) for a policy that cannot be read."""
    stored_due, stored_policy = book.late_settings(lab)
    due = None if options.clear_due else options.due or stored_due
    policy = parse_late_policy(options.late_penalty if options.late_penalty is not None else stored_policy)
    book.set_late_settings(lab, due, policy.text)
    return LateRules(due, policy, roster)


def _time_of(candidate: Candidate, rules: LateRules) -> tuple[datetime | None, str]:
    if candidate.submitted_at is not None:
        return candidate.submitted_at, f"the {candidate.source.capitalize()} download"
    student = rules.roster.find(candidate) if rules.roster else None
    if student is not None and student.submitted_at is not None:
        return student.submitted_at, "the roster"
    return None, ""


def submission_info(lab: str, received: Received, rules: LateRules = LateRules(), *,
                    latest: bool = True) -> SubmissionInfo:
    """What the gradebook records of one received file, its lateness computed under ``rules``; the roster's time
    (the student's latest hand-in) is used only for the ``latest`` attempt."""
    candidate = received.candidate
    submitted_at, source = _time_of(candidate, rules if latest else replace(rules, roster=None))
    return SubmissionInfo(
        lab=lab, student=candidate.student, path=str(candidate.path), sha256=received.sha256,
        source=candidate.source, display_name=candidate.display_name, original_name=candidate.original_name,
        submitted_at=submitted_at, late=candidate.late, attempt=candidate.attempt,
        lateness=assess(rules.due, submitted_at, candidate.late, rules.policy, time_source=source),
    )


def record_candidates(book: Gradebook, lab: str, received: Sequence[Received],
                      rules: LateRules = LateRules()) -> dict[Candidate, int]:
    """Insert every received file (idempotently, its lateness computed again) and mark older attempts as superseded.

    An attempt handed in again with the same content is the same submission, and it counts.
    """
    counted_now, _ = latest_per_student([r.candidate for r in received])
    latest = set(counted_now)
    ids = {r.candidate: book.add_submission(submission_info(lab, r, rules, latest=r.candidate in latest))
           for r in received}
    counted, superseded = latest_per_student(list(ids))
    known = {r.submission_id for r in book.results(lab, include_superseded=True) if r.superseded}
    older = {ids[c] for c in superseded} - {ids[c] for c in counted}
    book.set_superseded(lab, (known - set(ids.values())) | older)
    return ids


def known_identities(book: Gradebook, lab: str, candidates: Sequence[Candidate],
                     roster: Roster | None = None) -> list[Candidate]:
    """Candidates whose name allows several identities, settled on the one the gradebook or the roster knows."""
    if not any(c.aliases for c in candidates):
        return list(candidates)
    known = {s.info.student for s in book.results(lab, include_superseded=True)}
    known |= {s.username for s in roster.students if s.username} if roster else set()
    return [blackboard.settle(c, known) for c in candidates]


class Engine(Protocol):
    """Where submissions are graded: threads on this machine, or a Dask cluster (``cluster.ClusterGrading``)."""

    threads: int
    """Submissions graded at once."""

    def grade(self, items: Iterable[tuple[Pending, Received]]) -> Iterator[tuple[Pending, SubmissionResult, RunInfo]]:
        """Each item's result and run, as they complete."""
        ...


class LocalGrading:
    """Grades on ``threads`` threads of this process, each with its own warm sandbox and check process."""

    def __init__(self, bundle: LabBundle, options: BatchOptions, threads: int) -> None:
        self.threads = threads
        self._stack = contextlib.ExitStack()
        self._grader = self._stack.enter_context(Grader(bundle, options.limits, warm=options.warm))
        self._pool = self._stack.enter_context(ThreadPoolExecutor(threads, "grade"))

    def __enter__(self) -> LocalGrading:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _one(self, item: Pending) -> tuple[Pending, SubmissionResult, RunInfo]:
        started = datetime.now(UTC)
        result = self._grader.grade(item.received)
        run = RunInfo(self._grader.bundle.version, autograder.__version__, started, datetime.now(UTC),
                      asdict(self._grader.limits))
        return item, result, run

    def grade(self, items: Iterable[tuple[Pending, Received]]) -> Iterator[tuple[Pending, SubmissionResult, RunInfo]]:
        futures = [self._pool.submit(self._one, item) for item, _ in items]
        for future in as_completed(futures):
            yield future.result()


def _engine(bundle: LabBundle, options: BatchOptions, count: int) -> contextlib.AbstractContextManager[Engine]:
    if options.scheduler:
        from autograder.cluster import ClusterGrading  # Dask is imported only by a batch that uses it

        return ClusterGrading(options.scheduler, bundle, options.limits, warm=options.warm)
    return LocalGrading(bundle, options, max(1, min(options.jobs, count)))


def grade_batch(
    bundle: LabBundle,
    book: Gradebook,
    candidates: Sequence[Candidate],
    options: BatchOptions,
    on_result: Callable[[SubmissionResult], None] = lambda r: None,
    roster: Roster | None = None,
) -> BatchOutcome:
    """Grade the candidates that need it; says which submissions this batch covered and how many it graded.

    Each file is read once, here: its hash identifies it in the gradebook and its cells are what is graded.
    """
    started_at, clock = datetime.now(UTC), time.perf_counter()
    candidates = known_identities(book, bundle.lab, candidates, roster)
    received, intake = {}, {}
    for candidate in candidates:
        reading = time.perf_counter()
        received[candidate] = receive(candidate, bundle.lab)
        intake[candidate] = time.perf_counter() - reading
    ids = record_candidates(book, bundle.lab, list(received.values()), late_rules(book, bundle.lab, options, roster))
    todo = [Pending(i, received[c]) for c, i in ids.items() if options.regrade or book.needs_grading(i)]
    outcome = BatchOutcome(tuple(ids.values()), len(todo))
    if not todo:
        return outcome
    writing = 0.0
    with _engine(bundle, options, len(todo)) as engine:
        for item, result, run in engine.grade((item, item.received) for item in todo):
            result = replace(result, timings={str(Stage.INTAKE): intake[item.received.candidate]} | result.timings)
            write = time.perf_counter()
            book.record_run(item.submission_id, result, run)
            writing += time.perf_counter() - write
            on_result(result)
        threads = engine.threads
    book.record_batch(bundle.lab, started_at, time.perf_counter() - clock, threads, len(ids), len(todo), writing)
    return outcome


class Progress(Protocol):
    """What a batch reports to whoever shows its progress (the CLI's bar, or nothing)."""

    def start(self, total: int) -> None: ...

    def advance(self, result: SubmissionResult) -> None: ...


@dataclass(frozen=True)
class ClassGrading:
    """What one ``grade`` of a class did: every submission it covered, with its current result."""

    results: tuple[SubmissionResult, ...]
    graded_now: int
    """How many were graded by this call (the rest already had a result)."""
    roster: RosterReport | None
    """Who is missing and who is not on the roster, when a roster was given."""
    late_notices: tuple[str, ...] = ()
    """Lateness that could not be computed from a time (no time, a flag only), counted, for the instructor."""


def grade_class(
    bundle: LabBundle, paths: Sequence[Path], gradebook: Path, options: BatchOptions, *,
    roster: Path | None = None, progress: Progress | None = None,
) -> ClassGrading:
    """Find the submissions in ``paths``, grade those without a result, store every run, report on the class.

    Downloads are extracted into a workspace beside the gradebook that is removed when the batch ends (see
    ``intake.workspace``); the gradebook names a file from an archive ``download.zip!member``.

    Raises IntakeError or RosterError for input that cannot be read at all, GradebookError for a gradebook
    that cannot be written (results stored before that are kept).
    """
    class_list = load_roster(roster) if roster else None
    with batch_workspace(gradebook.parent / WORKSPACE_DIR) as workspace:
        candidates = discover(list(paths), workspace, bundle.lab)
        if progress is not None:
            progress.start(len(candidates))
        on_result = progress.advance if progress is not None else (lambda result: None)
        with Gradebook(gradebook) as book:
            outcome = grade_batch(bundle, book, candidates, options, on_result=on_result, roster=class_list)
            chosen = set(outcome.submission_ids)
            stored = book.results(bundle.lab, include_superseded=True)
    results = tuple(s.result for s in stored if s.result and s.submission_id in chosen)
    report = reconcile(class_list, candidates) if class_list is not None else None
    counted = [s.info.lateness for s in stored if s.submission_id in chosen and not s.superseded]
    return ClassGrading(results, outcome.graded_now, report, late_notices(counted))
