"""What an audit found, per question and for the lab, and whether the lab passes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograder.audit.leaks import leaks
from autograder.audit.mutants import Mutant
from autograder.labs import LabBundle
from autograder.model import SubmissionResult

MAX_NON_ANSWER_SHARE = 0.25
"""A right-typed answer with no content may earn at most this share of a question's (and the lab's) points."""
TOLERANCE = 1e-9


@dataclass(frozen=True)
class MutantOutcome:
    mutant: Mutant
    applied: bool
    """Its code ran without raising (a mutant that raised changed nothing and proves nothing)."""
    score: float
    """Points its question earned with it."""
    points: float
    lost: tuple[str, ...]
    """Every question that lost points in its notebook."""
    error: str = ""
    messages: tuple[tuple[str, str], ...] = ()
    """(question, message) of every hidden check that failed in the questions it can affect."""

    @property
    def full_marks(self) -> bool:
        return self.score >= self.points - TOLERANCE


@dataclass(frozen=True)
class QuestionAudit:
    name: str
    points: float
    answers: tuple[str, ...]
    tried: int
    """Wrong answers graded (applied) for this question."""
    holes: tuple[str, ...]
    """Wrong answers that earned full marks."""
    non_answer_share: float | None
    """Share of the points a right-typed non-answer earned; None when no non-answer applies."""
    lost_variants: tuple[str, ...]
    not_applied: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditReport:
    lab: str
    questions: tuple[QuestionAudit, ...]
    solution_score: float
    blank_score: float
    max_score: float
    non_answer_share: float
    """Share of the lab's points earned with every question non-answered at once."""
    notebooks: int
    """Notebooks graded for the audit."""
    problems: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "lab": self.lab, "passed": self.passed, "problems": list(self.problems),
            "solution_score": self.solution_score, "blank_score": self.blank_score, "max_score": self.max_score,
            "non_answer_share": round(self.non_answer_share, 4), "notebooks": self.notebooks,
            "questions": [
                {"name": q.name, "points": q.points, "answers": list(q.answers), "tried": q.tried,
                 "holes": list(q.holes), "lost_variants": list(q.lost_variants), "not_applied": list(q.not_applied),
                 "non_answer_share": None if q.non_answer_share is None else round(q.non_answer_share, 4)}
                for q in self.questions
            ],
        }


def _question(name: str, points: float, answers: tuple[str, ...], outcomes: Sequence[MutantOutcome]) -> QuestionAudit:
    wrong = [o for o in outcomes if o.applied and not o.mutant.variant]
    blank = next((o for o in wrong if o.mutant.non_answer), None)
    return QuestionAudit(
        name=name, points=points, answers=answers, tried=len(wrong),
        holes=tuple(o.mutant.name for o in wrong if o.full_marks),
        non_answer_share=None if blank is None or not points else blank.score / points,
        lost_variants=tuple(f"{o.mutant.name} (lost points on {', '.join(o.lost)})"
                            for o in outcomes if o.mutant.variant and o.lost),
        not_applied=tuple(f"{o.mutant.name}: {o.error}" for o in outcomes if not o.applied),
    )


def _problems(report: AuditReport) -> list[str]:
    found = [f"{q.name}: wrong answer earns full marks: {hole}" for q in report.questions for hole in q.holes]
    found += [f"{q.name}: right answer loses points: {v}" for q in report.questions for v in q.lost_variants]
    found += [f"{q.name}: a right-typed non-answer earns {q.non_answer_share:.0%} of its points"
              for q in report.questions
              if q.non_answer_share is not None and q.non_answer_share > MAX_NON_ANSWER_SHARE + TOLERANCE]
    if report.non_answer_share > MAX_NON_ANSWER_SHARE + TOLERANCE:
        found.append(f"a notebook of right-typed non-answers earns {report.non_answer_share:.0%} of the lab")
    if report.solution_score < report.max_score - TOLERANCE:
        found.append(f"the solution earns {report.solution_score:g} of {report.max_score:g}")
    if report.blank_score > TOLERANCE:
        found.append(f"the blank student notebook earns {report.blank_score:g}")
    return found


def summarise(bundle: LabBundle, info: Mapping[str, Any], outcomes: Sequence[MutantOutcome], *,
              solution: SubmissionResult, blank: SubmissionResult, non_answers: SubmissionResult,
              notebooks: int, secrets: Mapping[str, Sequence[str]] | None = None) -> AuditReport:
    per_question = tuple(
        _question(q.name, q.points, info[q.name].answers, [o for o in outcomes if o.mutant.question == q.name])
        for q in bundle.questions
    )
    share = non_answers.score / bundle.max_score if bundle.max_score else 0.0
    report = AuditReport(bundle.lab, per_question, solution.score, blank.score, bundle.max_score, share, notebooks)
    broken = [o for o in outcomes if o.mutant.authored and not o.applied]
    problems = _problems(report) + [f"{o.mutant.question}: authored {'variant' if o.mutant.variant else 'mutant'} "
                                    f"raised, so it tests nothing: {o.mutant.name}: {o.error}" for o in broken]
    problems += _leaks(outcomes, secrets or {})
    return AuditReport(**{**report.__dict__, "problems": tuple(problems)})


def _leaks(outcomes: Sequence[MutantOutcome], secrets: Mapping[str, Sequence[str]]) -> list[str]:
    """Hidden messages that give their question's answer away, each once."""
    seen: dict[tuple[str, str], None] = {}
    for outcome in outcomes:
        for question, message in outcome.messages:
            seen.setdefault((question, message))
    return [f"{question}: a hidden message leaks the answer: {leak}"
            for question, message in seen for leak in leaks([message], secrets.get(question, ()))]
