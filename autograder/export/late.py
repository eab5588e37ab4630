"""Late penalties parsed from ``--late-penalty``; the due date itself is given separately.

Rules (documented in docs/lms-formats.md):

* the penalty is a percentage of the assignment's maximum points, per started day (or hour) after the due date:
  a submission 1 second late loses one day's worth, 24 h 0 min 1 s late loses two days' worth;
* ``max=`` caps the total percentage; ``zero-after=`` gives 0 points to anything later than that duration;
* the final score is never negative, and a score is never raised by the policy.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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

    def apply(self, score: float, max_score: float, late_seconds: float | None) -> tuple[float, float]:
        """Return ``(final score, penalty points)``; the final score is never below 0 nor above ``score``."""
        if score <= 0 or not late_seconds or late_seconds <= 0:
            return score, 0.0
        if self.zero_after_seconds is not None and late_seconds > self.zero_after_seconds:
            return 0.0, score
        percent = self.percent_per_unit * self.units_late(late_seconds)
        if self.max_percent is not None:
            percent = min(percent, self.max_percent)
        penalty = min(max_score * percent / 100.0, score)
        return score - penalty, penalty


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
