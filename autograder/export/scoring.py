"""The late policy applied to score rows: the final score and penalty every format writes."""

from __future__ import annotations

from collections.abc import Sequence

from autograder.export.late import NO_PENALTY, LatePolicy
from autograder.export.rows import Scored, ScoreRow, round2
from autograder.model import RowStatus


def score_row(row: ScoreRow, max_score: float, policy: LatePolicy) -> Scored:
    """One row after ``policy``; a row without a submission stays missing whatever its lateness."""
    days = NO_PENALTY.units_late(row.late_seconds)
    if row.score is None or row.status == RowStatus.MISSING:
        return Scored(row, None, 0.0, days)
    _, penalty = policy.apply(row.score, max_score, row.late_seconds)
    penalty = round2(penalty)
    return Scored(row, max(round2(row.score - penalty), 0.0), penalty, days)


def score_rows(rows: Sequence[ScoreRow], max_score: float, policy: LatePolicy | None) -> tuple[Scored, ...]:
    """Apply ``policy`` (percentages of ``max_score``) to every row; missing rows stay missing."""
    return tuple(score_row(row, max_score, policy or NO_PENALTY) for row in rows)
