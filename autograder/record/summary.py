"""What ``autograder status`` and ``autograder show`` report, read back from the gradebook."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from autograder.intake.roster import Roster
from autograder.model import LateStatus, Status, StoredResult

UNKNOWN_LATENESS = "lateness unknown (no submission time)"


@dataclass(frozen=True)
class StatusReport:
    """Counts of a lab's submissions, and who is missing or unknown when a roster is given."""

    counts: dict[str, int]
    """Submissions, students, each status, not graded yet, late (and missing, with a roster)."""
    missing: tuple[str, ...] = field(default=())
    """Students on the roster with no submission, by name (or their first identity)."""
    unknown: tuple[str, ...] = field(default=())
    """Students who handed something in but are not on the roster, with the file they sent."""


def summarise(stored: list[StoredResult], roster: Roster | None = None) -> StatusReport:
    """Counts per status, plus not-yet-graded, late, and (with a roster) who is missing and who is unknown."""
    counts: Counter[str] = Counter()
    students = set()
    for entry in stored:
        students.add(entry.info.student)
        counts[entry.result.status if entry.result else "not graded yet"] += 1
        counts["late"] += entry.info.lateness.is_late
        counts[UNKNOWN_LATENESS] += entry.info.lateness.status == LateStatus.UNKNOWN
    summary = {"submissions": len(stored), "students": len(students)}
    for key in (*Status, "not graded yet", "late"):
        summary[key] = counts[key]
    if counts[UNKNOWN_LATENESS]:
        summary[UNKNOWN_LATENESS] = counts[UNKNOWN_LATENESS]
    if roster is None:
        return StatusReport(summary)
    matched = {entry.submission_id: roster.find(entry.info.as_candidate()) for entry in stored}
    found = set(matched.values())
    missing = tuple(s.name or s.key for s in roster.students if s not in found)
    unknown = tuple(dict.fromkeys(_who(entry) for entry in stored if matched[entry.submission_id] is None))
    summary["missing (on roster, no submission)"] = len(missing)
    summary["unknown (not on roster)"] = len({e.info.student for e in stored if matched[e.submission_id] is None})
    return StatusReport(summary, missing, unknown)


def _who(entry: StoredResult) -> str:
    return f"{entry.info.display_name or entry.info.student} ({entry.info.original_name or entry.info.path})"


def find_student(stored: list[StoredResult], who: str) -> list[StoredResult]:
    """The submissions of the student ``who`` names: their key, or their display name, ignoring case."""
    wanted = who.strip().casefold()
    by_key = [e for e in stored if e.info.student.casefold() == wanted]
    return by_key or [e for e in stored if (e.info.display_name or "").casefold() == wanted]
