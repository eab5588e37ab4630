"""Per-stage timings: measured for every graded submission, stored with its run, summarised by status --timings."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from autograder.batch import BatchOptions, grade_batch
from autograder.execute.session import run_timings
from autograder.intake.lms import discover
from autograder.model import RunInfo, Stage, Status, StoredResult, SubmissionInfo, SubmissionResult
from autograder.record.gradebook import Gradebook
from autograder.record.summary import timing_report
from tests.conftest import FAST_LIMITS, ROOT

NOW = datetime(2026, 12, 2, tzinfo=UTC)
RUNNER = (Stage.SETUP, Stage.CELLS, Stage.EXPORT)


def test_the_runners_own_stages_are_kept_and_the_round_trip_gives_the_rest() -> None:
    timings = run_timings({"runner setup": 0.1, "cells": 0.5, "values export": 0.1}, 1.0)
    assert timings == pytest.approx({"runner setup": 0.1, "cells": 0.5, "values export": 0.1, "values transfer": 0.3})


@pytest.mark.parametrize("inside", [{"cells": -1.0}, {"cells": 5.0}, {"cells": "0.1"},
                                    {"cells": 0.6, "runner setup": 0.6}, {"cells": float("nan")}, {}])
def test_numbers_from_the_sandbox_that_cannot_be_true_are_dropped(inside: dict) -> None:
    """The runner shares its process with student code: its numbers are diagnostics, never trusted further."""
    timings = run_timings(inside, 1.0)
    assert set(timings) <= {str(s) for s in (*RUNNER, Stage.TRANSFER)} and timings[Stage.TRANSFER] >= 0
    assert sum(timings.values()) == pytest.approx(1.0)


def stored(number: int, timings: dict[str, float]) -> StoredResult:
    info = SubmissionInfo("lab01-tensors", f"s{number}", f"/s{number}.ipynb", f"{number:064x}")
    result = SubmissionResult(info.path, info.student, info.lab, Status.GRADED, 1.0, 2.0, "", timings=timings)
    return StoredResult(number, info, False, result, NOW, number)


def test_the_report_gives_each_stage_its_statistics_and_share() -> None:
    runs = [stored(n, {"intake": 0.01, "cells": c, "checks": 0.2, "check round 1": 0.05}) for n, c in
            enumerate((0.1, 0.2, 0.3, 0.4), start=1)]
    runs.append(stored(9, {}))  # a run from before timings were stored
    batches = [{"wall": 6.0, "jobs": 2, "submissions": 5, "graded": 4, "record": 0.08}]
    report = timing_report(runs, batches)
    by_stage = {s.stage: s for s in report.stages}
    assert [s.stage for s in report.stages] == ["intake", "cells", "checks", "gradebook write"]
    cells = by_stage["cells"]
    assert (cells.runs, cells.median, cells.p95, cells.total) == (4, pytest.approx(0.25), 0.4, pytest.approx(1.0))
    assert by_stage["gradebook write"].mean == pytest.approx(0.02)
    assert sum(s.share for s in report.stages) == pytest.approx(1.0)
    assert (report.runs, report.check_rounds) == (4, 2.0)
    assert report.last_batch == {"wall": 6.0, "jobs": 2.0, "submissions": 5.0, "graded": 4.0, "per_minute": 40.0}


def test_timings_and_batches_round_trip_through_the_gradebook(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "g.sqlite") as book:
        info = SubmissionInfo("lab01-tensors", "ana", "/ana.ipynb", "1" * 64)
        result = SubmissionResult(info.path, "ana", info.lab, Status.GRADED, 1.0, 2.0, "", timings={"cells": 0.5})
        book.record_run(book.add_submission(info), result, RunInfo("v", "0", NOW, NOW, {}))
        book.record_batch("lab01-tensors", NOW, 3.5, 2, 1, 1, 0.004)
    with Gradebook(tmp_path / "g.sqlite") as book:
        (entry,) = book.results("lab01-tensors")
        (batch,) = book.batches("lab01-tensors")
    assert entry.result.timings == {"cells": 0.5}
    assert (batch["wall"], batch["jobs"], batch["graded"], batch["record"]) == (3.5, 2, 1, 0.004)


@pytest.mark.slow
def test_every_graded_submission_carries_its_stages_and_status_prints_them(lab01, make_submission, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name, solved in (("full", "all"), ("none", [])):
        make_submission(name, solved=solved).rename(folder / f"{name}.ipynb")
    (folder / "junk.ipynb").write_text("not a notebook")
    book_path = tmp_path / "g.sqlite"
    with Gradebook(book_path) as book:
        candidates = discover([folder], tmp_path / "x", lab01.lab)
        grade_batch(lab01, book, candidates, BatchOptions(jobs=2, limits=FAST_LIMITS))
        results = {s.info.student: s.result for s in book.results(lab01.lab)}
        (batch,) = book.batches(lab01.lab)
    for student in ("full", "none"):
        timings = results[student].timings
        expected = {Stage.INTAKE, Stage.SANDBOX, *RUNNER, Stage.TRANSFER, Stage.CHECKS, Stage.PROBES}
        assert expected <= set(timings) and all(v >= 0 for v in timings.values()), timings
        assert sum(v for k, v in timings.items() if k not in (Stage.INTAKE,) and not k.startswith("check round")) \
            <= results[student].duration + 0.05
    assert set(results["junk"].timings) == {Stage.INTAKE}, "a file that never ran has only its intake"
    assert (batch["submissions"], batch["graded"], batch["jobs"]) == (3, 3, 2) and batch["record"] > 0
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "status", lab01.lab, "--timings", "--gradebook",
                           str(book_path)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    for stage in ("sandbox start", "cells", "checks", "probe calls", "gradebook write"):
        assert stage in done.stdout
    assert "last grade: 3 of 3 submissions graded in" in done.stdout
