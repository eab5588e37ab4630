"""The class report: one offline HTML page saying how a lab went and which mistakes to teach again.

Totals (mean, median) count every submission with a result, errors as 0. Per-question numbers and
failing checks count only submissions whose notebook ran (``graded`` or ``timeout``): an unreadable
file says nothing about a question. :func:`class_data` computes every number the page shows as plain data;
``templates/class_report.html.j2`` lays it out.
"""

from __future__ import annotations

import logging
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autograder.feedback.exceptions import unanswered
from autograder.model import LateStatus, Question, Status, StoredResult, SubmissionInfo, SubmissionResult
from autograder.report import plots
from autograder.report.render import render_html
from autograder.report.student import late_text, page_stems, who

logger = logging.getLogger(__name__)

TOP_CHECKS = 10
TOP_MESSAGES = 3


@dataclass(frozen=True)
class QuestionStats:
    name: str
    points: float
    average: float
    """Average points over submissions whose notebook ran."""
    full: int
    """Submissions with full marks."""
    count: int

    @property
    def average_percent(self) -> float:
        return 100 * self.average / self.points if self.points else 0.0

    @property
    def full_percent(self) -> float:
        return 100 * self.full / self.count if self.count else 0.0


@dataclass(frozen=True)
class FailingCheck:
    """A check that failed often; twin checks (same submissions, same messages) are merged into one."""

    question: str
    checks: tuple[tuple[str, bool], ...]
    """(check name, hidden) of each merged check."""
    failures: int
    """Submissions that failed it."""
    messages: list[tuple[str, int]]
    """Most common messages, with how many submissions got each."""
    unanswered: int = 0
    """Of ``failures``, the submissions that never answered (the check said "not set yet"), not answered wrongly."""


def _ran(stored: Sequence[StoredResult]) -> list[SubmissionResult]:
    return [s.result for s in stored if s.result is not None and s.result.status in (Status.GRADED, Status.TIMEOUT)]


def question_stats(stored: Sequence[StoredResult], questions: Sequence[Question]) -> list[QuestionStats]:
    """Average points and full-marks count per question, in the lab's order."""
    ran = _ran(stored)
    stats = []
    for question in questions:
        scores = []
        for result in ran:
            found = [q for q in result.questions if q.name == question.name]
            scores.append(found[0].score if found else 0.0)
        average = statistics.fmean(scores) if scores else 0.0
        stats.append(QuestionStats(question.name, question.points, average,
                                   sum(s >= question.points for s in scores), len(scores)))
    return stats


def failing_checks(stored: Sequence[StoredResult]) -> list[FailingCheck]:
    """The checks that failed most often, each with its most common messages, twins merged."""
    failed: dict[tuple[str, str, bool], list[tuple[int, str]]] = {}
    for number, result in enumerate(_ran(stored)):
        for question in result.questions:
            for check in question.checks:
                if not check.passed:
                    key = (question.name, check.name, check.hidden)
                    failed.setdefault(key, []).append((number, check.message or "(no message)"))
    twins: dict[tuple[str, tuple[tuple[int, str], ...]], list[tuple[str, bool]]] = {}
    for (question, name, hidden), who_said in failed.items():
        twins.setdefault((question, tuple(who_said)), []).append((name, hidden))
    found = [FailingCheck(question, tuple(checks), len(who_said), Counter(m for _, m in who_said).most_common(
        TOP_MESSAGES), sum(unanswered(m) for _, m in who_said)) for (question, who_said), checks in twins.items()]
    return sorted(found, key=lambda f: -f.failures)[:TOP_CHECKS]


@dataclass(frozen=True)
class Summary:
    """The numbers at the top of the page: totals count every submission with a result, errors as 0."""

    submissions: int
    mean: float
    median: float
    graded: int
    errors: int
    timeouts: int
    late: int
    pending: int
    """Submissions not graded yet."""
    late_unknown: int = 0
    """Submissions with a due date but no submission time: their lateness is unknown and costs nothing."""


@dataclass(frozen=True)
class Problem:
    """A submission that raised or ran out of time, and why."""

    student: str
    status: Status
    message: str


@dataclass(frozen=True)
class LateWork:
    student: str
    late_by: str
    submitted_at: str
    """``2026-11-29 12:00+00:00``, or empty when unknown."""


@dataclass(frozen=True)
class StudentRow:
    """One line of the sortable student table; None where a value is missing (sorted as -1)."""

    student: str
    status: str
    score: float | None
    percent: float | None
    questions: tuple[float | None, ...]
    """Points per lab question, in the lab's order."""
    late_by: str
    """``2 days 3 hours``, ``late`` (flagged without a duration) or empty."""
    late_seconds: float
    """Sort key of ``late_by``: 1 for a late flag without a duration."""
    message: str
    page: str = ""
    """The student's feedback page relative to the report (``feedback/STEM.html``), when it was written."""


@dataclass(frozen=True)
class ClassData:
    """Every number and list the class report shows, as plain data (the page and the goldens render it)."""

    lab: str
    max_score: float
    summary: Summary
    scores: tuple[float, ...]
    """Total score of each submission with a result: the distribution."""
    ran: int
    """Submissions whose notebook ran: what per-question numbers and failing checks count."""
    questions: tuple[QuestionStats, ...]
    failing: tuple[FailingCheck, ...]
    problems: tuple[Problem, ...]
    late: tuple[LateWork, ...]
    """Late submissions, latest first."""
    students: tuple[StudentRow, ...]


def _late_by(info: SubmissionInfo) -> str:
    lateness = info.lateness
    if lateness.status == LateStatus.LATE:
        return late_text(lateness.seconds)
    return "late" if lateness.status == LateStatus.FLAGGED else ""


def _late_key(info: SubmissionInfo) -> float:
    """Sort key of ``_late_by``: 1 for a late flag without a duration."""
    return info.lateness.seconds or (1.0 if info.lateness.is_late else 0.0)


def _summary(stored: Sequence[StoredResult]) -> Summary:
    results = [s.result for s in stored if s.result is not None]
    scores = [r.score for r in results]
    status = Counter(r.status for r in results)
    return Summary(submissions=len(stored), mean=statistics.fmean(scores) if scores else 0.0,
                   median=statistics.median(scores) if scores else 0.0, graded=status[Status.GRADED],
                   errors=status[Status.ERROR], timeouts=status[Status.TIMEOUT],
                   late=sum(s.info.lateness.is_late for s in stored), pending=len(stored) - len(results),
                   late_unknown=sum(s.info.lateness.status == LateStatus.UNKNOWN for s in stored))


def _late_work(stored: Sequence[StoredResult]) -> tuple[LateWork, ...]:
    late = sorted((s for s in stored if s.info.lateness.is_late), key=lambda s: -_late_key(s.info))
    return tuple(LateWork(who(s), _late_by(s.info), s.info.submitted_at.isoformat(" ", "minutes")
                          if s.info.submitted_at else "") for s in late)


def _student_row(entry: StoredResult, questions: Sequence[Question], page: str = "") -> StudentRow:
    result, info = entry.result, entry.info
    by_name = {q.name: q.score for q in result.questions} if result else {}
    return StudentRow(
        student=who(entry), status=result.status if result else "not graded",
        score=result.score if result else None,
        percent=100 * result.score / result.max_score if result and result.max_score else None,
        questions=tuple(by_name.get(q.name) for q in questions), late_by=_late_by(info).removesuffix(" late"),
        late_seconds=_late_key(info), message=result.message if result else "",
        page=page)


def _pages(stored: Sequence[StoredResult], feedback_dir: Path | None) -> dict[int, str]:
    """Each graded submission's feedback page, relative to the report, when the page exists."""
    graded = [entry for entry in stored if entry.result is not None]
    if feedback_dir is None:
        return {}
    return {entry.submission_id: f"{feedback_dir.name}/{stem}.html" for entry, stem in zip(graded, page_stems(graded),
            strict=True) if (feedback_dir / f"{stem}.html").is_file()}


def class_data(stored: Sequence[StoredResult], *, lab: str, questions: Sequence[Question],
               feedback_dir: Path | None = None) -> ClassData:
    """What the class report shows, computed once from the gradebook's results; ``feedback_dir`` (beside the
    report) holds the pages the student rows link to."""
    results = [(s, s.result) for s in stored if s.result is not None]
    pages = _pages(stored, feedback_dir)
    return ClassData(
        lab=lab, max_score=sum(q.points for q in questions) or max((r.max_score for _, r in results), default=0),
        summary=_summary(stored), scores=tuple(r.score for _, r in results), ran=len(_ran(stored)),
        questions=tuple(question_stats(stored, questions)), failing=tuple(failing_checks(stored)),
        problems=tuple(Problem(who(s), r.status, r.message) for s, r in results
                       if r.status in (Status.ERROR, Status.TIMEOUT)),
        late=_late_work(stored),
        students=tuple(_student_row(s, questions, pages.get(s.submission_id, "")) for s in stored))


def class_report_html(stored: Sequence[StoredResult], *, lab: str, questions: Sequence[Question],
                      feedback_dir: Path | None = None) -> str:
    """The class report as one self-contained HTML page (pictures inline, a few lines of sorting script)."""
    data = class_data(stored, lab=lab, questions=questions, feedback_dir=feedback_dir)
    histogram = plots.score_histogram(data.scores, data.max_score) if data.scores else ""
    shown = data.questions if data.ran else ()
    bars = plots.question_bars([s.name for s in shown], [s.average_percent for s in shown],
                               [s.full_percent for s in shown]) if shown else ""
    return render_html("class_report.html.j2", data=data, histogram=histogram, bars=bars)


def write_class_report(stored: Sequence[StoredResult], out_file: Path, *, lab: str,
                       questions: Sequence[Question]) -> Path:
    """Write the class report for ``lab`` to ``out_file`` (folders created) and return its path."""
    out_file.parent.mkdir(parents=True, exist_ok=True)
    html = class_report_html(stored, lab=lab, questions=questions, feedback_dir=out_file.parent / "feedback")
    out_file.write_text(html, encoding="utf-8")
    logger.info("wrote the class report for %s (%d submissions) to %s", lab, len(stored), out_file)
    return out_file
