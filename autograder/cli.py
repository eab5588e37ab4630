"""The ``autograder`` command: each command parses its arguments, calls one library function and prints.

Option defaults come from the library itself (``Limits`` fields, ``BatchOptions``), so each lives in one place.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder import build as build_mod
from autograder import jobs
from autograder.audit import AuditError, AuditReport, audit_lab
from autograder.batch import BatchOptions, ClassGrading, grade_class
from autograder.cluster import SCHEDULER_ENV, ClusterError, scheduler_address
from autograder.export import FEEDBACK_LMS, FORMATS, ExportRefused
from autograder.export.blackboard import ENCODINGS as BLACKBOARD_ENCODINGS
from autograder.intake import IntakeError
from autograder.intake.roster import RosterError, RosterReport
from autograder.labs import Course, LabBundle, LabNotFound
from autograder.model import CellStatus, LateStatus, Limits, Status, SubmissionResult
from autograder.progress import BatchProgress
from autograder.record.gradebook import GradebookError
from autograder.record.late import parse_late_policy
from autograder.report.student import slugify

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
ARGUMENT_ERRORS = (LabNotFound, IntakeError, RosterError, ValueError)
"""An argument names something that is not there or cannot be read: one line and exit code 2."""
USER_ERRORS = (*ARGUMENT_ERRORS, build_mod.BuildError, GradebookError, AuditError, ExportRefused, ClusterError)
"""Every failure caused by the command's input: one line, never a traceback (exit code 1 unless an argument's)."""
DEFAULT_GRADEBOOK = Path("out") / "gradebook.sqlite"
"""Where the main job and every command keep the gradebook, inside the course folder."""

GRADEBOOK = click.option("--gradebook", type=click.Path(dir_okay=False, path_type=Path),
                         help=f"SQLite gradebook file; default: {DEFAULT_GRADEBOOK} in the course folder.")


class ArgumentError(click.ClickException):
    """A bad argument: printed as one line, exit code 2 like click's own usage errors."""

    exit_code = 2


def _course(ctx: click.Context) -> Course:
    return ctx.obj["course"]


def _gradebook(ctx: click.Context, given: Path | None) -> Path:
    return given or _course(ctx).root / DEFAULT_GRADEBOOK


def _lab(ctx: click.Context, lab: str) -> str:
    """``lab`` when the course has it; an argument error naming the known labs otherwise."""
    _run(lambda: _course(ctx).master(lab))
    return lab


def _run(call: Callable[[], Any]) -> Any:
    """Call the library; turn an input error into one clear line (exit code 2 for a bad argument)."""
    try:
        return call()
    except ARGUMENT_ERRORS as exc:
        raise ArgumentError(str(exc)) from exc
    except USER_ERRORS as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
@click.option("--course", type=click.Path(file_okay=False, path_type=Path), help="Course folder (holds solutions/).")
@click.option("-v", "--verbose", is_flag=True, help="Log what the grader does.")
@click.version_option(package_name="tensor-labs-autograder")
@click.pass_context
def main(ctx: click.Context, course: Path | None, verbose: bool) -> None:
    """Build tensor and Keras labs and grade them safely."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")
    ctx.obj = {"course": Course(course.resolve()) if course else Course.find()}


@main.command()
@click.argument("labs", nargs=-1)
@click.option("--check", "check_only", is_flag=True, help="Only report committed student notebooks that are stale.")
@click.pass_context
def build(ctx: click.Context, labs: tuple[str, ...], check_only: bool) -> None:
    """Generate labs/LAB (student notebook, public checks) and dist/LAB (grading bundle)."""
    course = _course(ctx)
    names = list(labs) or course.lab_names()
    if check_only:
        stale = [(lab, _run(lambda lab=lab: build_mod.check_lab(course, lab))) for lab in names]
        for lab, result in stale:
            for item in result.changed:
                err_console.print(f"[red]stale[/red] {item}")
            if not result.stale:
                console.print(f"{lab}: up to date")
        if any(result.stale for _, result in stale):
            err_console.print("Run `autograder build` and commit labs/ to bring the student notebooks up to date.")
            sys.exit(1)
        return
    for lab in names:
        bundle: LabBundle = _run(lambda lab=lab: build_mod.build_lab(course, lab))
        console.print(f"{lab}: {len(bundle.questions)} questions, {bundle.max_score:g} points")
        if "keras" in bundle.preload:
            console.print("  Gradescope: this lab loads TensorFlow; set the autograder's memory to at least 2 GB "
                          "(Gradescope's default, 768 MB, is too little; see docs/gradescope.md)")


def _limit_options(func: Callable[..., None]) -> Callable[..., None]:
    """Every ``Limits`` field that declares a flag becomes an option, with the field's default."""
    for spec in reversed([f for f in dataclasses.fields(Limits) if "flag" in f.metadata]):
        kind = click.FloatRange(min=0, min_open=True) if spec.type == "float" else click.IntRange(min=1)
        func = click.option(spec.metadata["flag"], spec.name, type=kind, default=spec.default, show_default=True,
                            help=spec.metadata["help"])(func)
    return func


def _limits_from(kwargs: dict[str, Any]) -> Limits:
    names = [f.name for f in dataclasses.fields(Limits) if "flag" in f.metadata]
    return Limits(**{name: kwargs.pop(name) for name in names})


def _table(results: tuple[SubmissionResult, ...], title: str) -> Table:
    table = Table(title=title)
    for column in ("student", "score", "max", "status", "message"):
        table.add_column(column, justify="right" if column in ("score", "max") else "left")
    for r in results:
        colour = {Status.GRADED: "green", Status.TIMEOUT: "yellow"}.get(r.status, "red")
        table.add_row(escape(r.student), f"{r.score:g}", f"{r.max_score:g}", f"[{colour}]{r.status}[/{colour}]",
                      escape(r.message))
    return table


def _print_roster(report: RosterReport) -> None:
    for student in report.missing:
        err_console.print(f"[yellow]no submission[/yellow] {escape(student.name or student.key)}")
    for cand in report.unknown:
        err_console.print(f"[yellow]not on the roster[/yellow] {escape(cand.student)} ({escape(cand.path.name)})")


def _print_grading(lab: str, done: ClassGrading, as_json: bool, output: Path | None) -> None:
    document = json.dumps([r.to_dict() for r in done.results], indent=2)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document + "\n")
    if as_json:
        click.echo(document)
    else:
        console.print(_table(done.results, f"{lab}: {len(done.results)} submissions"))
    if done.roster:
        _print_roster(done.roster)


DEFAULTS = BatchOptions()
DUE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d")
LATE_PENALTY_MOVED = click.option("--late-penalty", hidden=True)
"""Kept only to say where the late policy went: it is given to ``grade`` and stored with each submission."""


def _due(text: str | None) -> tuple[datetime | None, bool]:
    """``(due date in UTC, forget the stored one)`` from ``--due``; ArgumentError when it is no date."""
    if text is None:
        return None, False
    if text.strip().lower() == "none":
        return None, True
    for fmt in DUE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=UTC), False
        except ValueError:
            continue
    raise ArgumentError(f"--due {text!r} is not a date: expected e.g. 2026-12-01T23:59, 2026-12-01 or none")


def _late_penalty_moved(given: str | None) -> None:
    if given is not None:
        raise ArgumentError("--late-penalty is given when grading (autograder grade LAB PATH --due ... --late-penalty "
                            "...): each submission's penalty is computed then and stored, and every page and export "
                            "uses it")


@main.command()
@click.argument("lab")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of results instead of a table.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Also write the JSON here.")
@GRADEBOOK
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=DEFAULTS.jobs, show_default=True,
              help="Submissions graded at once.")
@click.option("--regrade", is_flag=True, help="Grade again what the gradebook already has (history is kept).")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Class list CSV.")
@click.option("--due", help="Due date in UTC (2026-12-01T23:59), or 'none' to drop it; default: the lab's last one.")
@click.option("--late-penalty", help="Late policy, e.g. '10%/day', '10%/day,max=50%', 'zero-after=2d' or 'none'; "
              "default: the lab's last one (none at first).")
@click.option("--scheduler", envvar=SCHEDULER_ENV, show_envvar=True,
              help="Grade on the Dask cluster of this scheduler (tcp://HOST:PORT) instead of this machine.")
@_limit_options
@click.pass_context
def grade(ctx: click.Context, lab: str, paths: tuple[Path, ...], **kwargs: Any) -> None:
    """Grade a class's submissions for LAB: notebooks, export zips, folders and LMS downloads."""
    limits = _limits_from(kwargs)
    bundle = _run(lambda: build_mod.bundle_for(_course(ctx), lab))
    due, clear_due = _due(kwargs["due"])
    if kwargs["late_penalty"] is not None:
        _run(lambda: parse_late_policy(kwargs["late_penalty"]))
    scheduler = kwargs["scheduler"] and _run(lambda: scheduler_address(kwargs["scheduler"]))
    if scheduler and ctx.get_parameter_source("jobs") == click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--jobs is for grading on this machine; on a cluster, each worker thread grades one "
                               "submission at a time (dask worker --nthreads N)")
    options = BatchOptions(jobs=kwargs["jobs"], regrade=kwargs["regrade"], limits=limits, due=due,
                           clear_due=clear_due, late_penalty=kwargs["late_penalty"], scheduler=scheduler or None)
    book = _gradebook(ctx, kwargs["gradebook"])
    with BatchProgress(err_console) as progress:
        try:
            done = _run(lambda: grade_class(bundle, paths, book, options, roster=kwargs["roster"], progress=progress))
        except click.ClickException as exc:
            if isinstance(exc.__cause__, GradebookError):
                exc.message += ". Results stored so far are kept; run again to grade the rest."
            raise
    progress.summary(done.graded_now, len(done.results) - done.graded_now)
    for notice in done.late_notices:
        err_console.print(f"[yellow]note[/yellow] {escape(notice)}")
    if not done.results:
        raise ArgumentError(f"no submissions found in {', '.join(str(p) for p in paths)}")
    _print_grading(lab, done, kwargs["as_json"], kwargs["output"])


@main.command()
@click.argument("lab")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the pages; default: out/LAB/feedback in the course folder.")
@LATE_PENALTY_MOVED
@click.option("--lms", type=click.Choice(FEEDBACK_LMS),
              help="Also write what this LMS takes in bulk (feedback-file zip, comment column) beside the pages.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With --lms: Moodle's grading worksheet, or Blackboard's column download with comments.")
@click.option("--assignment", help="With --lms and --roster: the assignment (column) name; default: the lab name.")
@click.option("--encoding", type=click.Choice(BLACKBOARD_ENCODINGS), help="With --lms blackboard: the file's encoding.")
@GRADEBOOK
@click.pass_context
def feedback(ctx: click.Context, lab: str, out_dir: Path | None, late_penalty: str | None, lms: str | None,
             roster: Path | None, assignment: str | None, encoding: str | None, gradebook: Path | None) -> None:
    """Write one HTML page and one Markdown twin of feedback per student for LAB (and, with --lms, the LMS's files)."""
    _lab(ctx, lab)
    _late_penalty_moved(late_penalty)
    target = out_dir or _course(ctx).root / "out" / lab / "feedback"
    book = _gradebook(ctx, gradebook)
    if lms is None:
        if roster or assignment or encoding:
            raise click.UsageError("--roster, --assignment and --encoding go with --lms")
        written = _run(lambda: jobs.write_lab_feedback(book, lab, target))
        err_console.print(f"{len(written)} feedback files written to {target}")
        return
    done = _run(lambda: jobs.write_lms_feedback(_course(ctx), book, lab, lms, target, roster=roster,
                                                assignment=assignment, encoding=encoding))
    for notice in done.notices:
        err_console.print(f"[yellow]note[/yellow] {escape(notice)}")
    err_console.print(f"{len(done.pages)} feedback files written to {target}")
    for path in done.files:
        err_console.print(f"{lms}: {done.students} students in {path}")


@main.command()
@click.argument("lab")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file; default: out/LAB/report.html in the course folder.")
@GRADEBOOK
@click.pass_context
def report(ctx: click.Context, lab: str, output: Path | None, gradebook: Path | None) -> None:
    """Write the class analytics page for LAB: distribution, questions, frequent mistakes, errors, lateness."""
    target = output or _course(ctx).root / "out" / lab / "report.html"
    written = _run(lambda: jobs.write_lab_report(_course(ctx), _gradebook(ctx, gradebook), _lab(ctx, lab), target))
    err_console.print(f"class report written to {written}")


@main.command()
@click.argument("lab")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="The LMS (or plain) file format.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Class list, or the LMS's own exported gradebook CSV to fill in.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.option("--assignment", help="Assignment (column) name in the LMS; default: the lab name.")
@LATE_PENALTY_MOVED
@click.option("--encoding", type=click.Choice(BLACKBOARD_ENCODINGS),
              help="Blackboard only; default: UTF-16 as Grade Center's own download, or the roster's.")
@GRADEBOOK
@click.pass_context
def export(ctx: click.Context, lab: str, fmt: str, roster: Path | None, output: Path | None, assignment: str | None,
           late_penalty: str | None, encoding: str | None, gradebook: Path | None) -> None:
    """Write LAB's scores in the import format of an LMS (after the late penalties computed when grading); refused,
    exit 1, if it would not import."""
    _late_penalty_moved(late_penalty)
    course = _course(ctx)
    book = _gradebook(ctx, gradebook)
    done = _run(lambda: jobs.export_scores(course, book, lab, fmt, target=output, roster=roster,
                                           assignment=assignment, encoding=encoding))
    for notice in done.export.notices:
        err_console.print(f"[yellow]note[/yellow] {escape(notice)}")
    err_console.print(f"{done.export.rows} rows written to {done.path}")


@main.command()
@click.argument("lab")
@GRADEBOOK
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Class list CSV.")
@click.option("--timings", is_flag=True, help="Where grading time went: each stage per submission, the last batch.")
@click.pass_context
def status(ctx: click.Context, lab: str, gradebook: Path | None, roster: Path | None, timings: bool) -> None:
    """Summarise the gradebook for LAB: graded, errors, time-outs, not yet graded, late; with a roster, who is
    missing and who is not on it; with --timings, where the grading time went."""
    book = _gradebook(ctx, gradebook)
    if timings:
        _print_timings(lab, _run(lambda: jobs.lab_timings(book, _lab(ctx, lab))))
        return
    report = _run(lambda: jobs.lab_status(book, _lab(ctx, lab), roster))
    table = Table(title=f"{lab}: {book}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, count in report.counts.items():
        table.add_row(what, str(count))
    console.print(table)
    for title, names in (("missing (on the roster, no submission)", report.missing),
                         ("unknown (not on the roster)", report.unknown)):
        if names:
            console.print(f"{title}: " + "; ".join(escape(n) for n in names))


@main.command()
@click.argument("lab")
@click.argument("student")
@GRADEBOOK
@click.pass_context
def show(ctx: click.Context, lab: str, student: str, gradebook: Path | None) -> None:
    """Show one student's result for LAB: score, each check's message, failed cells, lateness."""
    course = _course(ctx)
    found = _run(lambda: jobs.student_results(_gradebook(ctx, gradebook), _lab(ctx, lab), student))
    for entry in found:
        _print_student(course, lab, entry)


@main.command()
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=Limits.timeout, show_default=True,
              help="Seconds the notebook may run.")
@click.pass_context
def check(ctx: click.Context, notebook: Path, timeout: float) -> None:
    """Run the public checks on your notebook and say what to fix."""
    done = _run(lambda: jobs.check_notebook(_course(ctx), notebook, Limits(timeout=timeout)))
    result = done.result
    if result.status != Status.GRADED:
        err_console.print(f"[yellow]{escape(result.message)}[/yellow]")
    for cell in result.cells:
        if cell.status == CellStatus.ERROR:
            console.print(f"code cell {cell.index + 1} raised {escape(cell.error)}")
    for q in result.questions:
        failed = [case for case in q.checks if not case.passed]
        mark = "[red]failed[/red]" if failed or not q.checks else "[green]passed[/green]"
        console.print(f"{q.name}: {mark}")
        for case in failed:
            console.print(f"    {escape(case.message)}")
    console.print(f"{done.passed} of {done.total} public checks pass; hidden checks run when your work is graded.")


def _print_timings(lab: str, report: Any) -> None:
    table = Table(title=f"{lab}: time per submission, {report.runs} runs, {report.check_rounds:.1f} check rounds each")
    for column in ("stage", "runs", "mean ms", "median ms", "p95 ms", "total s", "share"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for s in report.stages:
        table.add_row(s.stage, str(s.runs), f"{1000 * s.mean:.1f}", f"{1000 * s.median:.1f}", f"{1000 * s.p95:.1f}",
                      f"{s.total:.2f}", f"{100 * s.share:.0f}%")
    console.print(table)
    if batch := report.last_batch:
        console.print(f"last grade: {batch['graded']:.0f} of {batch['submissions']:.0f} submissions graded in "
                      f"{batch['wall']:.1f} s with {batch['jobs']:.0f} workers ({batch['per_minute']:.1f}/min)")


def _print_student(course: Course, lab: str, entry: Any) -> None:
    info, result = entry.info, entry.result
    late = f" ({info.lateness.status})" if info.lateness.status != LateStatus.NO_DUE else ""
    when = f", handed in {info.submitted_at:%Y-%m-%d %H:%M} UTC" if info.submitted_at else ""
    superseded = " [older attempt]" if entry.superseded else ""
    console.print(f"[bold]{escape(info.display_name or info.student)}[/bold] ({escape(info.student)}): "
                  f"{escape(info.original_name or info.path)}{when}{late}{superseded}")
    if result is None:
        console.print("  not graded yet")
        return
    console.print(f"  {result.status}: {result.score:g} of {result.max_score:g}"
                  + (f" — {escape(result.message)}" if result.message else ""))
    for q in result.questions:
        console.print(f"  {q.name}: {q.score:g}/{q.max_score:g}")
        for case in q.checks:
            if not case.passed:
                kind = "hidden" if case.hidden else "public"
                console.print(f"    [red]✗[/red] {kind} {escape(case.name)}: {escape(case.message)}")
    for cell in result.cells:
        if cell.status == CellStatus.ERROR:
            console.print(f"  code cell {cell.index + 1} raised {escape(cell.error)}")
    page = course.root / "out" / lab / "feedback" / f"{slugify(info.student)}.html"
    if page.is_file():
        console.print(f"  feedback page: {page}")


def _audit_table(report: AuditReport) -> Table:
    table = Table(title=f"{report.lab}: audit of the checks ({report.notebooks} notebooks graded)")
    for column in ("question", "points", "wrong answers", "holes", "non-answer earns", "right answers losing"):
        table.add_column(column, justify="left" if column == "question" else "right")
    for q in report.questions:
        share = "-" if q.non_answer_share is None else f"{q.non_answer_share:.0%}"
        table.add_row(q.name, f"{q.points:g}", str(q.tried), f"[red]{len(q.holes)}[/red]" if q.holes else "0", share,
                      str(len(q.lost_variants)))
    return table


@main.command()
@click.argument("labs", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the audit as JSON.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=DEFAULTS.jobs, show_default=True,
              help="Notebooks graded at once.")
@click.pass_context
def audit(ctx: click.Context, labs: tuple[str, ...], as_json: bool, jobs: int) -> None:
    """Grade wrong answers and right-answer variants of each LAB; exit 1 if any wrong answer earns full marks."""
    course = _course(ctx)
    reports = [_run(lambda lab=lab: audit_lab(course, lab, jobs=jobs)) for lab in (labs or course.lab_names())]
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in reports], indent=2))
    for report in reports:
        if not as_json:
            console.print(_audit_table(report))
            console.print(f"non-answers earn {report.non_answer_share:.0%} of the lab; solution "
                          f"{report.solution_score:g}/{report.max_score:g}; blank notebook {report.blank_score:g}")
        for problem in report.problems:
            err_console.print(f"[red]{escape(report.lab)}[/red] {escape(problem)}")
    if any(not r.passed for r in reports):
        sys.exit(1)


if __name__ == "__main__":
    main()
