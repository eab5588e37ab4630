"""What ``autograder status`` and ``autograder show`` report, read back from the gradebook."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field

from autograder.intake.roster import Roster
from autograder.model import LateStatus, Stage, Status, StoredResult

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


@dataclass(frozen=True)
class StageTime:
    """One stage of grading, over the lab's current runs (seconds)."""

    stage: str
    runs: int
    """Runs that reached this stage."""
    mean: float
    median: float
    p95: float
    total: float
    share: float
    """Fraction of all the stages' total time."""


@dataclass(frozen=True)
class TimingReport:
    """Where a lab's grading time went, stage by stage, and the last ``grade`` of the class as a whole."""

    stages: tuple[StageTime, ...]
    runs: int
    """Current runs with timings (runs from before timings were stored have none)."""
    check_rounds: float
    """Mean check rounds per run (one, plus one per round of probe calls)."""
    last_batch: dict[str, float] = field(default_factory=dict)
    """``wall``, ``jobs``, ``submissions``, ``graded`` and ``per_minute`` of the latest ``grade`` that graded
    something; the gradebook write's stage is its average per run."""


def timing_report(stored: list[StoredResult], batches: list[dict]) -> TimingReport:
    """Per-stage statistics of the current runs; the gradebook write comes from the batches (it is not inside a run)."""
    timed = [entry.result.timings for entry in stored if entry.result is not None and entry.result.timings]
    per_stage = {stage: [t[stage] for t in timed if stage in t] for stage in Stage if stage != Stage.RECORD}
    graded = [b for b in batches if b["graded"]]
    if graded:
        per_stage[Stage.RECORD] = [graded[-1]["record"] / graded[-1]["graded"]] * graded[-1]["graded"]
    overall = sum(sum(values) for values in per_stage.values()) or 1.0
    stages = tuple(_stage(str(stage), values, overall) for stage, values in per_stage.items() if values)
    rounds = [sum(k.startswith("check round ") for k in t) + 1 for t in timed if Stage.CHECKS in t]
    last: dict[str, float] = {}
    if graded:
        batch = graded[-1]
        last = {k: float(batch[k]) for k in ("wall", "jobs", "submissions", "graded")}
        last["per_minute"] = 60 * batch["graded"] / batch["wall"] if batch["wall"] else 0.0
    return TimingReport(stages, len(timed), statistics.fmean(rounds) if rounds else 0.0, last)


def _stage(name: str, values: list[float], overall: float) -> StageTime:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, math.ceil(0.95 * len(ordered)) - 1))]
    return StageTime(name, len(values), statistics.fmean(values), statistics.median(values), p95, sum(values),
                     sum(values) / overall)
