"""Feedback for each student: a self-contained HTML page and a compact Markdown twin for LMS comment boxes.

What a student sees: the score and points per question, every failed check's message (hidden checks
show their message and points with a "hidden check" label, never a check's name or source), the
cells that raised or ran out of time, lateness and the late penalty, and pictures made from their own
values (learning curves, their images). Everything from the submission is untrusted: the pages come from
``templates/feedback.html.j2`` (autoescaped) and ``templates/feedback.md.j2`` (Markdown-escaped by filter).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.export.scoring import after_penalty
from autograder.model import (
    Artifact,
    ArtifactKind,
    CaseResult,
    CellRecord,
    CellStatus,
    LateStatus,
    QuestionResult,
    Status,
    StoredResult,
    SubmissionResult,
)
from autograder.report import plots
from autograder.report.render import render_html, render_markdown

logger = logging.getLogger(__name__)

HTML_OUTPUT_LINES, HTML_OUTPUT_CHARS = 25, 2500
MD_OUTPUT_LINES, MD_OUTPUT_CHARS = 8, 800
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slugify(student: str) -> str:
    """A file-name stem safe on any system; a lossy one gets a short hash of the id so stems never collide."""
    ascii_text = unicodedata.normalize("NFKD", student).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9._-]+", "-", ascii_text.lower()).strip(".-_")[:60].rstrip(".-_") or "student"
    if slug != student or slug in _RESERVED:
        slug = f"{slug}-{hashlib.sha256(student.encode()).hexdigest()[:8]}"
    return slug


def late_text(seconds: float | None) -> str:
    """``2 days 3 hours late``; days drop the minutes, under a minute is ``less than a minute late``."""
    if not seconds or seconds <= 0:
        return "on time"
    days, rest = divmod(int(seconds // 60), 24 * 60)
    hours, minutes = divmod(rest, 60)
    units = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    parts = [f"{n} {unit}{'s' * (n != 1)}" for n, unit in units if n]
    return (" ".join(parts) or "less than a minute") + " late"


@dataclass(frozen=True)
class LateNotice:
    """What a feedback page says of the submission's lateness, from the computation stored with it."""

    text: str
    """``2 days 3 hours late``, ``late`` (a flag without a time), or empty when only ``note`` has something."""
    penalty: float
    final: float
    policy: str
    note: str


def late_notice(stored: StoredResult) -> LateNotice | None:
    """None when on time or without a due date; the penalty and final score are the export's (2 decimals)."""
    lateness, result = stored.info.lateness, stored.result
    if not lateness.is_late and not lateness.note:
        return None
    text = late_text(lateness.seconds) if lateness.status == LateStatus.LATE else "late" * lateness.is_late
    final, penalty = after_penalty(result.score, result.max_score, lateness) if result else (0.0, 0.0)
    return LateNotice(text, penalty, final, lateness.policy, lateness.note)


@dataclass(frozen=True)
class Fix:
    """Failed checks of one question that share a message."""

    message: str
    points: float
    public: int
    hidden: int

    @property
    def labels(self) -> str:
        """``public check``, ``2 hidden checks``, ``public check + hidden check``..."""
        labels = []
        if self.public:
            labels.append("public check" if self.public == 1 else f"{self.public} public checks")
        if self.hidden:
            labels.append("hidden check" if self.hidden == 1 else f"{self.hidden} hidden checks")
        return " + ".join(labels)


def fixes(question: QuestionResult) -> list[Fix]:
    """The question's failed checks, grouped by message in order of first appearance."""
    groups: dict[str, list[CaseResult]] = {}
    for check in question.checks:
        if not check.passed:
            groups.setdefault(check.message or "a check failed", []).append(check)
    return [Fix(message, sum(c.points for c in cases), sum(not c.hidden for c in cases), sum(c.hidden for c in cases))
            for message, cases in groups.items()]


def failed_cells(result: SubmissionResult) -> list[CellRecord]:
    return [c for c in result.cells if c.status in (CellStatus.ERROR, CellStatus.TIMEOUT)]


_GRADER_FRAME = re.compile(r"^\s*File \S*[/\\]autograder[/\\]\S+:\d+ in ")


def without_grader_frames(text: str) -> str:
    """A traceback minus the grader's own frames (the runner that stopped a cell): only the student's code."""
    lines, kept, skip_code = text.split("\n"), [], False
    for line in lines:
        if _GRADER_FRAME.match(line):
            skip_code = True
            continue
        if skip_code and line.startswith("    "):
            continue
        skip_code = False
        kept.append(line)
    return "\n".join(kept)


def tail(text: str, lines: int, chars: int) -> str:
    """The end of a long output (the traceback's last lines matter most), saying how much was cut."""
    kept = without_grader_frames(text).rstrip("\n").split("\n")
    cut = max(0, len(kept) - lines)
    body = "\n".join(kept[cut:])
    if len(body) > chars:
        body, cut = body[-chars:], cut + 1
    return (f"[... {cut} earlier line{'s' * (cut != 1)} cut]\n" if cut else "") + body


def cell_heading(cell: CellRecord) -> str:
    verb = "was stopped" if cell.status == CellStatus.TIMEOUT else "raised"
    return f"Code cell {cell.index + 1} {verb}: {cell.error or cell.status}"


def pictures(artifacts: Sequence[Artifact]) -> list[plots.Picture]:
    """Learning curves from histories and the student's own images, in the order they were kept."""
    drawn = []
    for artifact in artifacts:
        try:
            if artifact.kind == ArtifactKind.HISTORY and isinstance(artifact.data, dict):
                picture = plots.learning_curves(artifact.data)
            elif artifact.kind == ArtifactKind.IMAGE:
                picture = plots.image_tiles(artifact.name, artifact.data)
            else:
                picture = None
        except (ValueError, TypeError, OverflowError) as exc:
            logger.warning("cannot draw %s artifact %r: %s", artifact.kind, artifact.name, exc)
            picture = None
        if picture is not None:
            drawn.append(picture)
    return drawn


def who(stored: StoredResult) -> str:
    name = stored.info.display_name
    return f"{name} ({stored.info.student})" if name and name != stored.info.student else stored.info.student


@dataclass(frozen=True)
class QuestionFeedback:
    """One question as the pages show it: points, how many checks failed, and what to fix."""

    name: str
    score: float
    max_score: float
    failed: int
    fixes: tuple[Fix, ...]

    @property
    def full(self) -> bool:
        return self.score >= self.max_score


@dataclass(frozen=True)
class FailedCell:
    heading: str
    output: str
    """The end of the cell's output, grader frames removed; empty when it printed nothing."""


_TROUBLE = {Status.ERROR: "could not be graded", Status.TIMEOUT: "ran out of time"}


def _context(stored: StoredResult, *, lab: str, lines: int, chars: int) -> dict[str, Any]:
    """What both feedback templates show; failed cells' output is cut to ``lines`` and ``chars``."""
    result = stored.result
    assert result is not None, "only graded submissions get feedback"
    questions = [QuestionFeedback(q.name, q.score, q.max_score, sum(not c.passed for c in q.checks), tuple(fixes(q)))
                 for q in result.questions]
    cells = [FailedCell(cell_heading(c), tail(c.output, lines, chars) if c.output.strip() else "")
             for c in failed_cells(result)]
    return {"lab": lab, "student": stored.info.student, "who": who(stored), "result": result,
            "trouble": _TROUBLE.get(result.status), "late": late_notice(stored), "questions": questions,
            "cells": cells}


def feedback_html(stored: StoredResult, artifacts: Sequence[Artifact], *, lab: str) -> str:
    """One student's feedback page, self-contained (inline CSS, pictures as ``data:`` URIs, no script)."""
    context = _context(stored, lab=lab, lines=HTML_OUTPUT_LINES, chars=HTML_OUTPUT_CHARS)
    return render_html("feedback.html.j2", pictures=pictures(artifacts), **context)


def feedback_markdown(stored: StoredResult, *, lab: str) -> str:
    """The same feedback as plain, compact Markdown (no pictures), for an LMS comment box."""
    context = _context(stored, lab=lab, lines=MD_OUTPUT_LINES, chars=MD_OUTPUT_CHARS)
    return render_markdown("feedback.md.j2", **context)


def page_stems(stored: Sequence[StoredResult]) -> list[str]:
    """One file stem per entry: the slug, with a counter added when a student has several."""
    used: set[str] = set()
    stems = []
    for entry in stored:
        stem = slugify(entry.info.student)
        candidate, counter = stem, 1
        while candidate.lower() in used:
            counter += 1
            candidate = f"{stem}-{counter}"
        used.add(candidate.lower())
        stems.append(candidate)
    return stems


def write_feedback(stored: Sequence[StoredResult], artifacts: Callable[[int], list[Artifact]], out_dir: Path, *,
                   lab: str) -> list[Path]:
    """Write ``STEM.html`` and ``STEM.md`` per graded submission; return every file written (HTML, then MD).

    ``artifacts`` maps a run id to its kept data (``Gradebook.artifacts``). Submissions not graded yet are
    skipped (and logged).
    """
    graded = [entry for entry in stored if entry.result is not None]
    if skipped := len(stored) - len(graded):
        logger.info("%d submission(s) of %s not graded yet: no feedback for them", skipped, lab)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for entry, stem in zip(graded, page_stems(graded), strict=True):
        kept = artifacts(entry.run_id) if entry.run_id is not None else []
        html_path, md_path = out_dir / f"{stem}.html", out_dir / f"{stem}.md"
        html_path.write_text(feedback_html(entry, kept, lab=lab), encoding="utf-8")
        md_path.write_text(feedback_markdown(entry, lab=lab), encoding="utf-8")
        written += [html_path, md_path]
    logger.info("wrote feedback for %d submission(s) of %s to %s", len(graded), lab, out_dir)
    return written
