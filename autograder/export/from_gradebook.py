"""Turn the gradebook's current results (and the roster, when given) into rows for an export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from autograder.export.rows import ScoreRow
from autograder.intake.roster import Roster, Student
from autograder.model import Lateness, RowStatus, StoredResult


def _row(entry: StoredResult, student: Student | None, comment: str | None) -> ScoreRow:
    info, result = entry.info, entry.result
    own_id = info.student if info.source in ("canvas", "moodle") else None
    own_username = info.student if info.source == "blackboard" else None
    named_by = info.source if info.source in ("canvas", "moodle", "blackboard") else None
    return ScoreRow(
        student=info.student,
        name=(student.name if student else None) or info.display_name,
        email=student.email if student else None,
        sis_id=student.sis_id if student else None,
        lms_id=(student.lms_id if student else None) or own_id,
        username=(student.username if student else None) or own_username,
        score=result.score if result else None,
        max_score=result.max_score if result else 0.0,
        status=RowStatus(result.status) if result else RowStatus.MISSING,
        submitted_at=info.submitted_at,
        lateness=entry.info.lateness,
        id_source=named_by,
        comment=comment,
    )


def _missing(student: Student, max_score: float) -> ScoreRow:
    return ScoreRow(student.key, student.name, student.email, student.sis_id, student.lms_id, student.username,
                    None, max_score, RowStatus.MISSING, None, Lateness())


def score_rows_from(stored: Sequence[StoredResult], max_score: float, roster: Roster | None = None,
                    comments: Mapping[int, str] | None = None) -> list[ScoreRow]:
    """One row per counted submission, plus, with a roster, one ``missing`` row per student who sent nothing.

    ``comments`` maps a submission id to its feedback (an HTML fragment) for the formats with a comment column.
    """
    counted = [s for s in stored if not s.superseded]
    matched = {s.info.student: roster.find(s.info.as_candidate()) for s in counted} if roster else {}
    notes = comments or {}
    rows = [_row(s, matched.get(s.info.student), notes.get(s.submission_id)) for s in counted]
    rows = [r if r.max_score else ScoreRow(**{**r.__dict__, "max_score": max_score}) for r in rows]
    if roster:
        seen = {student.key for student in matched.values() if student}
        rows += [_missing(student, max_score) for student in roster.students if student.key not in seen]
    return rows
