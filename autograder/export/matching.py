"""Lining an LMS roster up with our rows: its students with our score rows, its columns with our assignment.

Cells are compared with whitespace collapsed and case folded; a name also matches as 'First Last' or 'Last, First'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from autograder.export.rows import ExportRefused, Scored, ScoreRow, own_lms_id, split_name


def _norm(value: str) -> str:
    """The form two identity cells are compared in."""
    return " ".join(value.split()).casefold()


def _name_forms(name: str) -> set[str]:
    first, last = split_name(name)
    return {_norm(name), _norm(f"{first} {last}"), _norm(f"{last}, {first}")}


@dataclass
class RowIndex:
    """Find our rows from an LMS roster's identity cells; remembers which rows were matched."""

    scored: Sequence[Scored]
    lms: str = ""
    """The roster's LMS: a row's ``lms_id`` (and identity key) given by another LMS's download is not matched."""
    _index: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        for i, item in enumerate(self.scored):
            row = item.row
            ours = not self.lms or row.id_source in (None, self.lms)
            keys = [("student", row.student if ours else None), ("lms_id", own_lms_id(row, self.lms)),
                    ("sis_id", row.sis_id)]
            keys += [("username", row.username), ("email", row.email)]
            for kind, value in keys:
                if value:
                    self._index.setdefault((kind, _norm(value)), []).append(i)
            for form in _name_forms(row.name) if row.name else ():
                self._index.setdefault(("name", form), []).append(i)

    def find(self, keys: Iterable[tuple[str, str | None]]) -> Scored | None:
        """First unambiguous hit over ``(kind, value)`` pairs, tried in order (kinds as in ``ScoreRow``).

        A row already matched, or whose own ``lms_id`` / ``sis_id`` disagrees with the roster's, is never taken:
        two students with the same name must not swap scores.
        """
        keys = [(kind, value) for kind, value in keys if value and value.strip()]
        for kind, value in keys:
            hits = self._index.get((kind, _norm(value)), [])
            if len(hits) == 1 and hits[0] not in self.used and not self._conflicts(self.scored[hits[0]].row, keys):
                self.used.add(hits[0])
                return self.scored[hits[0]]
        return None

    def _conflicts(self, row: ScoreRow, keys: Sequence[tuple[str, str]]) -> bool:
        ours = {"lms_id": own_lms_id(row, self.lms), "sis_id": row.sis_id}
        return any(ours.get(kind) and _norm(ours[kind] or "") != _norm(value) for kind, value in keys)

    def unmatched(self) -> list[Scored]:
        return [s for i, s in enumerate(self.scored) if i not in self.used]

    def refuse_if_none_matched(self, roster_kind: str) -> None:
        """A roster that matches none of the scored students is the wrong file: refuse rather than write nothing."""
        scored = [s for s in self.scored if not s.missing]
        if scored and not any(i in self.used for i, s in enumerate(self.scored) if not s.missing):
            raise ExportRefused(
                f"{self.lms} export refused: none of the {len(scored)} scored students is in the {roster_kind} "
                "(matched by the LMS's ids, username, email or name); is it this course's download?"
            )


def find_column(header: Sequence[str], assignment: str, title_of: Callable[[str], str | None], lms: str) -> int:
    """Index of the assignment's column: exact title first, else the one title starting with ``assignment``."""
    found = find_column_or_none(header, assignment, title_of, lms)
    if found is not None:
        return found
    names = ", ".join(repr(cell) for cell in header if title_of(cell) is not None) or "none"
    raise ValueError(f"{lms} roster has no column for assignment {assignment!r}; its assignment columns: {names}")


def find_column_or_none(
    header: Sequence[str], assignment: str, title_of: Callable[[str], str | None], lms: str
) -> int | None:
    """As :func:`find_column`, but ``None`` when no column is the assignment's (several still raise)."""
    titles = {i: title_of(cell) for i, cell in enumerate(header)}
    titles = {i: t for i, t in titles.items() if t is not None}
    wanted = _norm(assignment)
    for test in (lambda t: _norm(t) == wanted, lambda t: _norm(t).startswith(wanted)):
        hits = [i for i, t in titles.items() if test(t)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = ", ".join(repr(header[i]) for i in hits)
            raise ValueError(f"{lms} roster has several columns for {assignment!r}: {names}; pass the exact title")
    return None
