"""The class report: one offline HTML page saying how a lab went and which mistakes to teach again.

Totals (mean, median) count every submission with a result, errors as 0. Per-question numbers and
failing checks count only submissions whose notebook ran (``graded`` or ``timeout``): an unreadable
file says nothing about a question.
"""

from __future__ import annotations

import logging
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autograder.labs import Question
from autograder.record.gradebook import StoredResult, SubmissionInfo
from autograder.report import plots
from autograder.report.student import fmt, late_text, who
from autograder.report.templates import esc, page, rich_text
from autograder.results import ERROR, GRADED, TIMEOUT, SubmissionResult

logger = logging.getLogger(__name__)

TOP_CHECKS = 10
TOP_MESSAGES = 3
MESSAGE_CHARS = 300


@dataclass(frozen=True)
class QuestionStats:
    name: str
    points: float
    average: float
    """Average points over submissions whose notebook ran."""
    full: int
    """Submissions with full marks."""
    count: int


@dataclass(frozen=True)
class FailingCheck:
    """A check that failed often; twin checks (same submissions, same messages) are merged into one."""

    question: str
    checks: tuple[tuple[str, bool], ...]
    """(check name, hidden) of each merged check."""
    failures: int
    """Submissions that failed it."""
    messages: list[tuple[str, int]]
    """Most common messages, with how many submissions got each."""


def _ran(stored: Sequence[StoredResult]) -> list[SubmissionResult]:
    return [s.result for s in stored if s.result is not None and s.result.status in (GRADED, TIMEOUT)]


def question_stats(stored: Sequence[StoredResult], questions: Sequence[Question]) -> list[QuestionStats]:
    """Average points and full-marks count per question, in the lab's order."""
    ran = _ran(stored)
    stats = []
    for question in questions:
        scores = []
        for result in ran:
            found = [q for q in result.questions if q.name == question.name]
            scores.append(found[0].score if found else 0.0)
        average = statistics.fmean(scores) if scores else 0.0
        stats.append(QuestionStats(question.name, question.points, average,
                                   sum(s >= question.points for s in scores), len(scores)))
    return stats


def failing_checks(stored: Sequence[StoredResult]) -> list[FailingCheck]:
    """The checks that failed most often, each with its most common messages, twins merged."""
    failed: dict[tuple[str, str, bool], list[tuple[int, str]]] = {}
    for number, result in enumerate(_ran(stored)):
        for question in result.questions:
            for check in question.checks:
                if not check.passed:
                    key = (question.name, check.name, check.hidden)
                    failed.setdefault(key, []).append((number, check.message or "(no message)"))
    twins: dict[tuple[str, tuple[tuple[int, str], ...]], list[tuple[str, bool]]] = {}
    for (question, name, hidden), who_said in failed.items():
        twins.setdefault((question, tuple(who_said)), []).append((name, hidden))
    found = [FailingCheck(question, tuple(checks), len(who_said), Counter(m for _, m in who_said).most_common(
        TOP_MESSAGES)) for (question, who_said), checks in twins.items()]
    return sorted(found, key=lambda f: -f.failures)[:TOP_CHECKS]


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _short(text: str) -> str:
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "\u2026"


def _summary(stored: Sequence[StoredResult], max_score: float) -> str:
    results = [s.result for s in stored if s.result is not None]
    scores = [r.score for r in results]
    status = Counter(r.status for r in results)
    mean = statistics.fmean(scores) if scores else 0.0
    median = statistics.median(scores) if scores else 0.0
    cells = [(len(stored), "submissions"), (fmt(mean), f"mean ({_percent(mean, max_score)})"),
             (fmt(median), f"median ({_percent(median, max_score)})"), (status[GRADED], "graded"),
             (status[ERROR], "errors"), (status[TIMEOUT], "time-outs"),
             (sum(bool(_late_by(s.info)) for s in stored), "late")]
    if pending := len(stored) - len(results):
        cells.append((pending, "not graded yet"))
    stats = "".join(f"<div class=\"stat\"><b>{esc(value)}</b><span>{esc(label)}</span></div>" for value, label in cells)
    return f"<div class=\"stats\" id=\"summary\">{stats}</div>"


def _distribution(stored: Sequence[StoredResult], max_score: float) -> str:
    scores = [s.result.score for s in stored if s.result is not None]
    if not scores:
        return ""
    uri = plots.score_histogram(scores, max_score)
    return (f"<h2>Score distribution</h2><figure class=\"chart\"><img src=\"{uri}\" alt=\"histogram of scores\">"
            f"<figcaption>Total scores of {len(scores)} submissions (errors count as 0), out of {fmt(max_score)}."
            "</figcaption></figure>")


def _questions(stats: Sequence[QuestionStats]) -> str:
    if not stats or not stats[0].count:
        return ""
    averages = [100 * s.average / s.points if s.points else 0.0 for s in stats]
    fulls = [100 * s.full / s.count if s.count else 0.0 for s in stats]
    uri = plots.question_bars([s.name for s in stats], averages, fulls)
    rows = "".join(
        f"<tr><td>{esc(s.name)}</td><td class=\"num\">{fmt(s.average)}</td><td class=\"num\">{fmt(s.points)}</td>"
        f"<td class=\"num\">{avg:.0f}%</td><td class=\"num\">{full:.0f}% ({s.full}/{s.count})</td></tr>"
        for s, avg, full in zip(stats, averages, fulls, strict=True))
    return ("<h2>Questions</h2><div class=\"two\"><figure class=\"chart\">"
            f"<img src=\"{uri}\" alt=\"average score and full marks per question\"><figcaption>Over the "
            f"{stats[0].count} submissions whose notebook ran (graded or timed out).</figcaption></figure>"
            "<div class=\"scroll\"><table id=\"questions\"><thead><tr><th>question</th><th class=\"num\">average</th>"
            "<th class=\"num\">out of</th><th class=\"num\">average %</th><th class=\"num\">full marks</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></div></div>")


def _failing(stored: Sequence[StoredResult]) -> str:
    found = failing_checks(stored)
    if not found:
        return ""
    total = len(_ran(stored))
    rows = []
    for check in found:
        names = "<br>".join(("<span class=\"tag hidden\">hidden</span>" if hidden else "")
                            + f"<code>{esc(name)}</code>" for name, hidden in check.checks)
        said = "".join(f"<li>{rich_text(_short(m))} <span class=\"sub\">({n}&times;)</span></li>"
                       for m, n in check.messages)
        rows.append(f"<tr><td>{esc(check.question)}</td><td>{names}</td>"
                    f"<td class=\"num\">{check.failures} ({_percent(check.failures, total)})</td>"
                    f"<td class=\"msg\"><ul>{said}</ul></td></tr>")
    return ("<h2>Most frequent failing checks</h2><p class=\"sub\">What to teach again: each check with the "
            "messages students got most often (checks that failed together are merged).</p>"
            "<table id=\"failing\"><thead><tr><th>question</th><th>check</th>"
            "<th class=\"num\">failed</th><th>most common messages</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _problems(stored: Sequence[StoredResult]) -> str:
    bad = [(s, s.result) for s in stored if s.result is not None and s.result.status in (ERROR, TIMEOUT)]
    if not bad:
        return ""
    rows = "".join(f"<tr><td>{esc(who(s))}</td><td><span class=\"tag {esc(r.status)}\">{esc(r.status)}</span></td>"
                   f"<td class=\"msg\">{rich_text(r.message)}</td></tr>" for s, r in bad)
    return ("<h2>Errors and time-outs</h2><table id=\"problems\"><thead><tr><th>student</th><th>status</th>"
            f"<th>message</th></tr></thead><tbody>{rows}</tbody></table>")


def _late_by(info: SubmissionInfo) -> str:
    seconds = info.late_seconds or 0.0
    return late_text(seconds) if seconds > 0 else ("late" if info.late else "")


def _late(stored: Sequence[StoredResult]) -> str:
    late = sorted((s for s in stored if _late_by(s.info)), key=lambda s: -(s.info.late_seconds or 0))
    if not late:
        return ""
    rows = "".join(
        f"<tr><td>{esc(who(s))}</td><td>{esc(_late_by(s.info))}</td>"
        f"<td>{esc(s.info.submitted_at.isoformat(' ', 'minutes') if s.info.submitted_at else '')}</td></tr>"
        for s in late)
    return ("<h2>Late submissions</h2><table id=\"late\"><thead><tr><th>student</th><th>late by</th>"
            f"<th>submitted at</th></tr></thead><tbody>{rows}</tbody></table>")


def _student_row(entry: StoredResult, questions: Sequence[Question]) -> str:
    result, info = entry.result, entry.info
    by_name = {q.name: q.score for q in result.questions} if result else {}
    status = result.status if result else "not graded"
    score = f"<td class=\"num\" data-sort=\"{result.score}\">{fmt(result.score)}</td>" if result else \
        "<td class=\"num\" data-sort=\"-1\">-</td>"
    percent = 100 * result.score / result.max_score if result and result.max_score else -1
    cells = [f"<td>{esc(who(entry))}</td>", f"<td><span class=\"tag {esc(status)}\">{esc(status)}</span></td>", score,
             f"<td class=\"num\" data-sort=\"{percent}\">{f'{percent:.0f}%' if percent >= 0 else '-'}</td>"]
    for q in questions:
        got = by_name.get(q.name)
        shown = "-" if got is None else fmt(got)
        cells.append(f"<td class=\"num\" data-sort=\"{-1 if got is None else got}\">{shown}</td>")
    late, late_key = _late_by(info).removesuffix(" late"), info.late_seconds or (1 if info.late else 0)
    cells.append(f"<td class=\"nowrap\" data-sort=\"{late_key:.0f}\">{esc(late)}</td>")
    cells.append(f"<td class=\"msg\">{rich_text(_short(result.message)) if result else ''}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def _students(stored: Sequence[StoredResult], questions: Sequence[Question]) -> str:
    heads = ["student", "status", "score", "%", *(q.name for q in questions), "late", "message"]
    numeric = {"score", "%", *(q.name for q in questions)}
    header = "".join(f"<th class=\"{'num' if h in numeric else 'text'}\" scope=\"col\">{esc(h)}</th>" for h in heads)
    rows = "".join(_student_row(entry, questions) for entry in stored)
    return ("<h2>Students</h2><p class=\"sub\">Click a column header to sort.</p><div class=\"scroll\">"
            f"<table class=\"sortable\" id=\"students\"><thead><tr>{header}</tr></thead><tbody>{rows}</tbody>"
            "</table></div>")


def class_report_html(stored: Sequence[StoredResult], *, lab: str, questions: Sequence[Question]) -> str:
    """The class report as one self-contained HTML page (pictures inline, a few lines of sorting script)."""
    max_score = sum(q.points for q in questions) or max((s.result.max_score for s in stored if s.result), default=0)
    body = "\n".join(part for part in (
        f"<h1>{esc(lab)}: class report</h1>",
        f"<p class=\"sub\">{len(stored)} submissions, {len(questions)} questions, {fmt(max_score)} points</p>",
        _summary(stored, max_score), _distribution(stored, max_score), _questions(question_stats(stored, questions)),
        _failing(stored), _problems(stored), _late(stored), _students(stored, questions),
        "<footer>Generated by the autograder from the gradebook.</footer>",
    ) if part)
    return page(f"{lab}: class report", body, sortable=True)


def write_class_report(stored: Sequence[StoredResult], out_file: Path, *, lab: str,
                       questions: Sequence[Question]) -> Path:
    """Write the class report for ``lab`` to ``out_file`` (folders created) and return its path."""
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(class_report_html(stored, lab=lab, questions=questions), encoding="utf-8")
    logger.info("wrote the class report for %s (%d submissions) to %s", lab, len(stored), out_file)
    return out_file
