"""What ``autograder status`` reports: counts read back from the gradebook."""

from __future__ import annotations

from collections import Counter

from autograder.intake.roster import Roster
from autograder.model import Status, StoredResult


def summarise(stored: list[StoredResult], roster: Roster | None = None) -> dict[str, int]:
    """Counts per status, plus not-yet-graded, late, and (with a roster) students with no submission."""
    counts: Counter[str] = Counter()
    students = set()
    for entry in stored:
        students.add(entry.info.student)
        counts[entry.result.status if entry.result else "not graded yet"] += 1
        counts["late"] += bool(entry.info.late)
    summary = {"submissions": len(stored), "students": len(students)}
    for key in (*Status, "not graded yet", "late"):
        summary[key] = counts[key]
    if roster is not None:
        found = {roster.find(entry.info.as_candidate()) for entry in stored}
        summary["missing (on roster, no submission)"] = sum(1 for s in roster.students if s not in found)
    return summary
