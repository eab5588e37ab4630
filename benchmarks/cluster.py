"""Grading on a Dask cluster on this machine: one worker against two, and the cluster path against local threads.

For each lab, build a synthetic class (``throughput.make_class``), then grade it three ways with the same
sandbox and limits: ``autograder grade --jobs 2`` (threads of one process), and ``autograder grade --scheduler``
on a local cluster of separate ``dask worker`` processes with one thread each, first one worker, then two.
Workers are started before the clock starts (as on a running cluster); shipping the lab and warming each
worker's sandbox are inside the timed command, as they are for every batch. Usage::

    .venv/bin/python benchmarks/cluster.py [--labs lab01-tensors lab05-keras-model] [--size 20]

Prints submissions per minute for each, the scaling from one worker to two, and the cluster path's cost
against threads on the same two cores (seconds per submission).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.cluster.local import LocalProcesses  # noqa: E402
from benchmarks.throughput import Measure, make_class, timed  # noqa: E402


def grade(lab: str, folder: Path, book: Path, *extra: str) -> Measure:
    command = [sys.executable, "-m", "autograder.cli", "grade", lab, str(folder), "--gradebook", str(book), *extra]
    return timed([command], ROOT)


def on_cluster(lab: str, folder: Path, work: Path, workers: int) -> Measure:
    logs = work / f"cluster-{workers}"
    logs.mkdir()
    with LocalProcesses(logs, workers, cwd=ROOT) as cluster:
        return grade(lab, folder, work / f"cluster-{workers}.sqlite", "--scheduler", cluster.address)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labs", nargs="+", default=["lab01-tensors", "lab05-keras-model"])
    parser.add_argument("--size", type=int, default=20)
    args = parser.parse_args()
    print(f"{'lab':22} {'threads x2/min':>15} {'1 worker/min':>13} {'2 workers/min':>14} {'scaling':>8} "
          f"{'cluster cost s/sub':>19}")
    for lab in args.labs:
        work = Path(tempfile.mkdtemp(prefix=f"bench-cluster-{lab}-"))
        folder = work / "class"
        folder.mkdir()
        count = len(make_class(lab, args.size, folder))
        local = grade(lab, folder, work / "local.sqlite", "--jobs", "2")
        one = on_cluster(lab, folder, work, 1)
        two = on_cluster(lab, folder, work, 2)
        local_rate, one_rate, two_rate = (60 * count / m.seconds for m in (local, one, two))
        cost = (two.seconds - local.seconds) / count
        print(f"{lab:22} {local_rate:15.1f} {one_rate:13.1f} {two_rate:14.1f} {two_rate / one_rate:7.2f}x "
              f"{cost:19.2f}", flush=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
