"""Export stage: scores (after the late policy) as a file each LMS imports, or our own plain csv/json.

``export(rows, "canvas", assignment="Lab 3", max_score=10, roster_file=path, policy=parse_late_policy("10%/day"))``
returns the file's bytes, an :class:`Exported` whose ``notices`` the CLI should print (e.g. "Canvas will create a
NEW assignment"). The library only logs them. Formats and their sources: docs/lms-formats.md.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from autograder.export import blackboard, brightspace, canvas, csv_plain, gradescope, json_plain, moodle
from autograder.export.late import NO_PENALTY, LatePolicy, parse_late_policy
from autograder.export.rows import ERROR, GRADED, MISSING, TIMEOUT, Rendered, Scored, ScoreRow, read_table, score_rows

logger = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = ("canvas", "moodle", "blackboard", "brightspace", "gradescope", "csv", "json")
FILE_EXTENSIONS: dict[str, str] = {
    "canvas": ".csv",
    "moodle": ".csv",
    "blackboard": ".xls",
    "brightspace": ".csv",
    "gradescope": ".csv",
    "csv": ".csv",
    "json": ".json",
}
"""Suggested file name ending per format (Blackboard's tab-delimited upload is named .xls, as its download is)."""
_LMS = {
    "canvas": canvas,
    "moodle": moodle,
    "blackboard": blackboard,
    "brightspace": brightspace,
    "gradescope": gradescope,
}
_PLAIN = {"csv": csv_plain, "json": json_plain}


class Exported(bytes):
    """The exported file's bytes, plus ``notices``: things the instructor must know before importing it."""

    notices: tuple[str, ...]

    def __new__(cls, content: bytes, notices: Sequence[str] = ()) -> Exported:
        obj = super().__new__(cls, content)
        obj.notices = tuple(notices)
        return obj


def export(
    rows: Sequence[ScoreRow],
    fmt: str,
    *,
    assignment: str,
    max_score: float,
    roster_file: Path | None = None,
    policy: LatePolicy | None = None,
) -> Exported:
    """Render ``rows`` in format ``fmt``; raises ``ValueError`` with a clear message on a bad format or roster."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if not assignment.strip():
        raise ValueError("the assignment name is empty")
    if not max_score > 0:
        raise ValueError(f"max_score must be positive, got {max_score!r}")
    scored = score_rows(rows, max_score, policy)
    roster = read_table(roster_file) if roster_file is not None else None
    if fmt in _PLAIN:
        rendered = _PLAIN[fmt].render(scored, assignment=assignment, max_score=max_score, roster=roster, policy=policy)
    else:
        rendered = _LMS[fmt].render(scored, assignment=assignment, max_score=max_score, roster=roster)
    notices = list(rendered.notices)
    odd = sorted({r.max_score for r in rows if abs(r.max_score - max_score) > 1e-9})
    if odd:
        notices.append(
            f"some rows were graded out of {', '.join(f'{m:g}' for m in odd)}, not {max_score:g}: "
            "scores were exported as they are, not rescaled."
        )
    for notice in notices:
        logger.info("%s export: %s", fmt, notice)
    return Exported(rendered.content, notices)


__all__ = [
    "ERROR",
    "FILE_EXTENSIONS",
    "FORMATS",
    "GRADED",
    "MISSING",
    "NO_PENALTY",
    "TIMEOUT",
    "Exported",
    "LatePolicy",
    "Rendered",
    "ScoreRow",
    "Scored",
    "export",
    "parse_late_policy",
    "score_rows",
]
