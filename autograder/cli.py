"""The ``autograder`` command: it parses arguments, calls the library and prints; nothing else."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from autograder import build as build_mod
from autograder.execute.sandbox import Limits
from autograder.grade import grade_many
from autograder.intake import IntakeError, notebook_lab, read_notebook
from autograder.labs import Course, LabNotFound
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


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    """Files as given; folders become their visible files, sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        else:
            found.append(path)
    return found


def _limits(timeout: float, memory: int) -> Limits:
    return Limits(timeout=timeout, memory_mb=memory)


def _table(results: list[SubmissionResult]) -> Table:
    table = Table(title=f"{results[0].lab}: {len(results)} submissions" if results else "no submissions")
    for column in ("student", "score", "max", "status", "message"):
        table.add_column(column, justify="right" if column in ("score", "max") else "left")
    for r in results:
        colour = {"graded": "green", "timeout": "yellow"}.get(r.status, "red")
        table.add_row(r.student, f"{r.score:g}", f"{r.max_score:g}", f"[{colour}]{r.status}[/{colour}]", r.message)
    return table


@main.command()
@click.argument("lab")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of results instead of a table.")
@click.option("--timeout", default=Limits.timeout, show_default=True, help="Seconds a notebook may run.")
@click.option("--memory", default=Limits.memory_mb, show_default=True, help="Memory limit per notebook, MiB.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Also write the JSON here.")
@click.pass_context
def grade(
    ctx: click.Context,
    lab: str,
    paths: tuple[Path, ...],
    as_json: bool,
    timeout: float,
    memory: int,
    output: Path | None,
) -> None:
    """Grade student notebooks (or grader.export() zips) for LAB."""
    try:
        bundle = build_mod.bundle_for(_course(ctx), lab)
    except (LabNotFound, build_mod.BuildError) as exc:
        raise click.ClickException(str(exc)) from exc
    results = list(grade_many(bundle, _expand(paths), _limits(timeout, memory)))
    document = json.dumps([r.to_dict() for r in results], indent=2)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document + "\n")
    if as_json:
        click.echo(document)
    else:
        console.print(_table(results))


def _print_questions(result: SubmissionResult) -> None:
    for q in result.questions:
        failed = [case for case in q.checks if not case.passed]
        mark = "[red]failed[/red]" if failed or not q.checks else "[green]passed[/green]"
        console.print(f"{q.name}: {mark}")
        for case in failed:
            console.print(f"    {case.message}")


@main.command()
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--timeout", default=Limits.timeout, show_default=True, help="Seconds the notebook may run.")
@click.pass_context
def check(ctx: click.Context, notebook: Path, timeout: float) -> None:
    """Run the public checks on your notebook and say what to fix."""
    try:
        lab = notebook_lab(read_notebook(notebook)) or notebook.stem
        bundle = build_mod.bundle_for(_course(ctx), lab)
    except (IntakeError, LabNotFound, build_mod.BuildError) as exc:
        raise click.ClickException(str(exc)) from exc
    (result,) = grade_many(bundle, [notebook], _limits(timeout, Limits.memory_mb), public_only=True)
    if result.message:
        err_console.print(f"[yellow]{result.message}[/yellow]")
    for cell in result.cells:
        if cell.status == "error":
            console.print(f"code cell {cell.index + 1} raised {cell.error}")
    _print_questions(result)
    cases = [case for q in result.questions for case in q.checks]
    passed = sum(case.passed for case in cases)
    console.print(f"{passed} of {len(cases)} public checks pass; hidden checks run when your work is graded.")


if __name__ == "__main__":
    main()
