"""The whole export of one lab: the gradebook's current results, rendered, written to a file and recorded.

The CLI only parses its options, calls :func:`export_lab` and prints the notices.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from autograder.export.formats import check_format, export
from autograder.export.from_gradebook import score_rows_from
from autograder.export.late import parse_late_policy
from autograder.export.rows import Export
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
    late_penalty: str = "none",
) -> Export:
    """Write ``bundle``'s lab from ``book`` as ``fmt`` into ``target`` (parents created) and record it in ``book``.

    ``roster`` serves twice: as the class list (students who sent nothing become missing rows) and, for an LMS
    format, as the LMS's own download to fill in. ``assignment`` defaults to the lab's name. Raises ``ValueError``
    with a one-line message on a bad format, late policy or roster, before anything is written.
    """
    check_format(fmt)
    policy = parse_late_policy(late_penalty)
    rows = score_rows_from(book.results(bundle.lab), bundle.max_score, _class_list(roster))
    result = export(
        rows, fmt, assignment=assignment or bundle.lab, max_score=bundle.max_score, roster_file=roster, policy=policy
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(result.content)
    book.record_export(bundle.lab, fmt, late_penalty, target.resolve(), result.content, result.rows)
    return result
