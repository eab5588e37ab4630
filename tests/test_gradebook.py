"""The gradebook: idempotent submissions, atomic runs, one current run each, history on regrade."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from autograder.model import Artifact, CaseResult, CellRecord, LateStatus, QuestionResult, SubmissionResult
from autograder.record.gradebook import Gradebook, GradebookError, RunInfo, SubmissionInfo
from autograder.record.late import assess, parse_late_policy

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
RUN = RunInfo("abc123", "0.1.0", NOW, NOW, {"timeout": 60})


def info(student: str = "ana", sha: str = "1" * 64, **kw) -> SubmissionInfo:
    return SubmissionInfo(lab="lab01-tensors", student=student, path=f"/class/{student}.ipynb", sha256=sha, **kw)


def result(score: float, status: str = "graded") -> SubmissionResult:
    cases = (
        CaseResult("q1", "test_a", 1.0, score >= 1, False, "" if score >= 1 else "`x` is float64"),
        CaseResult("q1", "test_b", 1.0, score >= 2, True, "" if score >= 2 else "a hidden check failed"),
    )
    return SubmissionResult(
        "/class/ana.ipynb",
        "ana",
        "lab01-tensors",
        status,
        score,
        2.0,
        "",
        (QuestionResult("q1", score, 2.0, cases),),
        (CellRecord(0, "ok", "hi"),),
    )


def test_adding_the_same_file_twice_gives_the_same_id(tmp_path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        first = book.add_submission(info())
        assert book.add_submission(info()) == first
        assert book.add_submission(info(sha="2" * 64)) != first


def test_a_run_round_trips_with_checks_cells_and_lateness(tmp_path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        lateness = assess(NOW - timedelta(hours=1), NOW, True, parse_late_policy("10%/day"), time_source="the roster")
        sid = book.add_submission(info(late=True, submitted_at=NOW, lateness=lateness))
        assert book.needs_grading(sid)
        book.record_run(sid, result(1), RUN)
        assert not book.needs_grading(sid)
    with Gradebook(tmp_path / "g.sqlite") as book:
        (stored,) = book.results("lab01-tensors")
    assert stored.info.late is True and stored.info.submitted_at == NOW and stored.info.lateness == lateness
    assert (lateness.seconds, lateness.percent, lateness.time_source) == (3600, 10.0, "the roster")
    assert stored.result.score == 1 and stored.result.cells == (CellRecord(0, "ok", "hi"),)
    (question,) = stored.result.questions
    assert [(c.name, c.passed, c.hidden, c.message) for c in question.checks] == [
        ("test_a", True, False, ""),
        ("test_b", False, True, "a hidden check failed"),
    ]


def test_regrading_keeps_history_and_one_current_run(tmp_path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        sid = book.add_submission(info())
        book.record_run(sid, result(1), RUN)
        book.record_run(sid, result(2), RUN)
        assert book.run_counts("lab01-tensors") == {sid: 2}
        assert book.results("lab01-tensors")[0].result.score == 2
        with pytest.raises(sqlite3.IntegrityError):
            book.db.execute("UPDATE runs SET current = 1")


def test_a_failed_write_leaves_no_partial_run(tmp_path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        sid = book.add_submission(info())
        broken = result(1)
        object.__setattr__(broken, "status", "exploded")
        with pytest.raises(sqlite3.IntegrityError):
            book.record_run(sid, broken, RUN)
        assert book.needs_grading(sid)
        assert book.db.execute("SELECT COUNT(*) FROM checks").fetchone()[0] == 0


def test_superseded_attempts_are_kept_but_not_counted(tmp_path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        old = book.add_submission(info(sha="1" * 64, attempt="1"))
        new = book.add_submission(info(sha="2" * 64, attempt="2"))
        book.set_superseded("lab01-tensors", {old})
        assert [s.submission_id for s in book.results("lab01-tensors")] == [new]
        assert len(book.results("lab01-tensors", include_superseded=True)) == 2


def test_a_gradebook_from_a_newer_grader_or_a_broken_file_is_refused(tmp_path):
    newer = tmp_path / "newer.sqlite"
    sqlite3.connect(newer).execute("PRAGMA user_version = 99").connection.commit()
    with pytest.raises(GradebookError, match="newer grader"), Gradebook(newer):
        pass
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(GradebookError, match="not a usable gradebook"), Gradebook(garbage):
        pass


def test_a_gradebook_that_refuses_writes_gives_a_clear_error_and_keeps_what_was_stored(tmp_path):
    path = tmp_path / "g.sqlite"
    with Gradebook(path) as book:
        sid = book.add_submission(info())
        book.record_run(sid, result(1), RUN)
        (pages,) = book.db.execute("PRAGMA page_count").fetchone()
        book.db.execute(f"PRAGMA max_page_count = {pages}")  # the file cannot grow any more: like a full disk
        big = replace(result(2), artifacts=(Artifact("photo", "image", np.zeros((256, 256, 3))),))
        with pytest.raises(GradebookError, match="cannot write the gradebook"):
            book.record_run(sid, big, RUN)
    with Gradebook(path) as book:
        assert [s.result.score for s in book.results("lab01-tensors") if s.result] == [1]


def test_runs_that_failed_because_of_the_grader_are_graded_again(tmp_path):
    broken = SubmissionResult("/class/ana.ipynb", "ana", "lab01-tensors", "error", 0.0, 2.0,
                              "internal grader error (OSError: [Errno 28] No space left on device)")
    with Gradebook(tmp_path / "g.sqlite") as book:
        sid = book.add_submission(info())
        book.record_run(sid, broken, RUN)
        assert book.needs_grading(sid)
        book.record_run(sid, result(2), RUN)
        assert not book.needs_grading(sid)


def test_an_attempt_handed_in_twice_with_the_same_content_still_counts(tmp_path):
    from datetime import UTC, datetime

    from autograder.batch import record_candidates
    from autograder.model import Candidate, Received, Source

    when = datetime(2026, 11, 1, tzinfo=UTC)
    first, again = (Candidate(tmp_path / f"{n}.ipynb", "ana", None, when, None, Source.CANVAS, "lab.ipynb", att)
                    for n, att in (("a", "01"), ("b", "02")))
    with Gradebook(tmp_path / "g.sqlite") as book:
        ids = record_candidates(book, "lab", [Received(first, "same" * 16), Received(again, "same" * 16)])
        assert ids[first] == ids[again]
        (stored,) = book.results("lab")
    assert stored.submission_id == ids[first] and not stored.superseded


def test_a_file_seen_again_takes_the_lateness_of_its_new_recording(tmp_path):
    """A new due date or policy, or a roster's time, given to a later ``grade`` replaces the stored computation."""
    due = datetime(2026, 11, 1, tzinfo=UTC)
    with Gradebook(tmp_path / "g.sqlite") as book:
        first = book.add_submission(info(lateness=assess(due, None, None, parse_late_policy("none"))))
        later = assess(due, due + timedelta(days=2), None, parse_late_policy("10%/day"), time_source="the roster")
        assert book.add_submission(info(submitted_at=due + timedelta(days=2), lateness=later)) == first
        (stored,) = book.results("lab01-tensors")
    assert stored.info.lateness == later and stored.info.submitted_at == due + timedelta(days=2)


def test_the_labs_due_date_and_policy_are_remembered(tmp_path):
    due = datetime(2026, 11, 1, 23, 59, tzinfo=UTC)
    with Gradebook(tmp_path / "g.sqlite") as book:
        assert book.late_settings("lab01-tensors") == (None, "none")
        book.set_late_settings("lab01-tensors", due, "10%/day")
        book.set_late_settings("lab02-slicing-reshaping", None, "5%/hour")
    with Gradebook(tmp_path / "g.sqlite") as book:
        assert book.late_settings("lab01-tensors") == (due, "10%/day")
        book.set_late_settings("lab01-tensors", None, "none")
        assert book.late_settings("lab01-tensors") == (None, "none")
        assert book.late_settings("lab02-slicing-reshaping") == (None, "5%/hour")


def test_a_submission_recorded_before_lateness_was_stored_keeps_its_seconds_and_flag(tmp_path):
    path = tmp_path / "g.sqlite"
    with Gradebook(path) as book:
        late = book.add_submission(info("ana"))
        flagged = book.add_submission(info("ben", late=True))
        book.db.execute("UPDATE submissions SET lateness = NULL, late_seconds = 5400 WHERE id = ?", (late,))
        book.db.execute("UPDATE submissions SET lateness = NULL WHERE id = ?", (flagged,))
        stored = {s.info.student: s.info.lateness for s in book.results("lab01-tensors")}
    assert (stored["ana"].status, stored["ana"].seconds) == (LateStatus.LATE, 5400)
    assert (stored["ben"].status, stored["ben"].units, stored["ben"].percent) == (LateStatus.FLAGGED, 1, 0.0)
