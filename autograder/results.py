"""What grading produces: typed results, scored per question, serialisable to versioned JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from autograder.check.run import CaseResult
from autograder.execute.session import CellRecord
from autograder.labs import LabBundle

RESULT_SCHEMA = 1

GRADED, ERROR, TIMEOUT = "graded", "error", "timeout"
INTERNAL_ERROR = "internal grader error"
"""Prefix of the message of a run that failed because of the grader (a full disk, say), not the submission;
such runs are graded again by the next batch."""


@dataclass(frozen=True)
class Artifact:
    """Data kept from a student's run for feedback pictures: a training history or an image tensor."""

    name: str
    """The student's variable name."""
    kind: str
    """``history`` (data: dict of metric name to list of floats) or ``image`` (data: a NumPy array)."""
    data: Any = field(compare=False)


@dataclass(frozen=True)
class QuestionResult:
    name: str
    score: float
    max_score: float
    checks: tuple[CaseResult, ...]


@dataclass(frozen=True)
class SubmissionResult:
    """One submission's outcome; ``status`` is ``graded``, ``error`` or ``timeout``."""

    submission: str
    student: str
    lab: str
    status: str
    score: float
    max_score: float
    message: str
    """One line explaining an ``error`` or ``timeout``; empty when grading went normally."""
    questions: tuple[QuestionResult, ...] = ()
    cells: tuple[CellRecord, ...] = ()
    duration: float = 0.0
    artifacts: tuple[Artifact, ...] = field(default=(), repr=False)
    """Histories and images from the student's values, for feedback pictures (not part of the JSON)."""

    def to_dict(self, *, include_cells: bool = True) -> dict[str, Any]:
        data = asdict(replace(self, artifacts=()))
        data.pop("artifacts")
        data["schema"] = RESULT_SCHEMA
        if not include_cells:
            data.pop("cells")
        return data


def score_questions(
    bundle: LabBundle, cases: tuple[CaseResult, ...], all_or_nothing: dict[str, bool]
) -> tuple[QuestionResult, ...]:
    """Sum passed cases per question, in the lab's order; a question with no results scores 0."""
    results = []
    for q in bundle.questions:
        mine = tuple(c for c in cases if c.question == q.name)
        earned = sum(c.points for c in mine if c.passed)
        if all_or_nothing.get(q.name) and not all(c.passed for c in mine):
            earned = 0.0
        results.append(QuestionResult(q.name, round(earned, 6), q.points, mine))
    return tuple(results)


def failed_result(bundle: LabBundle, submission: str, student: str, status: str, message: str) -> SubmissionResult:
    """A submission that earned nothing: every question present with 0 points, so exports stay complete."""
    questions = tuple(QuestionResult(q.name, 0.0, q.points, ()) for q in bundle.questions)
    return SubmissionResult(submission, student, bundle.lab, status, 0.0, bundle.max_score, message, questions)
