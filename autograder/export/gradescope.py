"""A record in the shape of Gradescope's per-assignment score export ("Download Grades" > CSV).

Gradescope has no score-CSV import (scores enter through an autograder's results.json), so this file is for
records and for tools that already read Gradescope exports, not for uploading.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from autograder.export.plain import CLASS_LIST_ONLY
from autograder.export.rows import Export, Scored, points, refuse_unidentified, split_name
from autograder.export.tables import Table, encode_rows

HEADER = (
    "First Name",
    "Last Name",
    "SID",
    "Email",
    "Sections",
    "Total Score",
    "Max Points",
    "Status",
    "Submission ID",
    "Submission Time",
    "Lateness (H:M:S)",
    "View Count",
    "Submission Count",
)


def lateness(seconds: float | None) -> str:
    """Gradescope's 'H:M:S' lateness: '00:00:00' on time, '26:03:07' for a day and two hours late."""
    total = max(int(seconds or 0), 0)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def submission_time(when: datetime | None) -> str:
    """'2022-06-25 13:16:26 -0600' as in Gradescope's export; no offset for a naive time."""
    if when is None:
        return ""
    return when.strftime("%Y-%m-%d %H:%M:%S %z").strip()


def render(scored: Sequence[Scored], *, assignment: str, max_score: float, roster: Table | None) -> Export:
    """Scores after the late penalty; 'Missing' with an empty Total Score when nothing was submitted. Refused when
    a row would name nobody (no name, SID or email): a record that says whose score it is, or none."""
    lacking = [item.row for item in scored if not (item.row.name or item.row.sis_id or item.row.email)]
    refuse_unidentified("gradescope", lacking, "a name, SID or email", "pass --roster with the class list")
    rows = [list(HEADER)]
    for item in scored:
        row = item.row
        first, last = split_name(row.name)
        status = "Missing" if item.missing else "Graded"
        rows.append(
            [
                first,
                last,
                row.sis_id or "",
                row.email or "",
                "",
                points(item.final),
                points(max_score),
                status,
                "",
                submission_time(row.submitted_at),
                lateness(row.lateness.seconds),
                "",
                "0" if item.missing else "1",
            ]
        )
    notices = ("Gradescope cannot import scores from a CSV: this file is a record in Gradescope's export layout.",)
    if roster is not None:
        notices += (CLASS_LIST_ONLY,)
    return Export(encode_rows(rows), notices, len(scored))
