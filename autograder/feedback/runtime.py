"""Explain why a cell failed when the cause is the grading sandbox rather than the student's logic."""

from __future__ import annotations

from collections.abc import Sequence

from autograder.model import CellRecord, CellStatus, Limits

_HINTS: tuple[tuple[str, str], ...] = (
    ("EOFError", "input() cannot be answered while grading: set the value in the code instead"),
    ("MemoryError", "the notebook reached the memory limit of {memory_mb} MiB"),
    ("ConnectionRefusedError", "there is no network while grading: use data that ships with the lab"),
    ("Network is unreachable", "there is no network while grading: use data that ships with the lab"),
    ("gaierror", "there is no network while grading: use data that ships with the lab"),
    ("URLError", "there is no network while grading: use data that ships with the lab"),
    ("PermissionError", "only the notebook's own folder can be written while grading"),
    ("Read-only file system", "only the notebook's own folder can be written while grading"),
    ("FileNotFoundError: [Errno 2] No such file or directory: '/", "files outside the notebook's folder do not "
     "exist while grading"),
    ("BlockingIOError", "the notebook started more processes than the limit of {max_processes}"),
)


def hint(error: str, limits: Limits) -> str:
    """A short reason for a sandbox-caused error, or an empty string."""
    for marker, text in _HINTS:
        if marker in error:
            return text.format(memory_mb=limits.memory_mb, max_processes=limits.max_processes)
    return ""


def cell_errors_message(cells: Sequence[CellRecord], limits: Limits) -> str:
    """One line for the results table: how many cells failed, the first one, and why if the sandbox caused it."""
    failed = [c for c in cells if c.status == CellStatus.ERROR]
    if not failed:
        return ""
    first = failed[0]
    reason = hint(first.error, limits)
    more = f" ({len(failed)} cells failed)" if len(failed) > 1 else ""
    return f"code cell {first.index + 1} raised {first.error}" + (f" — {reason}" if reason else "") + more
