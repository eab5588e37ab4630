"""Lateness as grading records it: from the download's time, the roster's, the LMS's flag, or nothing; remembered
per lab, recomputed when a later ``grade`` changes the rules; and one number wherever it is shown."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from autograder.batch import BatchOptions, late_rules, record_candidates
from autograder.export import export_lab
from autograder.intake.roster import load_roster
from autograder.labs import LabBundle, Question
from autograder.model import Candidate, LateStatus, Received, RunInfo, Source, Status, SubmissionResult
from autograder.record.gradebook import Gradebook
from autograder.record.summary import UNKNOWN_LATENESS, summarise
from autograder.report import class_data, write_feedback

LAB = LabBundle("lab03", "v1", (Question("q1", 4.0), Question("q2", 6.0)), (), Path("tests"), Path("public"))
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
NOW = datetime(2026, 12, 4, tzinfo=UTC)
WORKSHEET = """\
Identifier,Full name,Email address,Status,Grade,Maximum Grade,Last modified (submission),Feedback comments
Participant 11,Mo Amin,mo@example.edu,Submitted for grading,,10.00,"Thursday, 3 December 2026, 11:00 AM",
Participant 12,Li Wei,li@example.edu,Submitted for grading,,10.00,"Tuesday, 1 December 2026, 9:30 PM",
Participant 13,Ida Berg,ida@example.edu,No submission,,10.00,-,
"""


def candidate(student: str, source: Source, *, submitted: datetime | None = None, late: bool | None = None,
              name: str | None = None) -> Candidate:
    return Candidate(Path(f"/class/{student}.ipynb"), student, name, submitted, late, source, f"{student}.ipynb", "")


CLASS = (
    candidate("bb_ann", Source.BLACKBOARD, submitted=DUE + timedelta(hours=30)),  # 2 started days late
    candidate("bb_bob", Source.BLACKBOARD, submitted=DUE - timedelta(hours=2)),  # on time
    candidate("12345", Source.CANVAS, late=True, name="doejane"),  # Canvas's LATE flag, no time
    candidate("11", Source.MOODLE, name="Mo Amin"),  # time from the worksheet: 35 h late
    candidate("12", Source.MOODLE, name="Li Wei"),  # time from the worksheet: on time
    candidate("plain", Source.FILE),  # no time anywhere
)


def record(book: Gradebook, options: BatchOptions, roster=None) -> dict[str, object]:
    """Record the class under ``options`` (as ``grade`` does before grading), graded 8 of 10 each once."""
    received = [Received(c, c.student.ljust(64, "0")) for c in CLASS]
    ids = record_candidates(book, LAB.lab, received, late_rules(book, LAB.lab, options, roster))
    for cand, sid in ids.items():
        if book.needs_grading(sid):
            result = SubmissionResult(str(cand.path), cand.student, LAB.lab, Status.GRADED, 8.0, 10.0, "")
            book.record_run(sid, result, RunInfo("v1", "0.1.0", NOW, NOW, {}))
    return {s.info.student: s.info.lateness for s in book.results(LAB.lab)}


@pytest.fixture
def worksheet(tmp_path: Path):
    path = tmp_path / "worksheet.csv"
    path.write_text(WORKSHEET, encoding="utf-8")
    return load_roster(path)


def test_each_source_of_time_is_used_and_named(tmp_path: Path, worksheet) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        late = record(book, BatchOptions(due=DUE, late_penalty="10%/day"), worksheet)
    assert (late["bb_ann"].status, late["bb_ann"].units, late["bb_ann"].percent) == (LateStatus.LATE, 2, 20.0)
    assert late["bb_ann"].time_source == "the Blackboard download"
    assert late["bb_bob"].status == LateStatus.ON_TIME
    assert (late["12345"].status, late["12345"].units, late["12345"].percent) == (LateStatus.FLAGGED, 1, 10.0)
    assert (late["11"].status, late["11"].seconds, late["11"].time_source) == (LateStatus.LATE, 35 * 3600 + 60.0,
                                                                               "the roster")
    assert late["12"].status == LateStatus.ON_TIME
    assert late["plain"].status == LateStatus.UNKNOWN and "lateness unknown" in late["plain"].note


def test_the_rules_are_remembered_and_a_later_grade_recomputes_without_regrading(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        first = record(book, BatchOptions(due=DUE, late_penalty="10%/day"))
        runs = sum(book.run_counts(LAB.lab).values())
        kept = record(book, BatchOptions())
        assert kept == first, "a grade without --due or --late-penalty keeps the lab's rules"
        stricter = record(book, BatchOptions(late_penalty="25%/day"))
        assert stricter["bb_ann"].percent == 50.0 and stricter["bb_ann"].due == DUE
        later_due = record(book, BatchOptions(due=DUE + timedelta(days=2)))
        assert later_due["bb_ann"].status == LateStatus.ON_TIME and later_due["bb_ann"].policy == "25%/day"
        dropped = record(book, BatchOptions(clear_due=True))
        assert dropped["bb_ann"].status == LateStatus.NO_DUE and dropped["12345"].status == LateStatus.FLAGGED
        assert sum(book.run_counts(LAB.lab).values()) == runs, "nothing was graded again"


def test_a_bad_policy_is_one_line_before_anything_is_stored(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        with pytest.raises(ValueError, match="bad --late-penalty '10%'") as caught:
            late_rules(book, LAB.lab, BatchOptions(late_penalty="10%"))
        assert "\n" not in str(caught.value) and book.late_settings(LAB.lab) == (None, "none")


def test_export_feedback_status_and_report_show_the_same_lateness(tmp_path: Path, worksheet) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        record(book, BatchOptions(due=DUE, late_penalty="10%/day"), worksheet)
        stored = book.results(LAB.lab)
        exported = export_lab(book, LAB, "csv", target=tmp_path / "scores.csv")
        pages = write_feedback(stored, book.artifacts, tmp_path / "feedback", lab=LAB.lab)
        (record_row,) = book.exports(LAB.lab)
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(exported.content.decode()))}
    assert {s: rows[s]["score"] for s in rows} == {"bb_ann": "6.0", "bb_bob": "8.0", "12345": "7.0", "11": "6.0",
                                                   "12": "8.0", "plain": "8.0"}
    assert rows["plain"]["late_status"] == "unknown" and "lateness unknown" in rows["plain"]["late_note"]
    assert record_row["late_policy"] == "10%/day"
    texts = {p.stem: p.read_text() for p in pages if p.suffix == ".md"}
    assert "-2 points, final score 6 / 10" in texts["bb_ann"] and "-1 points, final score 7 / 10" in texts["12345"]
    assert "-2 points, final score 6 / 10" in texts["11"] and "penalty" not in texts["bb_bob"]
    assert "lateness unknown, no late penalty" in texts["plain"] and "penalty (" not in texts["plain"]
    status = summarise(stored).counts
    assert (status["late"], status[UNKNOWN_LATENESS]) == (3, 1)
    report = class_data(stored, lab=LAB.lab, questions=LAB.questions)
    assert (report.summary.late, report.summary.late_unknown) == (3, 1)
    assert [w.late_by for w in report.late] == ["1 day 11 hours late", "1 day 6 hours late", "late"]
