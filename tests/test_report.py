"""Feedback pages, their Markdown twins and the class report, built from a small hand-made gradebook."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from markupsafe import Markup

from autograder.labs import Question
from autograder.model import Artifact, CaseResult, CellRecord, QuestionResult, SubmissionResult
from autograder.record.gradebook import Gradebook, RunInfo, StoredResult, SubmissionInfo
from autograder.record.late import assess, parse_late_policy
from autograder.report import plots, write_class_report, write_feedback
from autograder.report.render import md_text, rich_text
from autograder.report.student import late_text, slugify

LAB = "lab01-tensors"
QUESTIONS = (Question("q1", 2.0), Question("q2", 2.0))
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
RUN = RunInfo("abc123", "0.1.0", NOW, NOW, {"timeout": 20})
ODD_ID = 'Ana María/../"x" <b>&'
XSS = "`x` is <script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
HIDDEN_NAME = "test_q2_secret_values"
LATE_SECONDS = 2 * 86_400 + 3 * 3_600 + 20 * 60
DUE = NOW - timedelta(seconds=LATE_SECONDS)
POLICY = parse_late_policy("10%/day")
HISTORY = {"loss": [1.2, 0.6, 0.4], "val_loss": [1.3, 0.8, 0.7], "accuracy": [0.5, 0.8, 0.9],
           "val_accuracy": [0.4, 0.7, 0.8]}


def question(name: str, *checks: tuple[str, float, bool, bool, str]) -> QuestionResult:
    cases = tuple(CaseResult(name, n, points, passed, hidden, message) for n, points, passed, hidden, message in checks)
    return QuestionResult(name, sum(c.points for c in cases if c.passed), sum(c.points for c in cases), cases)


def full(name: str) -> QuestionResult:
    return question(name, (f"test_{name}_a", 1.0, True, False, ""), (f"test_{name}_b", 1.0, True, True, ""))


def result(student: str, status: str, questions: tuple[QuestionResult, ...], message: str = "",
           cells: tuple[CellRecord, ...] = (), artifacts: tuple[Artifact, ...] = ()) -> SubmissionResult:
    score = sum(q.score for q in questions)
    return SubmissionResult(f"/class/{student}.ipynb", student, LAB, status, score, 4.0, message, questions, cells,
                            1.5, artifacts)


def submissions() -> list[tuple[SubmissionInfo, SubmissionResult | None]]:
    """Ana: late, a hidden failure, an XSS message, a crashed cell, pictures. Ben: full marks. Cy: error.
    Dee: time-out. Eve: not graded yet."""
    not_set = "`y` is not set yet: replace the `...` with your answer and run the cell."
    ana = result(ODD_ID, "graded", (
        full("q1"),
        question("q2", ("test_q2_form", 1.0, False, False, XSS),
                 (HIDDEN_NAME, 1.0, False, True, "the values are off by one <i>somewhere</i>")),
    ), f"code cell 4 raised ValueError: bad {IMG}",
        cells=(CellRecord(0, "ok", "hello"),
               CellRecord(3, "error", f"Traceback (most recent call last):\n{IMG}\nValueError: bad",
                          f"ValueError: bad {IMG}")),
        artifacts=(Artifact("history", "history", HISTORY),
                   Artifact("pixels", "image", np.arange(4 * 8 * 8, dtype=np.uint8).reshape(4, 8, 8)),
                   Artifact("rows", "image", np.zeros((450, 64), dtype=np.float32))))
    ben = result("ben", "graded", (full("q1"), full("q2")),
                 artifacts=(Artifact("color", "image", np.random.default_rng(0).random((8, 8, 3))),))
    cy = result("cy", "error", (), "cy.txt: not a Jupyter notebook (NotJSONError)")
    dee = result("dee", "timeout", (
        question("q1", ("test_q1_a", 1.0, True, False, ""), ("test_q1_b", 1.0, False, True, not_set)),
        question("q2", ("test_q2_form", 1.0, False, False, not_set), (HIDDEN_NAME, 1.0, False, True, not_set)),
    ), "the notebook was stopped after 20 s in code cell 3 of 5",
        cells=(CellRecord(2, "timeout", "Traceback (most recent call last):\n  Cell In[1], line 1\n"
                          "    while True: pass\n  File /srv/ag/autograder/execute/runner.py:49 in _on_alarm\n"
                          "    raise DeadlineExceeded()\n"
                          "DeadlineExceeded\n",
                          "the cell was still running when the time limit was reached"),))

    def info(student: str, **kw: object) -> SubmissionInfo:
        return SubmissionInfo(LAB, student, f"/class/{student}.ipynb", student.encode().hex()[:64].ljust(64, "0"),
                              **kw)

    return [(info(ODD_ID, display_name="Ana María", late=True, submitted_at=NOW,
                  lateness=assess(DUE, NOW, True, POLICY)), ana),
            (info("ben", late=False, submitted_at=DUE, lateness=assess(DUE, DUE, False, POLICY)), ben),
            (info("cy"), cy), (info("dee"), dee), (info("eve"), None)]


def record_class(gradebook: Gradebook) -> None:
    """Put the five submissions (four with a run) into the gradebook."""
    for info, outcome in submissions():
        sid = gradebook.add_submission(info)
        if outcome is not None:
            gradebook.record_run(sid, outcome, RUN)


@pytest.fixture
def book(tmp_path: Path):
    with Gradebook(tmp_path / "g.sqlite") as gradebook:
        record_class(gradebook)
        yield gradebook


@pytest.fixture
def stored(book: Gradebook) -> list[StoredResult]:
    return book.results(LAB)


@pytest.fixture
def feedback(book: Gradebook, stored: list[StoredResult], tmp_path: Path) -> dict[str, tuple[str, str]]:
    """student id -> (html, markdown); Ana was recorded late under a 10%/day policy."""
    out = tmp_path / "feedback"
    written = write_feedback(stored, book.artifacts, out, lab=LAB)
    assert all(path.parent == out for path in written)
    pages = {}
    for entry in stored:
        if entry.result is not None:
            stem = slugify(entry.info.student)
            pages[entry.info.student] = ((out / f"{stem}.html").read_text(), (out / f"{stem}.md").read_text())
    return pages


@pytest.fixture
def report(stored: list[StoredResult], tmp_path: Path) -> str:
    path = write_class_report(stored, tmp_path / "out" / "report.html", lab=LAB, questions=QUESTIONS)
    return path.read_text()


def data_uris(page: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)]


def assert_offline(page: str) -> None:
    """Nothing in the page can fetch: every src is a data: URI, no links, no CSS url()."""
    assert re.findall(r'src="(?!data:image/png;base64,)', page) == []
    assert "href=" not in page and "url(" not in page and "@import" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


# --- files -----------------------------------------------------------------------------------------------------


def test_one_page_and_one_markdown_twin_per_graded_submission(book, stored, tmp_path):
    written = write_feedback(stored, book.artifacts, tmp_path / "fb", lab=LAB)
    names = sorted(p.name for p in written)
    assert len(names) == 8  # eve is not graded yet: no feedback
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9._-]*\.(html|md)", n) for n in names), names
    assert {p.parent for p in written} == {tmp_path / "fb"}
    assert "ben.html" in names and "ben.md" in names


@pytest.mark.parametrize("student", ["ana", "../../etc/passwd", ".hidden", "con", "", "Zoë Ünal", "a b", "a-b"])
def test_slugs_are_safe_file_names(student):
    slug = slugify(student)
    assert re.fullmatch(r"[a-z0-9]([a-z0-9._-]*[a-z0-9])?", slug), slug
    assert len(slug) <= 70


def test_slugs_keep_plain_ids_and_never_collide():
    assert slugify("ana") == "ana" and slugify("s1234567") == "s1234567"
    ids = ["a b", "a-b", "A-B", "a_b", "a/b", "ä-b"]
    assert len({slugify(i) for i in ids}) == len(ids)
    assert slugify("con").startswith("con-")


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "on time"), (0, "on time"), (30, "less than a minute late"), (60, "1 minute late"),
    (5 * 3600 + 120, "5 hours 2 minutes late"), (86_400, "1 day late"), (LATE_SECONDS, "2 days 3 hours late"),
    (3 * 86_400 + 3600, "3 days 1 hour late"),
])
def test_lateness_reads_like_a_person_wrote_it(seconds, text):
    assert late_text(seconds) == text


def test_rich_text_escapes_first_then_marks_up_code_spans():
    marked = rich_text("`a<b>` & <i>x</i> `odd")
    assert isinstance(marked, Markup)
    assert marked == "<code>a&lt;b&gt;</code> &amp; &lt;i&gt;x&lt;/i&gt; `odd"
    assert rich_text("`</code><script>`") == "<code>&lt;/code&gt;&lt;script&gt;</code>"


def test_markdown_escapes_html_outside_code_and_keeps_code_spans():
    assert md_text(XSS) == r"`x` is \<script\>alert(1)\</script\>"
    assert md_text("use `a[0] <b>` here") == "use `a[0] <b>` here"
    assert md_text("odd ` tick <x>") == r"odd \` tick \<x\>"
    assert md_text("a \\<b> [link](javascript:x)") == r"a \\\<b\> \[link\](javascript:x)"


# --- a student's page ------------------------------------------------------------------------------------------


def test_untrusted_text_is_escaped_everywhere(feedback):
    html, markdown = feedback[ODD_ID]
    assert "<script" not in html and "<img src=x" not in html and "<i>somewhere" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "Ana María (Ana María/../&#34;x&#34; &lt;b&gt;&amp;)" in html
    assert "<title>lab01-tensors: feedback for Ana María/../&#34;x&#34; &lt;b&gt;&amp;</title>" in html
    prose = re.sub(r"```.*?```", "", markdown, flags=re.S)  # inside a fence nothing is markup
    assert re.findall(r"(?<!\\)<", prose) == [] and r"\<script\>alert(1)\</script\>" in prose
    assert "&lt;" not in markdown and "&amp;" not in markdown  # Markdown is not HTML: no autoescaping


def test_score_and_points_per_question(feedback):
    html, markdown = feedback[ODD_ID]
    assert '<p class="score">2 <small>/ 4 points (50%)</small></p>' in html
    assert re.search(r'<td>q1</td><td class="num">2</td><td class="num">2</td>', html)
    assert re.search(r'<td>q2</td><td class="num">0</td><td class="num">2</td>', html)
    assert "- q1: 2 / 2\n- q2: 0 / 2\n" in markdown


def test_failed_checks_show_messages_and_a_hidden_label_never_a_check(feedback):
    html, markdown = feedback[ODD_ID]
    assert '<span class="tag hidden">hidden check</span>the values are off by one' in html
    assert "<code>x</code> is &lt;script&gt;" in html
    assert "  - -1 (hidden check): the values are off by one \\<i\\>somewhere\\</i\\>" in markdown
    assert "  - -1 (public check): `x` is" in markdown
    for page in (html, markdown):
        assert HIDDEN_NAME not in page and "test_q2_form" not in page and "assert" not in page


def test_identical_messages_of_a_public_and_a_hidden_check_are_said_once(feedback):
    _, markdown = feedback["dee"]
    assert markdown.count("not set yet") == 2  # q1's hidden check, then q2's public + hidden pair
    assert "  - -2 (public check + hidden check): `y` is not set yet" in markdown


def test_failed_cells_show_their_output_escaped(feedback):
    html, markdown = feedback[ODD_ID]
    assert "Code cell 4 raised: ValueError: bad &lt;img src=x onerror=alert(2)&gt;" in html
    assert "<pre>Traceback (most recent call last):\n&lt;img src=x" in html
    assert "hello" not in html  # cells that ran fine are not repeated
    assert "```\nTraceback (most recent call last):\n<img src=x onerror=alert(2)>\nValueError: bad\n```" in markdown


def test_lateness_and_penalty(feedback):
    html, markdown = feedback[ODD_ID]
    assert "Submitted 2 days 3 hours late." in html
    assert "The late policy (10%/day) takes off <b>1.2 points</b>: your score is <b>0.8 / 4</b>." in html
    assert "Submitted 2 days 3 hours late. Late penalty (10%/day): -1.2 points, final score 0.8 / 4." in markdown
    assert "late" not in feedback["ben"][0].split("<main>")[1].split("<footer>")[0]


def test_error_and_timeout_pages_explain_what_happened(feedback):
    html, markdown = feedback["cy"]
    assert "Your notebook could not be graded.</b> cy.txt: not a Jupyter notebook (NotJSONError)" in html
    assert "Your notebook could not be graded: cy.txt: not a Jupyter notebook (NotJSONError)" in markdown
    html, markdown = feedback["dee"]
    assert "Your notebook ran out of time.</b> the notebook was stopped after 20 s" in html
    assert "Code cell 3 was stopped: the cell was still running when the time limit was reached" in html
    assert "    while True: pass\nDeadlineExceeded\n```" in markdown
    assert "runner.py" not in html + markdown and "raise DeadlineExceeded" not in html + markdown  # grader frames


def test_pictures_are_embedded_pngs_of_the_students_own_values(feedback):
    html, markdown = feedback[ODD_ID]
    pngs = data_uris(html)
    assert len(pngs) == 2 and all(p.startswith(b"\x89PNG\r\n\x1a\n") for p in pngs)
    assert "Learning curves (loss, accuracy) over 3 epochs" in html
    assert "pixels: shape (4 x 8 x 8), uint8, values 0 to 255; 4 pictures." in html
    assert "rows:" not in html  # a 450 x 64 table is data, not a picture
    assert "data:image" not in markdown and "![" not in markdown
    assert len(data_uris(feedback["ben"][0])) == 1 and data_uris(feedback["cy"][0]) == []
    assert_offline(html)


def test_feedback_pages_run_no_script(feedback):
    for html, _ in feedback.values():
        assert "<script" not in html and "script-src 'none'" in html


def test_without_a_policy_lateness_is_shown_without_a_penalty(book, stored, tmp_path):
    stored = [replace(s, info=replace(s.info, lateness=assess(DUE, NOW, True, parse_late_policy("none"))))
              for s in stored]
    write_feedback(stored, book.artifacts, tmp_path / "fb", lab=LAB)
    html = (tmp_path / "fb" / f"{slugify(ODD_ID)}.html").read_text()
    assert "Submitted 2 days 3 hours late.</b></p>" in html and "takes off" not in html


# --- pictures ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "dtype", "described"), [
    ((8, 8), np.uint8, "1 picture"),
    ((8, 8, 3), np.float32, "1 picture"),
    ((8, 8, 1), np.float64, "1 picture"),
    ((6, 8, 8), np.float64, "6 pictures (the first 4 shown)"),
    ((2, 8, 8, 3), np.uint8, "2 pictures"),
    ((4, 3, 8, 8), np.float32, "the last axis has 8 entries, not 1, 3 or 4 colour channels"),
])
def test_image_artifacts_of_any_layout_are_drawn(shape, dtype, described):
    data = (np.random.default_rng(1).random(shape) * 255).astype(dtype)
    picture = plots.image_tiles("x", data)
    assert picture is not None and described in picture.caption
    assert base64.b64decode(picture.uri.split(",", 1)[1]).startswith(b"\x89PNG")


def test_odd_images_are_drawn_or_skipped_without_crashing():
    weird = np.full((8, 8), np.nan)
    weird[0, 0] = 3.0
    assert "some NaN or infinite" in plots.image_tiles("w", weird).caption
    assert plots.image_tiles("flat", np.zeros((8, 8), dtype=bool)) is not None
    assert plots.image_tiles("table", np.zeros((450, 64))) is None
    assert plots.image_tiles("text", np.array([["a"] * 8] * 8)) is None


def test_learning_curves_need_something_finite_and_put_loss_first():
    assert plots.learning_curves({}) is None
    assert plots.learning_curves({"loss": [float("nan")]}) is None
    picture = plots.learning_curves({"val_accuracy": [0.1, 0.2], "mae": [3, 2], "loss": [2.0, 1.0], "$x$": [1]})
    assert picture is not None and picture.caption.startswith("Learning curves (loss, accuracy, $x$) over 2 epochs")


# --- the class report ---------------------------------------------------------------------------------------------


def stat(report: str, label: str) -> str:
    match = re.search(rf'<div class="stat"><b>([^<]*)</b><span>{re.escape(label)}</span></div>', report)
    assert match, label
    return match.group(1)


def test_summary_numbers(report):
    # scores with a result: ana 2, ben 4, cy 0 (error), dee 1 (timeout); eve is not graded yet
    assert stat(report, "submissions") == "5"
    assert stat(report, "mean (44%)") == "1.75"
    assert stat(report, "median (38%)") == "1.5"
    assert (stat(report, "graded"), stat(report, "errors"), stat(report, "time-outs")) == ("2", "1", "1")
    assert stat(report, "late") == "1" and stat(report, "not graded yet") == "1"


def test_per_question_average_and_full_marks(report):
    # over ana, ben and dee (their notebooks ran): q1 = 2, 2, 1; q2 = 0, 2, 0
    table = report.split('<table id="questions">')[1].split("</table>")[0]
    assert '<td>q1</td><td class="num">1.67</td><td class="num">2</td><td class="num">83%</td>' \
           '<td class="num">67% (2/3)</td>' in table
    assert '<td>q2</td><td class="num">0.67</td><td class="num">2</td><td class="num">33%</td>' \
           '<td class="num">33% (1/3)</td>' in table


def test_most_frequent_failing_checks_with_their_messages(report):
    table = report.split('<table id="failing">')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert "test_q2_form" in rows[0] and "2 (67%)" in rows[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <span class=\"sub\">(1&times;)" in rows[0]
    assert HIDDEN_NAME in rows[1] and '<span class="tag hidden">hidden</span>' in rows[1]
    assert "test_q1_b" in rows[2] and "1 (33%)" in rows[2]


def test_errors_timeouts_and_late_submissions_are_listed(report):
    problems = report.split('<table id="problems">')[1].split("</table>")[0]
    assert "cy.txt: not a Jupyter notebook (NotJSONError)" in problems
    assert "the notebook was stopped after 20 s in code cell 3 of 5" in problems
    late = report.split('<table id="late">')[1].split("</table>")[0]
    assert "Ana María" in late and "2 days 3 hours late" in late and "2026-11-29 12:00+00:00" in late
    assert "ben" not in late


def test_student_table_is_sortable_and_complete(report):
    table = report.split('<table class="sortable" id="students">')[1].split("</table>")[0]
    assert table.count("<tr>") == 6  # header and five submissions
    assert '<td class="num" data-sort="4.0">4</td>' in table
    assert "not graded" in table


def test_class_report_is_escaped_offline_and_runs_only_its_own_script(report):
    assert report.count("<script") == 1 and "script-src 'sha256-" in report
    (script,) = re.findall(r"<script>(.*?)</script>", report, flags=re.S)
    allowed = re.search(r"script-src 'sha256-([A-Za-z0-9+/=]+)'", report).group(1)
    assert base64.b64decode(allowed) == hashlib.sha256(script.encode()).digest()
    assert "table.sortable" in script
    assert "&lt;script&gt;alert(1)" in report and "<img src=x" not in report
    assert len(data_uris(report)) == 2 and all(p.startswith(b"\x89PNG") for p in data_uris(report))
    assert_offline(report)


def test_an_empty_gradebook_gives_a_page_not_a_crash(tmp_path):
    page = write_class_report([], tmp_path / "r.html", lab=LAB, questions=QUESTIONS).read_text()
    assert "0 submissions" in page and '<table class="sortable" id="students">' in page


def test_a_late_flag_without_a_time_says_late_and_what_it_was_charged(book, tmp_path):
    """The page charges what the export charges: one day, the least it can be, and says why."""
    (entry,) = [s for s in book.results(LAB) if s.info.student == "ben"]
    flagged = replace(entry, info=replace(entry.info, late=True, submitted_at=None,
                                          lateness=assess(None, None, True, POLICY)))
    written = write_feedback([flagged], book.artifacts, tmp_path / "fb", lab=LAB)
    html, markdown = (p.read_text() for p in written)
    assert "<b>Submitted late.</b> The late policy (10%/day) takes off <b>0.4 points</b>: your score is <b>3.6 / 4" \
        in html
    assert "charged as 1 day late, the least it can be." in html
    assert "Submitted late. Late penalty (10%/day): -0.4 points, final score 3.6 / 4. The LMS marks" in markdown


def test_a_due_date_without_a_time_says_lateness_is_unknown(book, stored, tmp_path):
    unknown = [replace(s, info=replace(s.info, submitted_at=None, lateness=assess(DUE, None, None, POLICY)))
               for s in stored]
    write_feedback(unknown, book.artifacts, tmp_path / "fb", lab=LAB)
    html = (tmp_path / "fb" / "ben.html").read_text()
    assert "lateness unknown, no late penalty" in html and "Submitted" not in html and "takes off" not in html
    page = write_class_report(unknown, tmp_path / "r.html", lab=LAB, questions=QUESTIONS).read_text()
    assert stat(page, "lateness unknown (no submission time)") == "5" and stat(page, "late") == "0"


def test_student_rows_link_to_the_feedback_pages_beside_the_report(book, stored, tmp_path):
    out = tmp_path / "course" / LAB
    written = write_feedback(stored, book.artifacts, out / "feedback", lab=LAB)
    page = write_class_report(stored, out / "report.html", lab=LAB, questions=QUESTIONS).read_text()
    links = re.findall(r'<a href="(feedback/[^"]+\.html)">', page)
    assert links and all((out / link).is_file() for link in links)
    assert {out / link for link in links} == {p for p in written if p.suffix == ".html"}
    alone = write_class_report(stored, tmp_path / "elsewhere" / "report.html", lab=LAB, questions=QUESTIONS)
    assert 'href="feedback/' not in alone.read_text(), "no link to pages that were never written"


def test_failing_checks_tell_unanswered_from_wrong():
    from autograder.report.classroom import failing_checks

    def entry(n: int, message: str) -> StoredResult:
        info = SubmissionInfo(LAB, f"s{n}", f"s{n}.ipynb", f"{n:064x}")
        res = result(f"s{n}", "graded", (question("q1", ("test_a", 1.0, False, False, message)),))
        return StoredResult(n, info, False, res, None)

    stored = [entry(1, "`x` is not set yet: replace the `...` with your answer and run the cell."),
              entry(2, "`x` has shape (2,), but it should have shape (3,)."),
              entry(3, "The cell that sets `x` raised ValueError: bad at `x = f()`; the rest of that cell did not "
                       "run.")]
    (check,) = failing_checks(stored)
    assert (check.failures, check.unanswered) == (3, 1)
