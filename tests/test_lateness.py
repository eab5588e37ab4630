"""The one lateness computation: policies parsed and applied, each submission assessed from the best time there is,
and the stored result the same in the gradebook, the export, the feedback page, status and the report."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from autograder.model import Lateness, LateStatus
from autograder.record.late import DAY, HOUR, LatePolicy, assess, late_notices, parse_late_policy

DUE = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)


def late_by(seconds: float | None, text: str) -> Lateness:
    return assess(DUE, None if seconds is None else DUE + timedelta(seconds=seconds), None, parse_late_policy(text))


@pytest.mark.parametrize(
    ("text", "late", "expected"),
    [
        ("10%/day", -60.0, (8.0, 0.0)),
        ("10%/day", 0.0, (8.0, 0.0)),
        ("10%/day", 1.0, (7.0, 1.0)),  # one second late: a started day counts as a whole day
        ("10%/day", DAY, (7.0, 1.0)),
        ("10%/day", DAY + 1, (6.0, 2.0)),
        ("10%/day,max=50%", 10 * DAY, (3.0, 5.0)),  # capped at 50% of the maximum points
        ("25%/day", 10 * DAY, (0.0, 8.0)),  # never below zero
        ("zero-after=2d", 2 * DAY, (8.0, 0.0)),
        ("zero-after=2d", 2 * DAY + 1, (0.0, 8.0)),
        ("10%/day,zero-after=3d", 2.5 * DAY, (5.0, 3.0)),
        ("10%/day,zero-after=3d", 3.5 * DAY, (0.0, 8.0)),
        ("5%/hour", 90 * 60, (7.0, 1.0)),
        ("zero-after=36h", 37 * HOUR, (0.0, 8.0)),
        ("none", 30 * DAY, (8.0, 0.0)),
    ],
)
def test_a_policy_applied_to_a_known_time(text: str, late: float, expected: tuple[float, float]) -> None:
    final, penalty = late_by(late, text).apply(8.0, 10.0)
    assert (round(final, 9), round(penalty, 9)) == expected


def test_policy_parse_fields() -> None:
    policy = parse_late_policy(" 10%/day, max=50% , zero-after=7d ")
    assert policy == LatePolicy(10.0, DAY, 50.0, 7 * DAY, "10%/day, max=50% , zero-after=7d")
    assert parse_late_policy("NONE").is_none
    assert not policy.is_none


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty --late-penalty"),
        ("10%", "cannot read '10%'"),
        ("10%/week", "cannot read '10%/week'"),
        ("max=50%", "max= needs a per-day or per-hour rate"),
        ("10%/day,10%/day", "rate given twice"),
        ("150%/day", "rate 150% is over 100%"),
        ("zero-after=2", "cannot read 'zero-after=2'"),
    ],
)
def test_policy_bad_text(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        parse_late_policy(text)
    assert "expected e.g. '10%/day', '10%/day,max=50%', 'zero-after=2d'" in str(caught.value)


def test_a_known_time_gives_status_seconds_units_and_percent_with_its_policy() -> None:
    late = late_by(1.5 * DAY, "10%/day,max=50%")
    assert (late.status, late.seconds, late.units, late.percent, late.zero) == (LateStatus.LATE, 1.5 * DAY, 2, 20.0,
                                                                                 False)
    assert (late.policy, late.due, late.note) == ("10%/day,max=50%", DUE, "")
    on_time = late_by(-5.0, "10%/day")
    assert (on_time.status, on_time.seconds, on_time.units, on_time.percent) == (LateStatus.ON_TIME, 0.0, 0, 0.0)
    assert late_by(3 * DAY, "zero-after=2d").zero


def test_a_flag_without_a_time_is_charged_one_unit_and_says_so() -> None:
    flagged = assess(None, None, True, parse_late_policy("10%/day"))
    assert (flagged.status, flagged.units, flagged.percent, flagged.seconds) == (LateStatus.FLAGGED, 1, 10.0, None)
    assert "charged as 1 day late, the least it can be" in flagged.note
    assert flagged.apply(8.0, 10.0) == (7.0, 1.0)
    hourly = assess(DUE, None, True, parse_late_policy("5%/hour"))
    assert "charged as 1 hour late" in hourly.note and hourly.percent == 5.0
    free = assess(None, None, True, parse_late_policy("none"))
    assert free.is_late and free.apply(8.0, 10.0) == (8.0, 0.0) and "charged" not in free.note


def test_a_time_wins_over_the_flag() -> None:
    """Canvas computes LATE against its own due date; a real time against ``--due`` decides."""
    lateness = assess(DUE, DUE - timedelta(hours=1), True, parse_late_policy("10%/day"))
    assert lateness.status == LateStatus.ON_TIME and lateness.apply(8.0, 10.0) == (8.0, 0.0)


def test_a_due_date_without_a_time_is_unknown_never_on_time() -> None:
    unknown = assess(DUE, None, None, parse_late_policy("10%/day"))
    assert unknown.status == LateStatus.UNKNOWN and not unknown.is_late
    assert unknown.apply(8.0, 10.0) == (8.0, 0.0)
    assert "lateness unknown, no late penalty" in unknown.note


def test_no_due_date_and_no_flag_is_nothing_to_say() -> None:
    nothing = assess(None, DUE, None, parse_late_policy("10%/day"))
    assert (nothing.status, nothing.note, nothing.apply(8.0, 10.0)) == (LateStatus.NO_DUE, "", (8.0, 0.0))


def test_the_stored_form_round_trips() -> None:
    for lateness in (late_by(1.5 * DAY, "10%/day"), assess(DUE, None, True, parse_late_policy("10%/day")),
                     late_by(None, "none"), Lateness()):
        assert Lateness.from_dict(lateness.to_dict()) == lateness


def test_the_batch_notices_count_what_could_not_be_timed() -> None:
    policy = parse_late_policy("10%/day")
    batch = [assess(DUE, None, None, policy)] * 3 + [assess(None, None, True, policy), late_by(60, "10%/day")]
    unknown, flagged = late_notices(batch)
    assert unknown.startswith("3 submissions have no submission time") and "--roster" in unknown
    assert flagged.startswith("1 submission is marked late by the LMS without a time") and "1 day late" in flagged
    assert late_notices([late_by(60, "10%/day")]) == ()
