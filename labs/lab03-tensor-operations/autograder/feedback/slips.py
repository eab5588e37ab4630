"""Known mistakes, re-enacted: a cause is named only when doing it on the same inputs gives the student's value.

A :class:`Slip` is what a student would hold had they made one particular mistake, computed by a candidate
builder from the check's own inputs. :func:`confirmed` names a slip only when the student's value equals it
and no other slip with a different cause gives that value too: when two causes fit, naming either could be
the wrong one, so neither is named and the ladder describes what is observably wrong instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from .compare import Options, close, same


@dataclass(frozen=True)
class Slip:
    """One mistake re-enacted on the check's inputs."""

    message: str
    """What the student did and how to fix it: shown only when this slip alone reproduces their value."""
    value: Any
    """What the mistake gives on the check's inputs."""
    code: FindingCode = FindingCode.CANDIDATE
    where: str = ""
    """Where in the value the mistake shows, when it is one part of it."""


Slips = Mapping[str, Any] | Iterable[Slip] | None
"""Slips as builders return them; a mapping ``{message: value}`` is read as slips with the default code."""


def as_slips(candidates: Slips) -> list[Slip]:
    """Slips from a mapping or an iterable of slips; values a builder could not compute (``None``) are dropped."""
    if candidates is None:
        return []
    if isinstance(candidates, Mapping):
        items = [Slip(message, value) for message, value in candidates.items()]
    else:
        items = list(candidates)
    return [s for s in items if s.value is not None]


def reenact(message: str, make: Callable[[], Any], code: FindingCode = FindingCode.CANDIDATE,
            where: str = "") -> Slip | None:
    """The slip ``make()`` gives, or None when the mistake cannot even be made on these inputs."""
    try:
        value = make()
    except Exception:
        return None
    return None if value is None else Slip(message, value, code, where)


def matches(got: Any, slips: Sequence[Slip], opts: Options) -> list[Slip]:
    """The slips whose value equals ``got`` (values always compared, whatever ``opts.check_values`` says)."""
    strict = replace(opts, check_values=True)
    return [s for s in slips if same(got, s.value, strict)]


def confirmed(got: Any, expected: Any, candidates: Slips, opts: Options) -> Finding | None:
    """The one cause that reproduces ``got``, or None when none does or several different ones do.

    A slip that gives the right answer on these inputs is no evidence of anything, so it is ignored.
    """
    strict = replace(opts, check_values=True)
    slips = [s for s in as_slips(candidates) if not same(s.value, expected, strict)]
    hits = matches(got, slips, opts)
    causes = {s.message for s in hits}
    if len(causes) != 1:
        return None
    slip = hits[0]
    return Finding(slip.code, slip.message, slip.where, confirmed=True)


def common_cause(findings: Sequence[Finding | None]) -> Finding | None:
    """Across several calls of a student's function: a cause is confirmed only when every wrong call shows it.

    Returns the shared confirmed finding, or None when the wrong calls disagree or one of them names no cause.
    """
    wrong = [f for f in findings if f is not None]
    if not wrong or not all(f.confirmed for f in wrong):
        return None
    return wrong[0] if len({f.message for f in wrong}) == 1 else None


def drop_answer(slips: Iterable[Slip | None], answer: Any) -> list[Slip]:
    """The slips that exist and differ from the right answer on these inputs.

    A public check compares with a stand-in of the right shape, not with the answer, so a slip that happens to
    give the right answer would blame a right one; the builder, which knows the answer, drops it here.
    """
    return [s for s in slips if s is not None and not _same(s.value, answer)]


def _same(value: Any, answer: Any) -> bool:
    """Equal shape and values within a check's loosest tolerance, whatever the dtypes."""
    if answer is None:
        return False
    a, b = np.asarray(value), np.asarray(answer)
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "biuf" and b.dtype.kind in "biuf":
        return close(a.astype(np.float64), b.astype(np.float64), 1e-4, 1e-6)
    return bool(np.array_equal(a, b))


def answer_of(make: Callable[[], Any]) -> Any:
    """The right answer, or None when it cannot be computed on these inputs."""
    try:
        with np.errstate(all="ignore"):
            return make()
    except Exception:
        return None
