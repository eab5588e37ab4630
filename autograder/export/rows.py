"""What flows through the export stage: a student's result, the same after the late policy, and a format's file.

Numbers in LMS files have at most 2 decimals, a '.' decimal point and are never negative
(:func:`points`); rounding is half-up on the decimal value (8.125 -> 8.13).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from autograder.model import Lateness, RowStatus


@dataclass(frozen=True)
class ScoreRow:
    """One student's result for one assignment, as the gradebook hands it to an export."""

    student: str
    """Identity key from the submission (LMS user id, username, participant id or file stem)."""
    name: str | None
    email: str | None
    sis_id: str | None
    lms_id: str | None
    """Canvas user id / Moodle participant id / Blackboard username / Brightspace OrgDefinedId."""
    username: str | None
    score: float | None
    """Points before any late penalty; ``None`` = no submission."""
    max_score: float
    status: RowStatus
    submitted_at: datetime | None
    lateness: Lateness
    """As computed when the submission was recorded (no due date for a student with no submission)."""
    id_source: str | None = None
    """The LMS whose download named the submission (``canvas``, ``moodle``, ``blackboard``), ``None`` for plain
    files: ``student`` and ``lms_id`` are that LMS's ids (a Moodle participant id is no Canvas user id), so another
    LMS's format never matches or writes them as its own."""
    comment: str | None = None
    """Feedback for the student as an HTML fragment, for the formats that carry a comment column."""


class ExportRefused(Exception):
    """The file would not import (a row without the id its LMS matches on, a roster that matches nobody): one line
    naming what is needed. Not a bad argument but a file the LMS would reject: the CLI prints it and exits 1."""


@dataclass(frozen=True)
class Scored:
    """A row with the late policy applied: what every format writes."""

    row: ScoreRow
    final: float | None
    """Score after penalty, rounded to 2 decimals, never negative; ``None`` = no submission."""
    penalty: float
    """Points taken off for lateness (rounded to 2 decimals)."""
    late_days: int
    """Started days after the due date (a partial day counts as a whole one; a late flag without a time, one)."""

    @property
    def missing(self) -> bool:
        return self.final is None


@dataclass(frozen=True)
class Export:
    """An exported file: its bytes, what the instructor must know before importing it, and its student rows."""

    content: bytes
    notices: tuple[str, ...]
    rows: int
    """Student rows written with an identifier the LMS matches (a blank one for a missing student included);
    roster rows left as they were do not count."""


def round2(value: float) -> float:
    """Round half-up to 2 decimals on the decimal value, so 2.675 -> 2.68 (float ``round`` gives 2.67)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def points(value: float | None) -> str:
    """A score as LMS files want it: '8.5', '10', '7.33'; '' for ``None``; never negative, never '-0'."""
    if value is None:
        return ""
    number = Decimal(repr(max(round2(value), 0.0))).quantize(Decimal("0.01")).normalize()
    return format(number, "f") if number else "0"


def split_name(name: str | None) -> tuple[str, str]:
    """``(first, last)`` from 'Jane Doe' or 'Doe, Jane'; the last word is taken as the last name."""
    if not name:
        return "", ""
    if "," in name:
        last, first = name.split(",", 1)
        return first.strip(), last.strip()
    words = name.split()
    return " ".join(words[:-1]), words[-1] if words else ""


def describe(row: ScoreRow) -> str:
    """A short human label for notices: 'Jane Doe (jdoe)'."""
    return f"{row.name} ({row.student})" if row.name else row.student


def own_lms_id(row: ScoreRow, lms: str) -> str | None:
    """``row.lms_id`` unless another LMS's download gave it (then it is no id of ``lms``; ``""`` trusts any)."""
    return row.lms_id if not lms or row.id_source in (None, lms) else None


def refuse_unidentified(lms: str, lacking: list[ScoreRow], needs: str, fix: str, *, what: str = "export") -> None:
    """Raise :class:`ExportRefused` when rows lack the identifier ``lms`` matches on: one line, up to 5 names."""
    if not lacking:
        return
    names = ", ".join(" ".join(describe(row).split()) for row in lacking[:5])  # names come from file names
    if len(lacking) > 5:
        names += f" and {len(lacking) - 5} more"
    count = f"{len(lacking)} student{'s' * (len(lacking) != 1)}"
    raise ExportRefused(f"{lms} {what} refused: {count} without {needs} ({names}); {fix}")
