"""A graded submission as Gradescope's ``results.json``: one test per check, hidden checks after publishing.

Each check becomes one Gradescope test named ``q3: test_q3_matrix`` and numbered ``3.1`` (question 3,
first check), worth the check's points. Public checks are ``visible``; hidden checks are
``after_published``, which also keeps the total from students until grades are published (Gradescope
hides the total while any test is hidden). The tests' scores add up to the submission's score, so no
per-question summary entries are added: they would count points twice or reveal hidden results early.
Outputs are plain text because check messages can quote what the student's code produced.
"""

from __future__ import annotations

from typing import Any

from autograder.check.score import failed_result
from autograder.labs import LabBundle
from autograder.model import CaseResult, QuestionResult, Status, SubmissionResult

VISIBLE, AFTER_PUBLISHED, HIDDEN = "visible", "after_published", "hidden"
TEXT = "text"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _counts(question: QuestionResult) -> bool:
    """Whether the question's passed checks earned their points (not so for all-or-nothing questions)."""
    earned = sum(c.points for c in question.checks if c.passed)
    return question.score >= earned - 1e-9


def _check_entry(number: str, question: QuestionResult, check: CaseResult, counted: bool) -> dict[str, Any]:
    output = "" if check.passed else (check.message or "This check failed.")
    if check.passed and not counted:
        output = f"Passed, but {question.name} earns points only when all of its checks pass."
    return {
        "name": f"{question.name}: {check.name}",
        "number": number,
        "score": check.points if check.passed and counted else 0.0,
        "max_score": check.points,
        "status": "passed" if check.passed else "failed",
        "output": output,
        "output_format": TEXT,
        "visibility": AFTER_PUBLISHED if check.hidden else VISIBLE,
    }


def _unchecked_entry(number: str, question: QuestionResult, why: str) -> dict[str, Any]:
    """A question that no check reported on (the submission was not graded): 0 of its points."""
    return {
        "name": question.name,
        "number": number,
        "score": 0.0,
        "max_score": question.max_score,
        "status": "failed",
        "output": why,
        "output_format": TEXT,
        "visibility": VISIBLE,
    }


def gradescope_tests(result: SubmissionResult) -> list[dict[str, Any]]:
    """One entry per check, in the lab's order; one per question for questions without checks."""
    entries: list[dict[str, Any]] = []
    why = "No check ran for this question."
    if result.status == Status.ERROR:
        why = _sentence(f"not graded: {result.message}")
    for q_number, question in enumerate(result.questions, start=1):
        if not question.checks:
            entries.append(_unchecked_entry(str(q_number), question, why))
            continue
        counted = _counts(question)
        for c_number, check in enumerate(question.checks, start=1):
            entries.append(_check_entry(f"{q_number}.{c_number}", question, check, counted))
    return entries


def summary(result: SubmissionResult) -> str:
    """The top-level message: what happened, and the visible checks only (the total may include hidden ones)."""
    if result.status == Status.ERROR:
        return _sentence(f"your submission could not be graded: {result.message}") + (
            " Nothing was scored; fix this and submit again."
        )
    checks = [c for q in result.questions for c in q.checks]
    visible = [c for c in checks if not c.hidden]
    passed = sum(c.passed for c in visible)
    lines = [f"Visible checks: {passed} of {len(visible)} passed."]
    if any(c.hidden for c in checks):
        lines.append("Hidden checks were graded too; they and your total are shown once grades are published.")
    if result.status == Status.TIMEOUT:
        lines.insert(0, _sentence(result.message))
    elif result.status == Status.GRADED:
        lines.insert(0, "Your notebook ran and was graded.")
        if result.message:
            lines.append(_sentence(f"note: {result.message}"))
    return "\n".join(lines)


def to_results_json(result: SubmissionResult, bundle: LabBundle) -> dict[str, Any]:
    """Gradescope's results.json for one graded (or failed) submission."""
    return {
        "score": round(result.score, 6),
        "execution_time": round(result.duration),
        "output": summary(result),
        "output_format": TEXT,
        "visibility": VISIBLE,
        "stdout_visibility": HIDDEN,
        "extra_data": {"lab": bundle.lab, "version": bundle.version, "status": result.status},
        "tests": gradescope_tests(result),
    }


def error_results_json(message: str, bundle: LabBundle | None = None) -> dict[str, Any]:
    """A score of 0 with ``message``: one 0-point test per question when the lab is known."""
    if bundle is not None:
        return to_results_json(failed_result(bundle, "", "", Status.ERROR, message), bundle)
    return {
        "score": 0.0,
        "output": _sentence(f"your submission could not be graded: {message}"),
        "output_format": TEXT,
        "visibility": VISIBLE,
        "stdout_visibility": HIDDEN,
        "extra_data": {"status": Status.ERROR},
        "tests": [],
    }
