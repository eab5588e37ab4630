"""The whole export of one lab, and its feedback back into an LMS: from the gradebook to files, recorded.

The CLI only parses its options, calls :func:`export_lab` or :func:`feedback_lab` and prints the notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.export import feedback_files
from autograder.export.feedback_files import FEEDBACK_LMS, Page, comment_html
from autograder.export.formats import FILE_EXTENSIONS, check_encoding, check_format, export
from autograder.export.from_gradebook import score_rows_from
from autograder.export.moodle_worksheet import is_worksheet
from autograder.export.rows import Export, ExportRefused, ScoreRow
from autograder.export.tables import read_table
from autograder.intake.roster import Roster, RosterError, load_roster

if TYPE_CHECKING:
    from autograder.labs import LabBundle
    from autograder.record.gradebook import Gradebook


def _class_list(roster: Path | None) -> Roster | None:
    try:
        return load_roster(roster) if roster is not None else None
    except RosterError as exc:
        raise ValueError(str(exc)) from exc


def export_lab(
    book: Gradebook,
    bundle: LabBundle,
    fmt: str,
    *,
    target: Path,
    roster: Path | None = None,
    assignment: str | None = None,
    encoding: str | None = None,
) -> Export:
    """Write ``bundle``'s lab from ``book`` as ``fmt`` into ``target`` (parents created) and record it in ``book``.

    ``roster`` serves twice: as the class list (students who sent nothing become missing rows) and, for an LMS
    format, as the LMS's own download to fill in. ``assignment`` defaults to the lab's name; ``encoding`` is
    Blackboard's (``utf-16`` or ``utf-8``). Late penalties are those computed when the submissions were recorded.
    Raises ``ValueError`` with a one-line message on a bad format or roster, and :class:`ExportRefused` when the LMS
    could not import the file, before anything is written.
    """
    check_format(fmt)
    check_encoding(fmt, encoding)
    rows = score_rows_from(book.results(bundle.lab), bundle.max_score, _class_list(roster))
    result = export(rows, fmt, assignment=assignment or bundle.lab, max_score=bundle.max_score, roster_file=roster,
                    encoding=encoding)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(result.content)
    book.record_export(bundle.lab, fmt, book.late_settings(bundle.lab)[1], target.resolve(), result.content,
                       result.rows)
    return result


@dataclass(frozen=True)
class FeedbackBundle:
    """What ``feedback --lms`` wrote: the pages, the LMS's files, and what to know before uploading them."""

    pages: tuple[Path, ...]
    files: tuple[Path, ...]
    notices: tuple[str, ...]
    students: int


@dataclass(frozen=True)
class _File:
    name: str
    content: bytes
    notices: tuple[str, ...] = ()
    scores: int | None = None
    """Score rows, for a file that also carries scores (recorded in the gradebook as an export)."""


@dataclass(frozen=True)
class _Job:
    lab: str
    assignment: str
    max_score: float
    roster: Path | None
    encoding: str | None


def feedback_lab(
    book: Gradebook,
    bundle: LabBundle,
    lms: str,
    *,
    out_dir: Path,
    roster: Path | None = None,
    assignment: str | None = None,
    encoding: str | None = None,
) -> FeedbackBundle:
    """Write the feedback pages of ``bundle``'s lab into ``out_dir`` and, beside them, what ``lms`` takes in bulk:
    Moodle's feedback-files zip (and, with its grading worksheet as ``roster``, the worksheet with Grade and
    Feedback comments), Canvas's re-upload zip, or Blackboard's upload with Feedback to Learner (``roster``: the
    column's download with comments). Refused (:class:`ExportRefused`) before anything is written when the LMS
    could not place a file; Brightspace always is (its import takes no comments)."""
    if lms not in FEEDBACK_LMS:
        raise ValueError(f"unknown LMS {lms!r} for feedback; choose one of: {', '.join(FEEDBACK_LMS)}")
    if lms == "brightspace":
        raise ExportRefused(feedback_files.BRIGHTSPACE_REFUSAL)
    check_encoding(lms, encoding)
    job = _Job(bundle.lab, assignment or bundle.lab, bundle.max_score, roster, encoding)
    graded = [entry for entry in book.results(bundle.lab) if entry.result is not None]
    if not graded:
        raise ExportRefused(f"{lms} feedback refused: no graded submission of {bundle.lab} in the gradebook")
    from autograder.report import write_feedback  # the report imports this package

    rows = score_rows_from(graded, bundle.max_score, _class_list(roster))
    _bulk_files(lms, job, [Page(e, r, "", "") for e, r in zip(graded, rows, strict=False)], rows, "placeholder")
    pages = write_feedback(graded, book.artifacts, out_dir, lab=bundle.lab)
    texts = [(html.read_text(encoding="utf-8"), md.read_text(encoding="utf-8"))
             for html, md in zip(pages[::2], pages[1::2], strict=True)]  # write_feedback: HTML, then Markdown
    notes = {e.submission_id: comment_html(md) for e, (_, md) in zip(graded, texts, strict=True)}
    rows = score_rows_from(graded, bundle.max_score, _class_list(roster), comments=notes)
    made = [Page(e, r, html, md) for e, r, (html, md) in zip(graded, rows, texts, strict=False)]
    written, notices = [], []
    for file in _bulk_files(lms, job, made, rows, None):
        path = out_dir / file.name
        path.write_bytes(file.content)
        written.append(path)
        notices += file.notices
        if file.scores is not None:
            book.record_export(bundle.lab, f"{lms}-feedback", book.late_settings(bundle.lab)[1], path.resolve(),
                               file.content, file.scores)
    return FeedbackBundle(tuple(pages), tuple(written), tuple(notices), len(made))


def _bulk_files(lms: str, job: _Job, pages: Sequence[Page], rows: Sequence[ScoreRow],
                placeholder: str | None) -> list[_File]:
    """The files ``lms`` takes; with a ``placeholder`` comment, only to check that all would be accepted before the
    pages are written (``pages`` then have no text)."""
    if placeholder is not None:
        rows = [replace(row, comment=placeholder) for row in rows]
    if lms == "canvas":
        notice = ("Canvas (Assignment > Re-upload Submissions) attaches each page to the student's submission under "
                  "the name of the student's own file, with the comment 'See attached file'.")
        return [_File(f"{job.lab}-canvas-feedback.zip", feedback_files.canvas_zip(pages, job.lab), (notice,))]
    if lms == "moodle":
        files = [_File(f"{job.lab}-moodle-feedback.zip", feedback_files.moodle_zip(pages, job.lab))]
        if job.roster is not None:
            if not is_worksheet(read_table(job.roster).rows[0]):
                raise ValueError("for Moodle feedback, --roster must be the assignment's grading worksheet "
                                 "(View all submissions > Grading action > Download grading worksheet)")
            files.append(_export(f"{job.lab}-moodle-worksheet.csv", rows, "moodle", job))
        return files
    if job.roster is None:
        raise ExportRefused("blackboard feedback refused: comments upload only into a column downloaded alone with "
                            "its comments (Work Offline > Download > Selected Column, tick 'Include comments for "
                            "this Column'); pass that file as --roster")
    return [_export(f"{job.lab}-blackboard-feedback{FILE_EXTENSIONS['blackboard']}", rows, "blackboard", job)]


def _export(name: str, rows: Sequence[ScoreRow], fmt: str, job: _Job) -> _File:
    """The LMS's download filled with scores and comments, as the export writes it."""
    done = export(rows, fmt, assignment=job.assignment, max_score=job.max_score, roster_file=job.roster,
                  encoding=job.encoding)
    return _File(name, done.content, done.notices, done.rows)
