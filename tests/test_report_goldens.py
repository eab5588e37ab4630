"""Golden files for the reports: a few students' Markdown feedback and the class report's data, as JSON.

The class is built by hand as ``StoredResult``s (no gradebook, no grading), so the goldens change only when
the reports do. Rewrite them with ``pytest --update-goldens`` and read the diff.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime

import pytest

from autograder.model import (
    CaseResult,
    CellRecord,
    CellStatus,
    Question,
    QuestionResult,
    Status,
    StoredResult,
    SubmissionInfo,
    SubmissionResult,
)
from autograder.record.late import assess, parse_late_policy
from autograder.report import class_data, feedback_markdown

LAB = "lab02-keras"
QUESTIONS = (Question("q1", 2.0), Question("q2", 3.0))
DUE = datetime(2026, 3, 2, 23, 59, tzinfo=UTC)
CHECKS = {  # question -> (check name, points, hidden)
    "q1": (("test_q1_shape", 1.0, False), ("test_q1_values", 1.0, True)),
    "q2": (("test_q2_compiled", 1.0, False), ("test_q2_layers", 1.0, False), ("test_q2_trained", 1.0, True)),
}
SHAPE = "`x` has shape (28, 28); expected (784,): flatten each image with `reshape(-1)`."
NOT_SET = "`model` is not set yet: replace the `...` with your answer and run the cell."
LAYERS = "the model has 2 layers; expected 3 (a `Dense` layer with <10> units is missing)."
TRAINED = "the validation accuracy is 0.41: train for more epochs or scale the inputs to 0..1."


def answered(**failed: str) -> tuple[QuestionResult, ...]:
    """Every question, with the named checks failing with the given message (the rest pass)."""
    questions = []
    for question, checks in CHECKS.items():
        cases = tuple(CaseResult(question, name, points, name not in failed, hidden, failed.get(name, ""))
                      for name, points, hidden in checks)
        questions.append(QuestionResult(question, sum((c.points for c in cases if c.passed), 0.0),
                                        sum((c.points for c in cases), 0.0), cases))
    return tuple(questions)


def entry(number: int, student: str, status: Status | None, questions: tuple[QuestionResult, ...] = (), *,
          message: str = "", cells: tuple[CellRecord, ...] = (), late_seconds: float = 0.0,
          display_name: str | None = None) -> StoredResult:
    """One stored submission; ``status`` None means not graded yet."""
    submitted = DUE if late_seconds <= 0 else datetime.fromtimestamp(DUE.timestamp() + late_seconds, UTC)
    info = SubmissionInfo(LAB, student, f"/class/{student}.ipynb", f"{number:064x}", display_name=display_name,
                          submitted_at=submitted, late=late_seconds > 0,
                          lateness=assess(DUE, submitted, None, parse_late_policy("10%/day")))
    result = None if status is None else SubmissionResult(
        f"/class/{student}.ipynb", student, LAB, status, sum((q.score for q in questions), 0.0), 5.0, message,
        questions, cells, 2.0)
    return StoredResult(number, info, False, result, DUE if result else None, number if result else None)


TRACEBACK = ("Traceback (most recent call last):\n  Cell In[6], line 2\n    model.fit(x, y, epochs=200)\n"
             "  File /srv/ag/autograder/inside/runner.py:49 in _on_alarm\n    raise DeadlineExceeded()\n"
             "DeadlineExceeded\n")
CLASS = {
    "full_marks": entry(1, "ada", Status.GRADED, answered(), display_name="Ada Lovelace"),
    "partial": entry(2, "bo", Status.GRADED, answered(test_q1_shape=SHAPE, test_q1_values=SHAPE,
                                                      test_q2_layers=LAYERS, test_q2_trained=TRAINED),
                     message="code cell 5 raised NameError: name 'np' is not defined",
                     cells=(CellRecord(4, CellStatus.ERROR, "Traceback (most recent call last):\n  Cell In[5], "
                                       "line 1\n    x = np.zeros(3)\nNameError: name 'np' is not defined\n",
                                       "NameError: name 'np' is not defined"),)),
    "error": entry(3, "cem", Status.ERROR, message="cem.ipynb: not a Jupyter notebook (`NotJSONError`)"),
    "late": entry(4, "dia", Status.GRADED, answered(test_q2_compiled=NOT_SET, test_q2_layers=NOT_SET,
                                                    test_q2_trained=NOT_SET), late_seconds=26 * 3600 + 5 * 60.0),
    "timeout": entry(5, "eli", Status.TIMEOUT, answered(test_q1_shape=SHAPE, test_q1_values=SHAPE,
                                                        test_q2_trained=TRAINED),
                     message="the notebook was stopped after 60 s in code cell 6 of 8",
                     cells=(CellRecord(5, CellStatus.TIMEOUT, TRACEBACK, "the cell was still running"),)),
    "pending": entry(6, "fay", None, late_seconds=90.0),
}


@pytest.mark.parametrize("case", ["full_marks", "partial", "error", "late", "timeout"])
def test_markdown_feedback(golden, case):
    golden(f"feedback/{case}.md", feedback_markdown(CLASS[case], lab=LAB))


def test_class_report_data(golden):
    data = class_data(list(CLASS.values()), lab=LAB, questions=QUESTIONS)
    golden("report/class_data.json", json.dumps(asdict(data), indent=2, ensure_ascii=False) + "\n")
