"""The ``autograder`` command: it parses arguments, calls the library and prints; nothing else."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import timezone
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder import build as build_mod
from autograder.batch import BatchOptions, grade_batch
from autograder.execute.sandbox import Limits
from autograder.export import FILE_EXTENSIONS, FORMATS, parse_late_policy
from autograder.export import export as export_scores
from autograder.export.from_gradebook import score_rows_from
from autograder.grade import grade_many
from autograder.intake import IntakeError, notebook_lab, read_notebook
from autograder.intake.lms import discover
from autograder.intake.roster import RosterError, RosterReport, load_roster, reconcile
from autograder.labs import Course, LabBundle, LabNotFound
from autograder.progress import BatchProgress
from autograder.record.gradebook import Gradebook, GradebookError
from autograder.record.summary import summarise
from autograder.report import write_class_report, write_feedback
from autograder.results import SubmissionResult

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def _course(ctx: click.Context) -> Course:
    return ctx.obj["course"]


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
    stale = False
    try:
        for lab in names:
            if check_only:
                result = build_mod.check_lab(course, lab)
                for item in result.changed:
                    err_console.print(f"[red]stale[/red] {item}")
                stale |= result.stale
                if not result.stale:
                    console.print(f"{lab}: up to date")
            else:
                bundle = build_mod.build_lab(course, lab)
                console.print(f"{lab}: {len(bundle.questions)} questions, {bundle.max_score:g} points")
    except (LabNotFound, build_mod.BuildError) as exc:
        raise click.ClickException(str(exc)) from exc
    if stale:
        err_console.print("Run `autograder build` and commit labs/ to bring the student notebooks up to date.")
        sys.exit(1)


def _limit_options(func: Callable[..., None]) -> Callable[..., None]:
    """Every sandbox limit as a flag, defaults from ``Limits``."""
    options = [
        ("--timeout", "timeout", float, "Wall-clock seconds a notebook may run."),
        ("--memory", "memory_mb", int, "Memory per notebook, MiB."),
        ("--cpu", "cpu_seconds", int, "CPU seconds per notebook."),
        ("--max-processes", "max_processes", int, "Processes and threads per notebook."),
        ("--file-size", "file_size_mb", int, "Largest file a notebook may write, MiB."),
        ("--output-size", "output_kb", int, "Printed output kept per cell, KiB."),
    ]
    for flag, field, kind, text in reversed(options):
        func = click.option(flag, field, type=kind, default=getattr(Limits, field), show_default=True, help=text)(func)
    return func


def _limits_from(kwargs: dict[str, object]) -> Limits:
    fields = ("timeout", "memory_mb", "cpu_seconds", "max_processes", "file_size_mb", "output_kb")
    return Limits(**{f: kwargs.pop(f) for f in fields})


def _table(results: list[SubmissionResult], title: str) -> Table:
    table = Table(title=title)
    for column in ("student", "score", "max", "status", "message"):
        table.add_column(column, justify="right" if column in ("score", "max") else "left")
    for r in results:
        colour = {"graded": "green", "timeout": "yellow"}.get(r.status, "red")
        table.add_row(escape(r.student), f"{r.score:g}", f"{r.max_score:g}", f"[{colour}]{r.status}[/{colour}]",
                      escape(r.message))
    return table


def _bundle(ctx: click.Context, lab: str) -> LabBundle:
    try:
        return build_mod.bundle_for(_course(ctx), lab)
    except (LabNotFound, build_mod.BuildError) as exc:
        raise click.ClickException(str(exc)) from exc


def _gradebook_path(ctx: click.Context, given: Path | None) -> Path:
    return given or _course(ctx).root / "gradebook.sqlite"


def _existing_gradebook(ctx: click.Context, given: Path | None) -> Path:
    path = _gradebook_path(ctx, given)
    if not path.is_file():
        raise click.ClickException(f"no gradebook at {path}: grade something first")
    return path


def _print_roster(report: RosterReport) -> None:
    for student in report.missing:
        err_console.print(f"[yellow]no submission[/yellow] {student.name or student.key}")
    for cand in report.unknown:
        err_console.print(f"[yellow]not on the roster[/yellow] {cand.student} ({cand.path.name})")


@main.command()
@click.argument("lab")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of results instead of a table.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Also write the JSON here.")
@click.option("--gradebook", type=click.Path(dir_okay=False, path_type=Path), help="SQLite gradebook file.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True)
@click.option("--regrade", is_flag=True, help="Grade again what the gradebook already has (history is kept).")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Class list CSV.")
@click.option("--due", type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]), help="Due date (UTC).")
@_limit_options
@click.pass_context
def grade(ctx: click.Context, lab: str, paths: tuple[Path, ...], **kwargs: Any) -> None:
    """Grade a class's submissions for LAB: notebooks, export zips, folders and LMS downloads."""
    limits = _limits_from(kwargs)
    bundle = _bundle(ctx, lab)
    book_path = _gradebook_path(ctx, kwargs["gradebook"])
    due = kwargs["due"].replace(tzinfo=timezone.utc) if kwargs["due"] else None
    try:
        candidates = discover(list(paths), book_path.parent / "submissions" / lab, lab)
        roster = load_roster(kwargs["roster"]) if kwargs["roster"] else None
    except (IntakeError, RosterError) as exc:
        raise click.ClickException(str(exc)) from exc
    options = BatchOptions(jobs=kwargs["jobs"], regrade=kwargs["regrade"], limits=limits, due=due)
    try:
        with Gradebook(book_path) as book, BatchProgress(err_console, len(candidates)) as progress:
            outcome = grade_batch(bundle, book, candidates, options, on_result=progress.advance)
            chosen = set(outcome.submission_ids)
            stored = book.results(lab, include_superseded=True)
            results = [s.result for s in stored if s.result and s.submission_id in chosen]
    except GradebookError as exc:
        raise click.ClickException(f"{exc}. Results stored so far are kept; run again to grade the rest.") from exc
    progress.summary(outcome.graded_now, len(chosen) - outcome.graded_now)
    document = json.dumps([r.to_dict() for r in results], indent=2)
    if kwargs["output"]:
        kwargs["output"].parent.mkdir(parents=True, exist_ok=True)
        kwargs["output"].write_text(document + "\n")
    if kwargs["as_json"]:
        click.echo(document)
    else:
        console.print(_table(results, f"{lab}: {len(results)} submissions"))
    if roster:
        _print_roster(reconcile(roster, candidates))


@main.command()
@click.argument("lab")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the pages; default: out/LAB/feedback in the course folder.")
@click.option("--late-penalty", default="none", show_default=True, help="Shown on the page when a student is late.")
@click.option("--gradebook", type=click.Path(dir_okay=False, path_type=Path), help="SQLite gradebook file.")
@click.pass_context
def feedback(ctx: click.Context, lab: str, out_dir: Path | None, late_penalty: str, gradebook: Path | None) -> None:
    """Write one HTML page and one Markdown twin of feedback per student for LAB."""
    target = out_dir or _course(ctx).root / "out" / lab / "feedback"
    try:
        policy = parse_late_policy(late_penalty)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    with Gradebook(_existing_gradebook(ctx, gradebook)) as book:
        written = write_feedback(book.results(lab), book.artifacts, target, lab=lab, policy=policy)
    err_console.print(f"{len(written)} feedback files written to {target}")


@main.command()
@click.argument("lab")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file; default: out/LAB/report.html in the course folder.")
@click.option("--gradebook", type=click.Path(dir_okay=False, path_type=Path), help="SQLite gradebook file.")
@click.pass_context
def report(ctx: click.Context, lab: str, output: Path | None, gradebook: Path | None) -> None:
    """Write the class analytics page for LAB: distribution, questions, frequent mistakes, errors, lateness."""
    bundle = _bundle(ctx, lab)
    target = output or _course(ctx).root / "out" / lab / "report.html"
    with Gradebook(_existing_gradebook(ctx, gradebook)) as book:
        write_class_report(book.results(lab), target, lab=lab, questions=bundle.questions)
    err_console.print(f"class report written to {target}")


@main.command()
@click.argument("lab")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="The LMS (or plain) file format.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Class list, or the LMS's own exported gradebook CSV to fill in.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.option("--assignment", help="Assignment (column) name in the LMS; default: the lab name.")
@click.option("--late-penalty", default="none", show_default=True,
              help='e.g. "10%/day", "10%/day,max=50%", "zero-after=2d".')
@click.option("--gradebook", type=click.Path(dir_okay=False, path_type=Path), help="SQLite gradebook file.")
@click.pass_context
def export(ctx: click.Context, lab: str, fmt: str, roster: Path | None, output: Path | None, assignment: str | None,
           late_penalty: str, gradebook: Path | None) -> None:
    """Write LAB's scores in the import format of an LMS (after the late policy)."""
    bundle = _bundle(ctx, lab)
    book_path = _existing_gradebook(ctx, gradebook)
    try:
        policy = parse_late_policy(late_penalty)
        class_list = load_roster(roster) if roster else None
        with Gradebook(book_path) as book:
            rows = score_rows_from(book.results(lab), bundle.max_score, class_list)
            data = export_scores(rows, fmt, assignment=assignment or lab, max_score=bundle.max_score,
                                 roster_file=roster, policy=policy)
            target = output or _course(ctx).root / "out" / lab / f"{lab}-{fmt}{FILE_EXTENSIONS[fmt]}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            book.record_export(lab, fmt, late_penalty, target.resolve(), data, len(rows))
    except (ValueError, RosterError) as exc:
        raise click.ClickException(str(exc)) from exc
    for notice in data.notices:
        err_console.print(f"[yellow]note[/yellow] {escape(notice)}")
    err_console.print(f"{len(rows)} rows written to {target}")


@main.command()
@click.argument("lab")
@click.option("--gradebook", type=click.Path(dir_okay=False, path_type=Path), help="SQLite gradebook file.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Class list CSV.")
@click.pass_context
def status(ctx: click.Context, lab: str, gradebook: Path | None, roster: Path | None) -> None:
    """Summarise the gradebook for LAB: graded, errors, time-outs, not yet graded, missing, late."""
    book_path = _existing_gradebook(ctx, gradebook)
    with Gradebook(book_path) as book:
        stored = book.results(lab)
    summary = summarise(stored, load_roster(roster) if roster else None)
    table = Table(title=f"{lab}: {book_path.name}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, count in summary.items():
        table.add_row(what, str(count))
    console.print(table)


def _print_questions(result: SubmissionResult) -> None:
    for q in result.questions:
        failed = [case for case in q.checks if not case.passed]
        mark = "[red]failed[/red]" if failed or not q.checks else "[green]passed[/green]"
        console.print(f"{q.name}: {mark}")
        for case in failed:
            console.print(f"    {escape(case.message)}")


@main.command()
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--timeout", default=Limits.timeout, show_default=True, help="Seconds the notebook may run.")
@click.pass_context
def check(ctx: click.Context, notebook: Path, timeout: float) -> None:
    """Run the public checks on your notebook and say what to fix."""
    try:
        lab = notebook_lab(read_notebook(notebook)) or notebook.stem
    except IntakeError as exc:
        raise click.ClickException(str(exc)) from exc
    (result,) = grade_many(_bundle(ctx, lab), [notebook], Limits(timeout=timeout), public_only=True)
    if result.status != "graded":
        err_console.print(f"[yellow]{escape(result.message)}[/yellow]")
    for cell in result.cells:
        if cell.status == "error":
            console.print(f"code cell {cell.index + 1} raised {escape(cell.error)}")
    _print_questions(result)
    cases = [case for q in result.questions for case in q.checks]
    passed = sum(case.passed for case in cases)
    console.print(f"{passed} of {len(cases)} public checks pass; hidden checks run when your work is graded.")


if __name__ == "__main__":
    main()
