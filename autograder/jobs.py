"""What the ``feedback``, ``report``, ``export``, ``status``, ``show`` and ``check`` commands do, one call each.

The CLI parses arguments, calls one of these (or ``build.build_lab``, ``batch.grade_class``) and prints what it
returns; nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.build import bundle_for
from autograder.export import FILE_EXTENSIONS, Export, FeedbackBundle, export_lab, feedback_lab
from autograder.export.formats import check_format
from autograder.grade import grade_many
from autograder.intake import notebook_lab, read_notebook
from autograder.intake.roster import load_roster
from autograder.labs import Course
from autograder.model import Limits, StoredResult, SubmissionResult
from autograder.record.gradebook import Gradebook, GradebookError
from autograder.record.summary import StatusReport, TimingReport, find_student, summarise, timing_report
from autograder.report import write_class_report, write_feedback


def existing_gradebook(path: Path) -> Path:
    """``path`` when a gradebook is there; GradebookError otherwise (nothing is created)."""
    if not path.is_file():
        raise GradebookError(f"no gradebook at {path}: grade something first")
    return path


def write_lab_feedback(gradebook: Path, lab: str, out_dir: Path) -> list[Path]:
    """One HTML page and one Markdown twin per graded submission of ``lab``; the files written."""
    with Gradebook(existing_gradebook(gradebook)) as book:
        return write_feedback(book.results(lab), book.artifacts, out_dir, lab=lab)


def write_lab_report(course: Course, gradebook: Path, lab: str, out_file: Path) -> Path:
    """The class analytics page of ``lab``."""
    bundle = bundle_for(course, lab)
    with Gradebook(existing_gradebook(gradebook)) as book:
        return write_class_report(book.results(lab), out_file, lab=lab, questions=bundle.questions)


@dataclass(frozen=True)
class WrittenExport:
    path: Path
    export: Export


def export_scores(course: Course, gradebook: Path, lab: str, fmt: str, *, target: Path | None = None,
                  roster: Path | None = None, assignment: str | None = None,
                  encoding: str | None = None) -> WrittenExport:
    """``lab``'s scores as ``fmt`` in ``target`` (default: out/LAB/LAB-FORMAT.EXT), recorded in the gradebook."""
    check_format(fmt)
    bundle = bundle_for(course, lab)
    path = target or course.root / "out" / lab / f"{lab}-{fmt}{FILE_EXTENSIONS[fmt]}"
    with Gradebook(existing_gradebook(gradebook)) as book:
        done = export_lab(book, bundle, fmt, target=path, roster=roster, assignment=assignment, encoding=encoding)
    return WrittenExport(path, done)


def write_lms_feedback(course: Course, gradebook: Path, lab: str, lms: str, out_dir: Path, *,
                       roster: Path | None = None, assignment: str | None = None,
                       encoding: str | None = None) -> FeedbackBundle:
    """The feedback pages of ``lab`` in ``out_dir`` and, beside them, what ``lms`` takes in bulk."""
    bundle = bundle_for(course, lab)
    with Gradebook(existing_gradebook(gradebook)) as book:
        return feedback_lab(book, bundle, lms, out_dir=out_dir, roster=roster, assignment=assignment,
                            encoding=encoding)


def lab_status(gradebook: Path, lab: str, roster: Path | None = None) -> StatusReport:
    """Counts per status, not yet graded, late, and (with a roster) who is missing and who is unknown."""
    students = load_roster(roster) if roster else None
    with Gradebook(existing_gradebook(gradebook)) as book:
        stored = book.results(lab)
    return summarise(stored, students)


def lab_timings(gradebook: Path, lab: str) -> TimingReport:
    """Where ``lab``'s grading time went, per stage, and the last batch's rate."""
    with Gradebook(existing_gradebook(gradebook)) as book:
        return timing_report(book.results(lab), book.batches(lab))


def student_results(gradebook: Path, lab: str, who: str) -> list[StoredResult]:
    """Every submission of one student (by key or display name) for ``lab``; StudentNotFound when none."""
    with Gradebook(existing_gradebook(gradebook)) as book:
        stored = book.results(lab)
    found = find_student(stored, who)
    if not found:
        known = sorted({e.info.student for e in stored})
        listed = ", ".join(known[:10]) + (" ..." if len(known) > 10 else "") if known else "none"
        raise StudentNotFound(f"no submission of {who!r} for {lab} in {gradebook} (students: {listed})")
    return found


class StudentNotFound(ValueError):
    """``autograder show`` named a student the gradebook does not hold for that lab."""


@dataclass(frozen=True)
class PublicCheck:
    """A student's notebook run against the public checks only."""

    result: SubmissionResult
    passed: int
    total: int


def check_notebook(course: Course, notebook: Path, limits: Limits) -> PublicCheck:
    """Run ``notebook`` in the sandbox and score it on its lab's public checks.

    Raises IntakeError for an unreadable notebook and LabNotFound when its lab is not in the course.
    """
    lab = notebook_lab(read_notebook(notebook)) or notebook.stem
    (result,) = grade_many(bundle_for(course, lab), [notebook], limits, public_only=True)
    cases = [case for q in result.questions for case in q.checks]
    return PublicCheck(result, sum(case.passed for case in cases), len(cases))
