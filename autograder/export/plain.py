"""The records of our own plain csv and json formats: every field of a row, before and after the late penalty."""

from __future__ import annotations

from autograder.export.rows import Scored
from autograder.model import RowStatus

CLASS_LIST_ONLY = "--roster gives this format the class list only (names, ids, students with no submission)."
"""The notice of the formats that fill no LMS download."""
PLAIN_FIELDS = (
    "assignment",
    "student",
    "name",
    "email",
    "sis_id",
    "lms_id",
    "username",
    "status",
    "submitted_at",
    "late_status",
    "late_seconds",
    "late_days",
    "score_before_penalty",
    "penalty",
    "score",
    "max_score",
    "late_policy",
    "late_note",
)


def plain_record(item: Scored, *, assignment: str, max_score: float) -> dict[str, object]:
    """Every field of a row for the csv and json formats: the score before and after the penalty, and why."""
    row = item.row
    raw = None if item.missing or row.score is None else round(row.score, 6)
    return {
        "assignment": assignment,
        "student": row.student,
        "name": row.name,
        "email": row.email,
        "sis_id": row.sis_id,
        "lms_id": row.lms_id,
        "username": row.username,
        "status": RowStatus.MISSING if item.missing else row.status,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
        "late_status": row.lateness.status,
        "late_seconds": row.lateness.seconds if row.lateness.seconds and row.lateness.seconds > 0 else 0,
        "late_days": item.late_days,
        "score_before_penalty": raw,
        "penalty": item.penalty,
        "score": item.final,
        "max_score": max_score,
        "late_policy": row.lateness.policy,
        "late_note": row.lateness.note,
    }
