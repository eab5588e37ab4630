"""Feedback for each student: a self-contained HTML page and a compact Markdown twin for LMS comment boxes.

What a student sees: the score and points per question, every failed check's message (hidden checks
show their message and points with a "hidden check" label, never a check's name or source), the
cells that raised or ran out of time, lateness and the late penalty, and pictures made from their own
values (learning curves, their images). Everything from the submission is untrusted and escaped.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from autograder.check.run import CaseResult
from autograder.execute.session import CellRecord
from autograder.export.late import LatePolicy
from autograder.record.gradebook import StoredResult
from autograder.report import plots
from autograder.report.templates import esc, page, rich_text
from autograder.results import Artifact, QuestionResult, SubmissionResult

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


def fmt(points: float) -> str:
    """Points for people: ``6.5``, ``14``, ``0.33``."""
    return f"{round(points, 2):g}"


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
class Lateness:
    """How late a submission was and what it cost."""

    text: str
    penalty: float
    final: float
    policy: str


def lateness(stored: StoredResult, policy: LatePolicy | None) -> Lateness | None:
    """None when on time (or unknown); the penalty is 0 without a policy."""
    info, result = stored.info, stored.result
    seconds = info.late_seconds or 0.0
    if not info.late and seconds <= 0:
        return None
    text = late_text(seconds) if seconds > 0 else "late"
    score = result.score if result else 0.0
    if policy is None or policy.is_none or result is None:
        return Lateness(text, 0.0, score, "")
    final, penalty = policy.apply(score, result.max_score, seconds)
    return Lateness(text, penalty, final, policy.text)


@dataclass(frozen=True)
class Fix:
    """Failed checks of one question that share a message."""

    message: str
    points: float
    public: int
    hidden: int


def fixes(question: QuestionResult) -> list[Fix]:
    """The question's failed checks, grouped by message in order of first appearance."""
    groups: dict[str, list[CaseResult]] = {}
    for check in question.checks:
        if not check.passed:
            groups.setdefault(check.message or "a check failed", []).append(check)
    return [Fix(message, sum(c.points for c in cases), sum(not c.hidden for c in cases), sum(c.hidden for c in cases))
            for message, cases in groups.items()]


def failed_cells(result: SubmissionResult) -> list[CellRecord]:
    return [c for c in result.cells if c.status in ("error", "timeout")]


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
    verb = "was stopped" if cell.status == "timeout" else "raised"
    return f"Code cell {cell.index + 1} {verb}: {cell.error or cell.status}"


def pictures(artifacts: Sequence[Artifact]) -> list[plots.Picture]:
    """Learning curves from histories and the student's own images, in the order they were kept."""
    drawn = []
    for artifact in artifacts:
        try:
            if artifact.kind == "history" and isinstance(artifact.data, dict):
                picture = plots.learning_curves(artifact.data)
            elif artifact.kind == "image":
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


def _html_header(stored: StoredResult, lab: str, late: Lateness | None) -> str:
    result = stored.result
    assert result is not None
    percent = f" ({100 * result.score / result.max_score:.0f}%)" if result.max_score else ""
    parts = [f"<h1>{esc(lab)}: feedback</h1>", f"<p class=\"sub\">for {esc(who(stored))}</p>",
             f"<p class=\"score\">{fmt(result.score)} <small>/ {fmt(result.max_score)} points{percent}</small></p>"]
    if result.status in ("error", "timeout"):
        what = "could not be graded" if result.status == "error" else "ran out of time"
        parts.append(f"<p class=\"notice bad\"><b>Your notebook {what}.</b> {rich_text(result.message)}</p>")
    if late:
        cost = (f" The late policy ({esc(late.policy)}) takes off <b>{fmt(late.penalty)} points</b>: "
                f"your score is <b>{fmt(late.final)} / {fmt(result.max_score)}</b>.") if late.penalty else ""
        parts.append(f"<p class=\"notice\"><b>Submitted {esc(late.text)}.</b>{cost}</p>")
    return "<header class=\"card\">" + "\n".join(parts) + "</header>"


def _html_questions(result: SubmissionResult) -> str:
    if not result.questions:
        return ""
    rows = []
    for q in result.questions:
        full = q.score >= q.max_score
        mark = "<span class=\"ok\">all checks passed</span>" if full else (
            f"<span class=\"fail\">{sum(not c.passed for c in q.checks)} failed</span>")
        rows.append(f"<tr class=\"{'full' if full else 'partial'}\"><td>{esc(q.name)}</td><td class=\"num\">"
                    f"{fmt(q.score)}</td><td class=\"num\">{fmt(q.max_score)}</td><td>{mark}</td></tr>")
    return ("<h2>Points per question</h2><table><thead><tr><th>question</th><th class=\"num\">points</th>"
            "<th class=\"num\">out of</th><th>checks</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _fix_labels(fix: Fix) -> str:
    labels = []
    if fix.public:
        labels.append("public check" if fix.public == 1 else f"{fix.public} public checks")
    if fix.hidden:
        labels.append("hidden check" if fix.hidden == 1 else f"{fix.hidden} hidden checks")
    return " + ".join(labels)


def _html_fixes(result: SubmissionResult) -> str:
    blocks = []
    for q in result.questions:
        items = []
        for fix in fixes(q):
            tag = f"<span class=\"tag{' hidden' if fix.hidden else ''}\">{esc(_fix_labels(fix))}</span>"
            items.append(f"<li><span class=\"pts\">&minus;{fmt(fix.points)}</span>{tag}{rich_text(fix.message)}</li>")
        if items:
            blocks.append(f"<h3>{esc(q.name)} <small class=\"sub\">({fmt(q.score)} / {fmt(q.max_score)})</small></h3>"
                          f"<ul class=\"fixes\">{''.join(items)}</ul>")
    return "<h2>What to fix</h2>" + "".join(blocks) if blocks else ""


def _html_cells(result: SubmissionResult) -> str:
    blocks = []
    for cell in failed_cells(result):
        output = tail(cell.output, HTML_OUTPUT_LINES, HTML_OUTPUT_CHARS) if cell.output.strip() else ""
        blocks.append(f"<h3>{rich_text(cell_heading(cell))}</h3>" + (f"<pre>{esc(output)}</pre>" if output else ""))
    return "<h2>Cells that failed</h2>" + "".join(blocks) if blocks else ""


def _html_pictures(drawn: Sequence[plots.Picture]) -> str:
    if not drawn:
        return ""
    figures = "".join(f"<figure><img src=\"{p.uri}\" alt=\"{esc(p.caption)}\"><figcaption>{esc(p.caption)}"
                      "</figcaption></figure>" for p in drawn)
    return "<h2>Your results as pictures</h2>" + figures


def feedback_html(stored: StoredResult, artifacts: Sequence[Artifact], *, lab: str,
                  policy: LatePolicy | None = None) -> str:
    """One student's feedback page, self-contained (inline CSS, pictures as ``data:`` URIs, no script)."""
    result = stored.result
    assert result is not None, "only graded submissions get feedback"
    late = lateness(stored, policy)
    body = "\n".join(part for part in (
        _html_header(stored, lab, late), _html_questions(result), _html_fixes(result), _html_cells(result),
        _html_pictures(pictures(artifacts)),
        "<footer>Generated by the autograder. Hidden checks show what went wrong, not how they test it.</footer>",
    ) if part)
    return page(f"{lab}: feedback for {stored.info.student}", body)


_MD_SPECIAL = re.compile(r"([\\<>\[\]])")


def md_text(text: str) -> str:
    """A message for Markdown on one line: HTML and link syntax escaped outside `code` spans, kept inside."""
    parts = " ".join(str(text).split()).split("`")
    if len(parts) % 2 == 0:
        parts[-2:] = ["`".join(parts[-2:])]
    return "".join(f"`{p}`" if i % 2 else _MD_SPECIAL.sub(r"\\\1", p).replace("`", "\\`")
                   for i, p in enumerate(parts))


def _md_fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


def feedback_markdown(stored: StoredResult, *, lab: str, policy: LatePolicy | None = None) -> str:
    """The same feedback as plain, compact Markdown (no pictures), for an LMS comment box."""
    result = stored.result
    assert result is not None, "only graded submissions get feedback"
    lines = [f"**{md_text(lab)}: {fmt(result.score)} / {fmt(result.max_score)} points** for {md_text(who(stored))}",
             ""]
    if result.status == "error":
        lines += [f"Your notebook could not be graded: {md_text(result.message)}", ""]
    elif result.status == "timeout":
        lines += [f"Your notebook ran out of time: {md_text(result.message)}", ""]
    if late := lateness(stored, policy):
        cost = (f" Late penalty ({md_text(late.policy)}): -{fmt(late.penalty)} points, "
                f"final score {fmt(late.final)} / {fmt(result.max_score)}.") if late.penalty else ""
        lines += [f"Submitted {late.text}.{cost}", ""]
    for q in result.questions:
        lines.append(f"- {md_text(q.name)}: {fmt(q.score)} / {fmt(q.max_score)}")
        lines += [f"  - -{fmt(f.points)} ({_fix_labels(f)}): {md_text(f.message)}" for f in fixes(q)]
    for cell in failed_cells(result):
        lines += ["", f"{md_text(cell_heading(cell))}"]
        if cell.output.strip():
            lines.append(_md_fence(tail(cell.output, MD_OUTPUT_LINES, MD_OUTPUT_CHARS)))
    return "\n".join(lines).strip() + "\n"


def _unique_stems(stored: Sequence[StoredResult]) -> list[str]:
    """One file stem per entry: the slug, with the attempt or a counter added when a student has several."""
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
                   lab: str, policy: LatePolicy | None = None) -> list[Path]:
    """Write ``STEM.html`` and ``STEM.md`` per graded submission; return every file written (HTML, then MD).

    ``artifacts`` maps a run id to its kept data (``Gradebook.artifacts``). Submissions not graded yet are
    skipped (and logged).
    """
    graded = [entry for entry in stored if entry.result is not None]
    if skipped := len(stored) - len(graded):
        logger.info("%d submission(s) of %s not graded yet: no feedback for them", skipped, lab)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for entry, stem in zip(graded, _unique_stems(graded), strict=True):
        kept = artifacts(entry.run_id) if entry.run_id is not None else []
        html_path, md_path = out_dir / f"{stem}.html", out_dir / f"{stem}.md"
        html_path.write_text(feedback_html(entry, kept, lab=lab, policy=policy), encoding="utf-8")
        md_path.write_text(feedback_markdown(entry, lab=lab, policy=policy), encoding="utf-8")
        written += [html_path, md_path]
    logger.info("wrote feedback for %d submission(s) of %s to %s", len(graded), lab, out_dir)
    return written
