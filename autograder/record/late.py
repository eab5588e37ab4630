"""Lateness, computed once when a submission is recorded: the due date, the submission time, the late policy.

:func:`assess` makes the gradebook's :class:`~autograder.model.Lateness`; export, feedback pages, status and the
class report only read it. Policy rules (documented in docs/lms-formats.md):

* the penalty is a percentage of the assignment's maximum points, per started day (or hour) after the due date:
  a submission 1 second late loses one day's worth, 24 h 0 min 1 s late loses two days' worth;
* ``max=`` caps the total percentage; ``zero-after=`` gives 0 points to anything later than that duration;
* the final score is never negative, and a score is never raised by the policy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from autograder.model import Lateness, LateStatus

DAY = 86_400.0
HOUR = 3_600.0
_UNITS = {"day": DAY, "hour": HOUR}
_DURATION_UNITS = {"d": DAY, "h": HOUR, "m": 60.0}
_EXAMPLES = "expected e.g. '10%/day', '10%/day,max=50%', 'zero-after=2d', '5%/hour,zero-after=36h' or 'none'"
_NUMBER = r"(\d+(?:\.\d+)?)"
_RATE = re.compile(rf"{_NUMBER}%/(day|hour)")
_CAP = re.compile(rf"max={_NUMBER}%")
_ZERO_AFTER = re.compile(rf"zero-after={_NUMBER}([dhm])")


@dataclass(frozen=True)
class LatePolicy:
    """How lateness turns into lost points."""

    percent_per_unit: float = 0.0
    """Percentage of the maximum points lost per started unit of lateness."""
    unit_seconds: float = DAY
    """Length of one unit: a day (86400 s) or an hour; a partial unit counts as a whole one."""
    max_percent: float | None = None
    """Cap on the total percentage lost to ``percent_per_unit``; ``None`` = no cap."""
    zero_after_seconds: float | None = None
    """Submissions later than this get 0 points; ``None`` = never."""
    text: str = "none"
    """The text the policy was parsed from, recorded in the plain exports."""

    @property
    def is_none(self) -> bool:
        return self.percent_per_unit == 0 and self.zero_after_seconds is None

    def units_late(self, late_seconds: float | None) -> int:
        """Started units (days or hours) after the due date; 0 when on time."""
        if not late_seconds or late_seconds <= 0:
            return 0
        return math.ceil(late_seconds / self.unit_seconds)

    def percent(self, units: int) -> float:
        """Percentage of the maximum points lost for ``units`` started units late, capped by ``max=``."""
        percent = self.percent_per_unit * units
        return min(percent, self.max_percent) if self.max_percent is not None else percent

    @property
    def unit_name(self) -> str:
        return "hour" if self.unit_seconds == HOUR else "day"


NO_PENALTY = LatePolicy()


def _percent(value: str, what: str, text: str) -> float:
    number = float(value)
    if number > 100:
        raise ValueError(f"bad --late-penalty {text!r}: {what} {number:g}% is over 100%; {_EXAMPLES}")
    return number


def parse_late_policy(text: str) -> LatePolicy:
    """Parse ``10%/day``, ``10%/day,max=50%``, ``zero-after=2d``, ``none`` (parts comma-separated, any order)."""
    cleaned = text.strip().lower().replace(" ", "")
    if cleaned == "none":
        return LatePolicy(text=text.strip())
    if not cleaned:
        raise ValueError(f"empty --late-penalty; {_EXAMPLES}")
    found: dict[str, re.Match[str]] = {}
    for part in cleaned.split(","):
        for name, pattern in (("rate", _RATE), ("max", _CAP), ("zero-after", _ZERO_AFTER)):
            match = pattern.fullmatch(part)
            if match:
                if name in found:
                    raise ValueError(f"bad --late-penalty {text!r}: {name} given twice; {_EXAMPLES}")
                found[name] = match
                break
        else:
            raise ValueError(f"bad --late-penalty {text!r}: cannot read {part!r}; {_EXAMPLES}")
    if "max" in found and "rate" not in found:
        raise ValueError(f"bad --late-penalty {text!r}: max= needs a per-day or per-hour rate; {_EXAMPLES}")
    rate, cap, zero = found.get("rate"), found.get("max"), found.get("zero-after")
    return LatePolicy(
        percent_per_unit=_percent(rate.group(1), "rate", text) if rate else 0.0,
        unit_seconds=_UNITS[rate.group(2)] if rate else DAY,
        max_percent=_percent(cap.group(1), "max", text) if cap else None,
        zero_after_seconds=float(zero.group(1)) * _DURATION_UNITS[zero.group(2)] if zero else None,
        text=text.strip(),
    )


def assess(due: datetime | None, submitted_at: datetime | None, flagged: bool | None, policy: LatePolicy, *,
           time_source: str = "") -> Lateness:
    """The lateness of one submission: from its time when known, else from the LMS's flag, else unknown.

    A flag without a time (Canvas's LATE) is charged one unit, the least it can be, and says so; a due date without a
    time charges nothing and says why, so that a missing time is never silently "on time".
    """
    base = Lateness(due=due, submitted_at=submitted_at, time_source=time_source if submitted_at else "",
                    policy=policy.text)
    if due is not None and submitted_at is not None:
        seconds = max(0.0, (submitted_at - due).total_seconds())
        if seconds <= 0:
            return _with(base, LateStatus.ON_TIME, 0.0, 0, policy)
        return _with(base, LateStatus.LATE, seconds, policy.units_late(seconds), policy)
    if flagged:
        unit = policy.unit_name
        note = (f"The LMS marks this submission late but gives no time: charged as 1 {unit} late, the least it can "
                "be." if not policy.is_none else "The LMS marks this submission late but gives no time.")
        return _with(base, LateStatus.FLAGGED, None, 1, policy, note)
    if due is not None:
        return _with(base, LateStatus.UNKNOWN, None, 0, policy,
                     "No submission time for this file (the download does not carry one): lateness unknown, no late "
                     "penalty. A roster with submission times gives them.")
    return base


def _with(base: Lateness, status: LateStatus, seconds: float | None, units: int, policy: LatePolicy,
          note: str = "") -> Lateness:
    late = status in (LateStatus.LATE, LateStatus.FLAGGED)
    zero = bool(late and seconds and policy.zero_after_seconds is not None and seconds > policy.zero_after_seconds)
    percent = policy.percent(units) if late else 0.0
    return Lateness(status=status, due=base.due, submitted_at=base.submitted_at, time_source=base.time_source,
                    seconds=seconds, units=units if late else 0, policy=base.policy, percent=percent, zero=zero,
                    note=note)


def late_notices(lateness: Sequence[Lateness]) -> tuple[str, ...]:
    """What the instructor should know about a batch's lateness: times that were missing, flags charged."""
    unknown = sum(item.status == LateStatus.UNKNOWN for item in lateness)
    flagged = [item for item in lateness if item.status == LateStatus.FLAGGED and item.percent]
    notices = []
    if unknown:
        notices.append(f"{_count(unknown, 'has', 'have')} no submission time (Moodle's download and plain files "
                       "carry none): lateness unknown, no penalty; pass --roster with a submission time column "
                       "(Moodle's grading worksheet has 'Last modified (submission)') to compute it")
    if flagged:
        unit = parse_late_policy(flagged[0].policy).unit_name
        notices.append(f"{_count(len(flagged), 'is', 'are')} marked late by the LMS without a time: each is charged "
                       f"as 1 {unit} late, the least it can be; a roster with submission times charges the real "
                       "lateness")
    return tuple(notices)


def _count(n: int, one: str, more: str) -> str:
    return f"{n} submission {one}" if n == 1 else f"{n} submissions {more}"
