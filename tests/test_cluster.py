"""Grading on a real Dask cluster: a scheduler and two one-thread workers as separate processes on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder.batch import BatchOptions, grade_batch
from autograder.cluster import ClusterGrading
from autograder.cluster.local import LocalProcesses
from autograder.intake import file_candidate, receive
from autograder.intake.lms import discover
from autograder.model import Limits, Status
from autograder.record.gradebook import Gradebook
from tests.cluster_plugins import POISON, PoisonPlugin
from tests.conftest import stored_runs

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
LIMITS = Limits(timeout=8, grace=4)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalProcesses]:
    """Two workers whose scheduler gives up on a task after two worker deaths (Dask's default is four)."""
    env = {"PYTHONPATH": str(ROOT), "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
    with LocalProcesses(tmp_path_factory.mktemp("cluster"), 2, env=env, cwd=ROOT) as running:
        yield running


def a_class(folder: Path, size: int, lab: str = "lab01-tensors") -> Path:
    """``size`` submissions of the lab's example class, each file made distinct (its own hash)."""
    folder.mkdir()
    sources = sorted(p for p in (ROOT / "examples" / lab).glob("*.ipynb") if p.stem != "finn")
    for i in range(size):
        text = sources[i % len(sources)].read_text()
        (folder / f"student{i:02d}.ipynb").write_text(text + " " * i)
    return folder


def graded(bundle, folder: Path, book_path: Path, options: BatchOptions, on_result=lambda r: None):
    candidates = discover([folder], folder.parent / "extracted", bundle.lab)
    with Gradebook(book_path) as book:
        grade_batch(bundle, book, candidates, options, on_result=on_result)
        return {s.info.student: s.result for s in book.results(bundle.lab)}, book.run_counts(bundle.lab)


def outcome(result) -> tuple:
    """Everything that is decided about a submission, without the printed output (progress bars carry times)."""
    return result.status, result.score, result.message, result.questions


@pytest.mark.parametrize("lab", ["lab01-tensors", "lab05-keras-model"])
def test_cluster_grading_gives_the_same_results_as_local_grading(bundles, cluster, tmp_path, lab):
    bundle = bundles(lab)
    folder = tmp_path / "class"
    folder.mkdir()
    for path in (ROOT / "examples" / lab).iterdir():
        shutil.copy(path, folder / path.name)
    local, _ = graded(bundle, folder, tmp_path / "local.sqlite", BatchOptions(jobs=2, limits=LIMITS))
    remote, runs = graded(bundle, folder, tmp_path / "cluster.sqlite",
                          BatchOptions(limits=LIMITS, scheduler=cluster.address))
    assert set(remote) == set(local)
    assert sorted(runs.values()) == [1] * len(local)
    for student, result in local.items():
        assert outcome(remote[student]) == outcome(result), student
    assert any(r.artifacts for r in remote.values()) == any(r.artifacts for r in local.values())
    with Gradebook(tmp_path / "cluster.sqlite") as book:
        assert book.batches(lab)[-1]["jobs"] == 2


def test_a_worker_killed_mid_batch_loses_nothing_and_grades_nothing_twice(lab01, cluster, tmp_path):
    folder = a_class(tmp_path / "class", 8)
    victim = next(iter(cluster.worker_pids().values()))
    seen: list[str] = []

    def kill_after_the_first(result) -> None:
        seen.append(result.student)
        if len(seen) == 1:
            os.kill(victim, signal.SIGKILL)

    results, runs = graded(lab01, folder, tmp_path / "g.sqlite", BatchOptions(limits=LIMITS,
                                                                           scheduler=cluster.address),
                           on_result=kill_after_the_first)
    assert len(seen) == len(set(seen)) == 8
    assert sorted(runs.values()) == [1] * 8
    local, _ = graded(lab01, folder, tmp_path / "local.sqlite", BatchOptions(jobs=2, limits=LIMITS))
    assert {s: outcome(r) for s, r in results.items()} == {s: outcome(r) for s, r in local.items()}
    assert victim not in cluster.worker_pids().values(), "the nanny should have started a new worker"


def test_a_submission_that_kills_its_workers_is_recorded_as_an_error_after_few_tries(lab01, make_submission,
                                                                                   cluster, tmp_path):
    received = [receive(file_candidate(make_submission(name, solved="all"), lab01.lab), lab01.lab)
                for name in (POISON, "honest")]
    with ClusterGrading(cluster.address, lab01, LIMITS, plugin_type=PoisonPlugin) as grading:
        outcomes = {r.candidate.student: result for r, result, _ in grading.grade((r, r) for r in received)}
        assert grading.allowed_failures == 1
    assert outcomes["honest"].status == Status.GRADED and outcomes["honest"].score == lab01.max_score
    assert outcomes[POISON].status == Status.ERROR
    assert "each of the 2 workers grading this submission died" in outcomes[POISON].message
    assert "internal" not in outcomes[POISON].message


def test_killing_the_coordinator_then_rerunning_grades_only_what_has_no_result(cluster, tmp_path):
    folder = a_class(tmp_path / "class", 10)
    book = tmp_path / "g.sqlite"
    args = [sys.executable, "-m", "autograder.cli", "grade", "lab01-tensors", str(folder), "--gradebook", str(book),
            "--timeout", "8", "--scheduler", cluster.address]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and stored_runs(book) < 3:
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = stored_runs(book)
    assert 3 <= done_before < 10, "the kill should land in the middle of the batch"
    rerun = subprocess.run([*args, "--json"], capture_output=True, text=True, cwd=ROOT)
    assert rerun.returncode == 0, rerun.stderr
    assert f"graded {10 - done_before} submissions" in rerun.stderr.replace("\n", " ")
    with Gradebook(book) as gb:
        assert sorted(gb.run_counts("lab01-tensors").values()) == [1] * 10
