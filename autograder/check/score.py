"""Scores from check results: points per question in the lab's order, and the result of a failed submission."""

from __future__ import annotations

from autograder.labs import LabBundle
from autograder.model import CaseResult, QuestionResult, Status, SubmissionResult


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


def failed_result(bundle: LabBundle, submission: str, student: str, status: Status, message: str) -> SubmissionResult:
    """A submission that earned nothing: every question present with 0 points, so exports stay complete."""
    questions = tuple(QuestionResult(q.name, 0.0, q.points, ()) for q in bundle.questions)
    return SubmissionResult(submission, student, bundle.lab, status, 0.0, bundle.max_score, message, questions)
