"""Batch progress for the CLI: a rich bar on a terminal, plain lines in logs and CI."""

from __future__ import annotations

import time

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from autograder.model import Status, SubmissionResult


class BatchProgress:
    """Counts done, rate, ETA and failures; ``start`` when the total is known, use as a context manager."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.total = 0
        self.done = 0
        self.failures = 0
        self.started = time.monotonic()
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> BatchProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar:
            self._bar.__exit__(*exc)
            self._bar = None

    def start(self, total: int) -> None:
        self.total = total
        self.started = time.monotonic()
        if self.console.is_terminal:
            self._bar = Progress(
                TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                TextColumn("[red]{task.fields[failures]} failed"), TimeRemainingColumn(), console=self.console,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("grading", total=total, rate="", failures=0)

    def rate(self) -> float:
        """Submissions per minute so far."""
        elapsed = time.monotonic() - self.started
        return 60 * self.done / elapsed if elapsed > 0 else 0.0

    def advance(self, result: SubmissionResult) -> None:
        self.done += 1
        self.failures += result.status != Status.GRADED
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=1, rate=f"{self.rate():.1f}/min", failures=self.failures)
        else:
            self.console.print(
                f"[{self.done}/{self.total}] {escape(result.student)}: {result.status} "
                f"{result.score:g}/{result.max_score:g}  ({self.rate():.1f}/min, {self.failures} failed)"
            )

    def summary(self, graded_now: int, already: int) -> None:
        elapsed = time.monotonic() - self.started
        note = f", {already} already in the gradebook" if already else ""
        self.console.print(f"graded {graded_now} submissions in {elapsed:.1f} s{note}")
