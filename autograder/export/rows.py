"""What every export format starts from: one row per student, the late policy applied, and CSV plumbing.

Numbers in LMS files have at most 2 decimals, a '.' decimal point and are never negative
(:func:`points`); rounding is half-up on the decimal value (8.125 -> 8.13).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from autograder.export.late import NO_PENALTY, LatePolicy

GRADED, ERROR, TIMEOUT, MISSING = "graded", "error", "timeout", "missing"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16LE_BOM = b"\xff\xfe"
UTF16BE_BOM = b"\xfe\xff"


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
    status: str
    """``graded``, ``error``, ``timeout`` or ``missing``."""
    submitted_at: datetime | None
    late_seconds: float | None
    """Seconds after the due date; ``None`` or 0 when on time."""


@dataclass(frozen=True)
class Scored:
    """A row with the late policy applied: what every format writes."""

    row: ScoreRow
    final: float | None
    """Score after penalty, rounded to 2 decimals, never negative; ``None`` = no submission."""
    penalty: float
    """Points taken off for lateness (rounded to 2 decimals)."""
    late_days: int
    """Started days after the due date (a partial day counts as a whole one)."""

    @property
    def missing(self) -> bool:
        return self.final is None


@dataclass(frozen=True)
class Rendered:
    """A format's output: the file content and notices the caller should show the instructor."""

    content: bytes
    notices: tuple[str, ...] = ()


def round2(value: float) -> float:
    """Round half-up to 2 decimals on the decimal value, so 2.675 -> 2.68 (float ``round`` gives 2.67)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def points(value: float | None) -> str:
    """A score as LMS files want it: '8.5', '10', '7.33'; '' for ``None``; never negative, never '-0'."""
    if value is None:
        return ""
    number = Decimal(repr(max(round2(value), 0.0))).quantize(Decimal("0.01")).normalize()
    return format(number, "f") if number else "0"


def score_rows(rows: Sequence[ScoreRow], max_score: float, policy: LatePolicy | None) -> tuple[Scored, ...]:
    """Apply ``policy`` (percentages of ``max_score``) to every row; missing rows stay missing."""
    policy = policy or NO_PENALTY
    out = []
    for row in rows:
        days = NO_PENALTY.units_late(row.late_seconds)
        if row.score is None or row.status == MISSING:
            out.append(Scored(row, None, 0.0, days))
            continue
        _, penalty = policy.apply(row.score, max_score, row.late_seconds)
        penalty = round2(penalty)
        out.append(Scored(row, max(round2(row.score - penalty), 0.0), penalty, days))
    return tuple(out)


def split_name(name: str | None) -> tuple[str, str]:
    """``(first, last)`` from 'Jane Doe' or 'Doe, Jane'; the last word is taken as the last name."""
    if not name:
        return "", ""
    if "," in name:
        last, first = name.split(",", 1)
        return first.strip(), last.strip()
    words = name.split()
    return " ".join(words[:-1]), words[-1] if words else ""


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def _name_forms(name: str) -> set[str]:
    first, last = split_name(name)
    return {_norm(name), _norm(f"{first} {last}"), _norm(f"{last}, {first}")}


@dataclass
class RowIndex:
    """Find our rows from an LMS roster's identity cells; remembers which rows were matched."""

    scored: Sequence[Scored]
    _index: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        for i, item in enumerate(self.scored):
            row = item.row
            keys = [("student", row.student), ("lms_id", row.lms_id), ("sis_id", row.sis_id)]
            keys += [("username", row.username), ("email", row.email)]
            for kind, value in keys:
                if value:
                    self._index.setdefault((kind, _norm(value)), []).append(i)
            for form in _name_forms(row.name) if row.name else ():
                self._index.setdefault(("name", form), []).append(i)

    def find(self, keys: Iterable[tuple[str, str | None]]) -> Scored | None:
        """First unambiguous hit over ``(kind, value)`` pairs, tried in order (kinds as in ``ScoreRow``).

        A row already matched, or whose own ``lms_id`` / ``sis_id`` disagrees with the roster's, is never taken:
        two students with the same name must not swap scores.
        """
        keys = [(kind, value) for kind, value in keys if value and value.strip()]
        for kind, value in keys:
            hits = self._index.get((kind, _norm(value)), [])
            if len(hits) == 1 and hits[0] not in self.used and not self._conflicts(self.scored[hits[0]].row, keys):
                self.used.add(hits[0])
                return self.scored[hits[0]]
        return None

    @staticmethod
    def _conflicts(row: ScoreRow, keys: Sequence[tuple[str, str]]) -> bool:
        ours = {"lms_id": row.lms_id, "sis_id": row.sis_id}
        return any(ours.get(kind) and _norm(ours[kind] or "") != _norm(value) for kind, value in keys)

    def unmatched(self) -> list[Scored]:
        return [s for i, s in enumerate(self.scored) if i not in self.used]


def describe(row: ScoreRow) -> str:
    """A short human label for notices: 'Jane Doe (jdoe)'."""
    return f"{row.name} ({row.student})" if row.name else row.student


# --- CSV plumbing -----------------------------------------------------------------------------------------------


@dataclass
class Table:
    """A delimited text file kept as text cells, with the details needed to write it back the same way."""

    rows: list[list[str]]
    delimiter: str = ","
    encoding: str = "utf-8"
    """``utf-8`` or ``utf-16`` (written little-endian with a BOM)."""
    bom: bool = False
    lineterminator: str = "\r\n"

    def to_bytes(self, *, quote_all: bool = False) -> bytes:
        return encode_rows(
            self.rows,
            delimiter=self.delimiter,
            encoding=self.encoding,
            bom=self.bom,
            lineterminator=self.lineterminator,
            quote_all=quote_all,
        )


def encode_rows(
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
    lineterminator: str = "\r\n",
    quote_all: bool = False,
) -> bytes:
    """Write rows as delimited text in the exact encoding an LMS expects."""
    buffer = io.StringIO(newline="")
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator, quoting=quoting).writerows(rows)
    text = buffer.getvalue()
    if encoding == "utf-16":
        return UTF16LE_BOM + text.encode("utf-16-le")
    return (UTF8_BOM if bom else b"") + text.encode("utf-8")


def decode(data: bytes, source: str) -> tuple[str, str, bool]:
    """``(text, encoding, had_bom)``: UTF-16 by its BOM, else UTF-8 with or without BOM."""
    if data.startswith((UTF16LE_BOM, UTF16BE_BOM)):
        return data.decode("utf-16"), "utf-16", True
    bom = data.startswith(UTF8_BOM)
    try:
        return data[len(UTF8_BOM) if bom else 0 :].decode("utf-8"), "utf-8", bom
    except UnicodeDecodeError as exc:
        raise ValueError(f"{source} is neither UTF-8 nor UTF-16 ({exc.reason} at byte {exc.start})") from None


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: len(next(csv.reader([first_line], delimiter=d), [])) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_table(path: Path) -> Table:
    """Read an LMS-exported roster (comma, semicolon or tab separated; UTF-8 or UTF-16)."""
    text, encoding, bom = decode(Path(path).read_bytes(), str(path))
    if not text.strip():
        raise ValueError(f"roster {path} is empty")
    delimiter = _sniff_delimiter(text.splitlines()[0])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    ending = "\r\n" if "\r\n" in text else "\n"
    return Table(rows, delimiter, encoding, bom, ending)


def find_column(header: Sequence[str], assignment: str, title_of: Callable[[str], str | None], lms: str) -> int:
    """Index of the assignment's column: exact title first, else the one title starting with ``assignment``."""
    titles = {i: title_of(cell) for i, cell in enumerate(header)}
    titles = {i: t for i, t in titles.items() if t is not None}
    wanted = _norm(assignment)
    for test in (lambda t: _norm(t) == wanted, lambda t: _norm(t).startswith(wanted)):
        hits = [i for i, t in titles.items() if test(t)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = ", ".join(repr(header[i]) for i in hits)
            raise ValueError(f"{lms} roster has several columns for {assignment!r}: {names}; pass the exact title")
    names = ", ".join(repr(header[i]) for i in titles) or "none"
    raise ValueError(f"{lms} roster has no column for assignment {assignment!r}; its assignment columns: {names}")


# --- our own plain formats --------------------------------------------------------------------------------------

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
    "late_seconds",
    "late_days",
    "score_before_penalty",
    "penalty",
    "score",
    "max_score",
    "late_policy",
)


def plain_record(item: Scored, *, assignment: str, max_score: float, policy: LatePolicy | None) -> dict[str, object]:
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
        "status": MISSING if item.missing else row.status,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
        "late_seconds": row.late_seconds if row.late_seconds and row.late_seconds > 0 else 0,
        "late_days": item.late_days,
        "score_before_penalty": raw,
        "penalty": item.penalty,
        "score": item.final,
        "max_score": max_score,
        "late_policy": (policy or NO_PENALTY).text,
    }
