"""Our own plain CSV: one row per student with every field (UTF-8, no BOM, comma, RFC 4180 line endings)."""

from __future__ import annotations

from collections.abc import Sequence

from autograder.export.plain import CLASS_LIST_ONLY, PLAIN_FIELDS, plain_record
from autograder.export.rows import Export, Scored
from autograder.export.tables import Table, encode_rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)


def render(
    scored: Sequence[Scored], *, assignment: str, max_score: float, roster: Table | None
) -> Export:
    """Header ``PLAIN_FIELDS``; empty cells for unknown values; numbers with a '.' decimal point."""
    rows = [list(PLAIN_FIELDS)]
    for item in scored:
        record = plain_record(item, assignment=assignment, max_score=max_score)
        rows.append([_cell(record[name]) for name in PLAIN_FIELDS])
    notices = (CLASS_LIST_ONLY,) if roster is not None else ()
    return Export(encode_rows(rows), notices, len(scored))
