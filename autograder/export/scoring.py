"""Each row's stored lateness applied to its score: the final score and penalty every format writes."""

from __future__ import annotations

from collections.abc import Sequence

from autograder.export.rows import Scored, ScoreRow, round2
from autograder.model import Lateness, LateStatus, RowStatus
from autograder.record.late import NO_PENALTY


def late_days(row: ScoreRow) -> int:
    """Started days after the due date; a late flag without a time counts as one."""
    if row.lateness.status == LateStatus.FLAGGED:
        return 1
    return NO_PENALTY.units_late(row.lateness.seconds)


def after_penalty(score: float, max_score: float, lateness: Lateness) -> tuple[float, float]:
    """``(final score, penalty)`` as every export and feedback page shows them: 2 decimals, never negative."""
    _, penalty = lateness.apply(score, max_score)
    penalty = round2(penalty)
    return max(round2(score - penalty), 0.0), penalty


def score_row(row: ScoreRow, max_score: float) -> Scored:
    """One row after its lateness (penalties are percentages of ``max_score``); a row without a submission stays
    missing."""
    days = late_days(row)
    if row.score is None or row.status == RowStatus.MISSING:
        return Scored(row, None, 0.0, days)
    return Scored(row, *after_penalty(row.score, max_score, row.lateness), days)


def score_rows(rows: Sequence[ScoreRow], max_score: float) -> tuple[Scored, ...]:
    """Every row after its own stored lateness; missing rows stay missing."""
    return tuple(score_row(row, max_score) for row in rows)
