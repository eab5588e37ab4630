"""Feedback back into an LMS: the per-student pages the report writes, packed the way each LMS takes them in bulk.

- **Moodle** "Upload multiple feedback files in a zip" (moodle/moodle ``mod/assign/feedback/file/importziplib.php``):
  each path part is split on ``_`` into at most five pieces, the second must be a participant id of the assignment
  and the third and fourth a plugin (``assignsubmission_file``); so folders are named as Moodle's own submissions
  download names them (``mod/assign/classes/downloader.php``: the full name with ``_`` made spaces, ``_``, the
  participant id, ``_assignsubmission_file``) and each holds the student's page.
- **Canvas** "Re-upload submissions" (instructure/canvas-lms ``Assignment#infer_comment_context_from_filename``):
  the first two all-digit ``_`` pieces of a file name are the user id and the id of a file of that user's
  submission (which must exist), so names follow the submissions download
  (``{sortable name squashed}_[LATE_]{user id}_{attachment id}_{name}``) and only Canvas downloads can be answered.
- Comment columns (Moodle's worksheet 'Feedback comments', Blackboard's 'Feedback to Learner') get the Markdown twin
  as an HTML fragment (:func:`comment_html`): the LMSs store these comments as HTML.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt

from autograder.export.rows import ScoreRow, refuse_unidentified
from autograder.model import StoredResult

FEEDBACK_LMS: tuple[str, ...] = ("moodle", "canvas", "blackboard", "brightspace")
MOODLE_PLUGIN = "assignsubmission_file"
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
"""A fixed time for every zip entry, so the same feedback makes the same bytes."""
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_PRE = re.compile(r"(<pre>.*?</pre>)", re.S)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


@dataclass(frozen=True)
class Page:
    """One graded submission's feedback as the report wrote it, with its row (identity after the roster)."""

    entry: StoredResult
    row: ScoreRow
    html: str
    markdown: str


def comment_html(markdown: str) -> str:
    """The Markdown twin as a one-line HTML fragment for an LMS comment column (raw HTML in it is escaped, never
    kept): line breaks only matter inside ``<pre>``, where they become ``&#10;``, so no importer splits a row."""
    parts = _PRE.split(_MARKDOWN.render(markdown).strip())
    return "".join(part.replace("\n", "&#10;") if i % 2 else part.replace(">\n<", "><").replace("\n", " ")
                   for i, part in enumerate(parts))


def _zip(entries: Sequence[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), text.encode("utf-8"))
    return buffer.getvalue()


def moodle_folder(name: str | None, participant: str) -> str:
    """``Jane Doe_1234567_assignsubmission_file``: Moodle's download folder (``_`` in the name made a space)."""
    clean = _UNSAFE.sub("", unicodedata.normalize("NFC", (name or "").replace("_", " "))).strip(" .") or "Participant"
    return f"{clean}_{participant}_{MOODLE_PLUGIN}"


def moodle_zip(pages: Sequence[Page], lab: str) -> bytes:
    """One folder per student, named by full name and participant id, holding ``LAB-feedback.html``."""
    lacking = [p.row for p in pages if not _participant(p)]
    refuse_unidentified("moodle", lacking, "a Moodle participant id", "grade Moodle's submissions download, or "
                        "pass --roster with the assignment's grading worksheet", what="feedback")
    return _zip([(f"{moodle_folder(p.row.name, _participant(p))}/{lab}-feedback.html", p.html) for p in pages])


def _participant(page: Page) -> str:
    pid = page.row.lms_id if page.row.id_source in (None, "moodle") else None
    return pid if pid and pid.isdigit() else ""


def canvas_name(page: Page, lab: str) -> str:
    """``doejane_LATE_101_99812_LAB-feedback.html``: the download's name of the student's file, with our ending."""
    info = page.entry.info
    slug = re.sub(r"[\W_]", "", (info.display_name or "").lower()) or "student"
    if slug.isdigit():
        slug = f"student{slug}"
    late = "LATE_" if info.late else ""
    return f"{slug}_{late}{info.student}_{int(info.attempt)}_{lab}-feedback.html"


def _canvas_ids(page: Page) -> bool:
    info = page.entry.info
    return info.source == "canvas" and info.student.isdigit() and info.attempt.isdigit()


def canvas_zip(pages: Sequence[Page], lab: str) -> bytes:
    """One file per submission, named as the submissions download named the student's file."""
    lacking = [p.row for p in pages if not _canvas_ids(p)]
    refuse_unidentified("canvas", lacking, "Canvas's user and file ids (anonymous, or not from a Canvas download)",
                        "Canvas attaches a file only to the submission file its name points to: grade Canvas's "
                        "submissions download (Assignment > Download Submissions)", what="feedback")
    return _zip([(canvas_name(p, lab), p.html) for p in pages])


BRIGHTSPACE_REFUSAL = (
    "brightspace feedback refused: Brightspace's grades import takes no comments (D2L's 'Importing grades' lists "
    "Points Grade, Grade Symbol, Text Grade and the adjusted final grade only), and the grader does not read "
    "Brightspace's submission downloads to name feedback files; paste the Markdown pages into the evaluation instead"
)
