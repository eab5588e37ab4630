"""The class list: read a roster CSV, match submissions to students, report who is missing and who is unknown.

Rosters come from anywhere (a hand-made CSV, Canvas's gradebook export, Moodle's grading worksheet, a Blackboard
download), so columns are recognised by their header, case-insensitively, and a student is matched by whichever
identity the submission's format carries.
"""

from __future__ import annotations

import csv
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from autograder.intake.lms import scheme_for
from autograder.intake.scheme import RosterColumn
from autograder.model import Candidate

log = logging.getLogger(__name__)

MAX_ROSTER_BYTES = 20 * 2**20
HEADER_ROWS = 10
"""Rows searched for the header line."""

# Normalised header -> field; within a field, earlier aliases win when several columns are present.
ALIASES: dict[str, tuple[str, ...]] = {
    "lms_id": ("canvas user id", "canvas id", "lms id", "user id", "userid", "participant id", "participant",
               "identifier", "id"),
    "sis_id": ("sis user id", "sis id", "student id", "student number", "id number", "idnumber", "orgdefinedid",
               "org defined id", "sid"),
    "username": ("sis login id", "login id", "login", "username", "user name", "netid", "net id"),
    "email": ("email", "email address", "e mail", "e mail address"),
    "name": ("name", "full name", "fullname", "student name", "student"),
    "first": ("first name", "firstname", "given name"),
    "last": ("last name", "lastname", "surname", "family name"),
}  # fmt: skip
TIME_ALIASES = ("last modified (submission)", "submission time", "submitted at", "date submitted", "submission date",
                "time submitted", "submitted")
"""Headers of a submission time column: Moodle's worksheet, Gradescope's export, a hand-made roster."""
TIME_FORMATS = ("%A, %d %B %Y, %I:%M %p", "%d %B %Y, %I:%M %p", "%Y-%m-%d %H:%M:%S %z")
"""Besides ISO 8601: Moodle's worksheet ("Tuesday, 1 December 2026, 11:52 PM"), Gradescope's export. Never
``03/04/2026``, which is March or April depending on who wrote it."""
_SKIP_ROWS = ("points possible", "manual posting")
"""First cells of the non-student rows in Canvas's gradebook export."""


class RosterError(Exception):
    """The roster cannot be read; the message is one line meant for the instructor."""


@dataclass(frozen=True)
class Student:
    """One student on the roster; any identity may be missing."""

    key: str
    """The first identity present, in the order lms_id, sis_id, username, email, name."""
    name: str | None
    email: str | None
    sis_id: str | None
    lms_id: str | None
    """Canvas user id or Moodle participant id (the number in ``Participant 1234567``)."""
    username: str | None
    submitted_at: datetime | None = None
    """When the roster says the student handed in (UTC; a time without a zone is read as UTC, like ``--due``)."""


@dataclass(frozen=True)
class Roster:
    """The students of a class, in the roster's order."""

    students: tuple[Student, ...]

    def find(self, candidate: Candidate) -> Student | None:
        """The one student ``candidate`` belongs to, by the identities its format carries; None if none or unsure."""
        for index, value in _probes(candidate):
            found = self._index[index].get(value, []) if value else []
            if len(found) == 1:
                return found[0]
        return None

    @cached_property
    def _index(self) -> dict[str, dict[str, list[Student]]]:
        """Students by each kind of identity, keys normalised."""
        index: dict[str, dict[str, list[Student]]] = {}
        for student in self.students:
            for kind, values in _identities(student).items():
                for value in values:
                    bucket = index.setdefault(kind, {}).setdefault(value, [])
                    if student not in bucket:
                        bucket.append(student)
        return {kind: index.get(kind, {}) for kind in ("lms_id", "sis_id", "username", "local", "name", "slug")}


@dataclass(frozen=True)
class RosterReport:
    """How a set of submissions lines up with the roster."""

    matched: dict[str, Student]
    """Candidate.student -> the roster's student."""
    missing: tuple[Student, ...]
    """Students with no submission, in roster order."""
    unknown: tuple[Candidate, ...]
    """Submissions that match no student (or several)."""


def reconcile(roster: Roster, cands: list[Candidate]) -> RosterReport:
    """Match each submission to a student; list students without a submission and submissions without a student."""
    matched: dict[str, Student] = {}
    unmatched: list[Candidate] = []
    for cand in cands:
        student = roster.find(cand)
        if student is None:
            unmatched.append(cand)
        else:
            matched.setdefault(cand.student, student)
    unknown = tuple(c for c in unmatched if c.student not in matched)
    seen = {s.key for s in matched.values()}
    return RosterReport(matched, tuple(s for s in roster.students if s.key not in seen), unknown)


# ---------------------------------------------------------------- matching


def _fold(text: str) -> str:
    """Case and accents removed: ``Müller`` -> ``muller``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def name_key(name: str | None) -> str | None:
    """A name's words, folded and sorted, so ``Doe, Jane``, ``jane doe`` and ``Jane_Doe`` agree; None if one word."""
    if not name:
        return None
    words = sorted(re.findall(r"[^\W\d_]+", _fold(name)))
    return " ".join(words) if len(words) >= 2 else None


def canvas_slugs(name: str | None) -> set[str]:
    """The forms Canvas may give a name in download file names: the sortable name lowercased, non-word chars removed."""
    if not name:
        return set()
    words = name.split()
    forms = {name}
    if "," not in name and len(words) >= 2:
        forms.add(words[-1] + "".join(words[:-1]))  # Canvas's default sortable name: "Last, First"
    slugs = {_squash(form) for form in forms}
    return {s for s in slugs if len(s) >= 3}


def _squash(text: str) -> str:
    return re.sub(r"[\W_]", "", _fold(text))


def _identities(student: Student) -> dict[str, set[str]]:
    ids = {
        "lms_id": {student.lms_id},
        "sis_id": {student.sis_id},
        "username": {student.username},
        "local": {student.email.split("@", 1)[0] if student.email else None},
        "name": {name_key(student.name)},
        "slug": canvas_slugs(student.name),
    }
    return {kind: {_fold(v) for v in values if v} for kind, values in ids.items()}


def _probes(cand: Candidate) -> Iterable[tuple[str, str | None]]:
    """(index, value) lookups to try in order, most trustworthy first, as the candidate's naming scheme lists them."""
    for column, field in scheme_for(cand.source).roster_keys:
        yield column, _probe_value(column, getattr(cand, field))


def _probe_value(column: RosterColumn, text: str | None) -> str | None:
    """``text`` normalised as the roster's ``column`` index keeps its keys."""
    if column == "name":
        return name_key(text)
    if column == "slug":
        return _squash(text or "")
    return _fold(text or "")


# ---------------------------------------------------------------- reading


def load_roster(path: Path) -> Roster:
    """Read a roster CSV (or Canvas gradebook export, Moodle worksheet, Blackboard download); raises RosterError."""
    rows = _rows(path)
    start, columns = _header(path, rows)
    when = _time_column([_normalise_header(cell) for cell in rows[start]])
    students: dict[str, Student] = {}
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        student = _student(row, columns)
        if student is not None and when is not None and when < len(row):
            student = replace(student, submitted_at=parse_time(row[when]))
        if student is None:
            continue
        if student.key in students:
            log.warning("%s: row %d repeats student %s, ignored", path.name, number, student.key)
            continue
        students[student.key] = student
    if not students:
        raise RosterError(f"{path.name}: the roster lists no students")
    return Roster(tuple(students.values()))


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise RosterError(f"{path.name}: an Excel workbook or zip, not CSV; save it as CSV")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252", "latin-1")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterError(f"{path.name}: not a text file")


def _rows(path: Path) -> list[list[str]]:
    """The CSV's rows; the delimiter (comma, tab or semicolon) is the most frequent one in the first line."""
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise RosterError(f"{path.name}: larger than {MAX_ROSTER_BYTES // 2**20} MiB")
        text = _decode(path, path.read_bytes())
    except OSError as exc:
        raise RosterError(f"{path.name}: cannot read the roster ({exc.strerror or exc})") from exc
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first.count)
    try:
        rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    except csv.Error as exc:
        raise RosterError(f"{path.name}: not a readable CSV ({exc})") from exc
    return [[cell.strip() for cell in row] for row in rows if any(cell.strip() for cell in row)]


def _normalise_header(cell: str) -> str:
    return " ".join(re.sub(r"[-_:.]", " ", cell.strip().strip('"').casefold()).split())


def _header(path: Path, rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header row's index and the column of each field it names."""
    for index, row in enumerate(rows[:HEADER_ROWS]):
        columns = _columns([_normalise_header(cell) for cell in row])
        if columns.keys() - {"first", "last"} or {"first", "last"} <= columns.keys():
            return index, columns
    if not rows:
        raise RosterError(f"{path.name}: the roster is empty")
    expected = "ID, Student ID, Username, Email, Name, First name and Last name, or Identifier"
    raise RosterError(f"{path.name}: no column names a student (expected a header such as {expected})")


def _columns(headers: list[str]) -> dict[str, int]:
    """The column of each field; a bare "ID" is Canvas's user id only next to Canvas's "Student" column."""
    position = {header: col for col, header in reversed(list(enumerate(headers)))}
    columns: dict[str, int] = {}
    for field, aliases in ALIASES.items():
        alias = next((a for a in aliases if a in position), None)
        if alias == "id" and "student" not in position:
            if "sis_id" not in columns:
                columns["sis_id"] = position[alias]  # a hand-made roster's "ID" is the student number
            continue
        if alias is not None:
            columns[field] = position[alias]
    return columns


def _time_column(headers: list[str]) -> int | None:
    return next((headers.index(a) for a in TIME_ALIASES if a in headers), None)


def parse_time(text: str) -> datetime | None:
    """A submission time as rosters write it, in UTC; None for anything else ("-", "No submission", "Yes")."""
    text = " ".join(text.split())
    if not text or not any(ch.isdigit() for ch in text):
        return None
    moment = None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for fmt in TIME_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _student(row: list[str], columns: dict[str, int]) -> Student | None:
    """One row as a Student; None for Canvas's "Points Possible" rows and rows with no identity."""
    cell = {field: (row[col].strip() if col < len(row) else "") for field, col in columns.items()}
    if row and row[0].strip().casefold().startswith(_SKIP_ROWS):
        return None
    name = cell.get("name") or " ".join(p for p in (cell.get("first"), cell.get("last")) if p) or None
    lms_id = cell.get("lms_id", "")
    if re.match(r"^\D+\s+\d+$", lms_id):  # Moodle's "Participant 1234567"
        lms_id = lms_id.split()[-1]
    fields = {
        "lms_id": lms_id or None,
        "sis_id": cell.get("sis_id", "").lstrip("#") or None,  # D2L exports prefix ids with "#"
        "username": cell.get("username", "").lstrip("#") or None,
        "email": cell.get("email") or None,
    }
    key = next((v for v in (fields["lms_id"], fields["sis_id"], fields["username"], fields["email"], name) if v), None)
    if key is None:
        return None
    return Student(key=key, name=name, **fields)
