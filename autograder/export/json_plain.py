"""Our own plain JSON: versioned, with the assignment, the late policy and every field of every row."""

from __future__ import annotations

import json
from collections.abc import Sequence

from autograder.export.plain import CLASS_LIST_ONLY, plain_record
from autograder.export.rows import Export, Scored
from autograder.export.tables import Table

EXPORT_SCHEMA = 2
"""2: ``late_policy`` moved from the document into each row, beside ``late_status`` and ``late_note``."""


def render(
    scored: Sequence[Scored], *, assignment: str, max_score: float, roster: Table | None
) -> Export:
    """``{"schema", "assignment", "max_score", "rows": [...]}`` as UTF-8 JSON; each row has its own late policy (the
    one it was recorded under)."""
    records = [plain_record(item, assignment=assignment, max_score=max_score) for item in scored]
    for record in records:
        del record["assignment"], record["max_score"]
    document = {
        "schema": EXPORT_SCHEMA,
        "assignment": assignment,
        "max_score": max_score,
        "rows": records,
    }
    notices = (CLASS_LIST_ONLY,) if roster is not None else ()
    content = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return Export(content, notices, len(records))
