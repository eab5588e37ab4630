"""The export formats, and :func:`export`: score rows after the late policy, as one format's file.

Every format module has ``render(scored, *, assignment, max_score, roster, ...) -> Export``; the LMS ones fill the
LMS's own download when it is given as the roster (another file served only as the class list), and refuse
(:class:`~autograder.export.rows.ExportRefused`) a file their LMS could not import; the plain ones ignore it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from autograder.export import blackboard, brightspace, canvas, csv_plain, gradescope, json_plain, moodle
from autograder.export.rows import Export, ScoreRow
from autograder.export.scoring import score_rows
from autograder.export.tables import read_table

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


def check_format(fmt: str) -> None:
    """Raise ``ValueError`` naming the choices unless ``fmt`` is one of :data:`FORMATS`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def check_encoding(fmt: str, encoding: str | None) -> None:
    """Raise ``ValueError`` unless ``encoding`` is ``None`` or one Blackboard's upload reads, for Blackboard."""
    if encoding is None:
        return
    if fmt != "blackboard":
        raise ValueError(f"--encoding is for the blackboard format only (the {fmt} format has one encoding)")
    if encoding not in blackboard.ENCODINGS:
        choices = ", ".join(blackboard.ENCODINGS)
        raise ValueError(f"unknown encoding {encoding!r} for blackboard; choose one of: {choices}")


def export(
    rows: Sequence[ScoreRow],
    fmt: str,
    *,
    assignment: str,
    max_score: float,
    roster_file: Path | None = None,
    encoding: str | None = None,
) -> Export:
    """Render ``rows`` in format ``fmt``; raises ``ValueError`` with a clear message on a bad format or roster, and
    :class:`ExportRefused` when the LMS could not import the file. ``encoding`` is Blackboard's only."""
    check_format(fmt)
    check_encoding(fmt, encoding)
    if not assignment.strip():
        raise ValueError("the assignment name is empty")
    if not max_score > 0:
        raise ValueError(f"max_score must be positive, got {max_score!r}")
    scored = score_rows(rows, max_score)
    roster = read_table(roster_file) if roster_file is not None else None
    if fmt in _PLAIN:
        rendered = _PLAIN[fmt].render(scored, assignment=assignment, max_score=max_score, roster=roster)
    elif fmt == "blackboard":
        rendered = blackboard.render(scored, assignment=assignment, max_score=max_score, roster=roster,
                                     encoding=encoding)
    else:
        rendered = _LMS[fmt].render(scored, assignment=assignment, max_score=max_score, roster=roster)
    notices = rendered.notices + _rescale_notices(rows, max_score)
    for notice in notices:
        logger.info("%s export: %s", fmt, notice)
    return replace(rendered, notices=notices)


def _rescale_notices(rows: Sequence[ScoreRow], max_score: float) -> tuple[str, ...]:
    """Rows graded out of another maximum are exported as they are: say so."""
    odd = sorted({r.max_score for r in rows if abs(r.max_score - max_score) > 1e-9})
    if not odd:
        return ()
    return (
        f"some rows were graded out of {', '.join(f'{m:g}' for m in odd)}, not {max_score:g}: "
        "scores were exported as they are, not rescaled.",
    )
