"""Throughput and memory: our batch grader against ``otter run`` called once per submission, and against
nbgrader's serial ``autograde`` on the same class converted to nbgrader's format (``nbgrader_class.py``, in a
virtual environment of its own, made on first use).

For each lab, build a synthetic class (correct, partly wrong, broken and slow submissions), grade it
with ``autograder grade`` (sandbox on, ``--jobs`` workers) and with ``otter run`` in a loop (the route a
user of otter-grader has without Docker), and print submissions per minute for both, their ratio, and
the peak memory per worker (proportional set size, so pages shared by forked processes count once). Usage::

    .venv/bin/python benchmarks/throughput.py [--labs lab01-tensors lab05-keras-model] [--size 40]
        [--otter-sample 12] [--jobs 2] [--no-nbgrader]

``otter run`` and nbgrader are timed on the first ``--otter-sample`` submissions of the same class (same mix) to
keep the run short; their rates are per submission, so the ratios compare like with like. After each lab, the
breakdown of our time per stage, from the gradebook's timings.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.build import bundle_for  # noqa: E402
from autograder.labs import Course  # noqa: E402
from autograder.notebooks import answer_cells, fill_answers  # noqa: E402
from autograder.record.gradebook import Gradebook  # noqa: E402
from autograder.record.summary import timing_report  # noqa: E402
from benchmarks.nbgrader_class import ensure_nbgrader, nbgrader_course, run_autograde  # noqa: E402

KINDS = ("correct", "correct", "correct", "correct", "partial", "partial", "broken", "slow")
"""The class mix: half correct, a quarter partly wrong, one in eight raising, one in eight slow."""


@dataclass(frozen=True)
class Measure:
    seconds: float
    count: int
    peak_mb: float
    cpu_seconds: float = 0.0
    """User and system time of every process the command started (reaped children count)."""

    @property
    def per_minute(self) -> float:
        return 60 * self.count / self.seconds

    @property
    def core_seconds_each(self) -> float:
        return self.cpu_seconds / self.count


def make_class(lab: str, size: int, folder: Path, seed: int = 0) -> list[Path]:
    """Write ``size`` submissions for ``lab`` into ``folder``, cycling through ``KINDS``."""
    course = Course(ROOT)
    bundle_for(course, lab)
    solution = nbformat.read(course.dist_dir(lab) / "solution.ipynb", as_version=4)
    answers = {q: solution.cells[i].source for q, i in answer_cells(solution).items()}
    blank = nbformat.read(course.student_dir(lab) / f"{lab}.ipynb", as_version=4)
    rng = random.Random(seed)
    paths = []
    for n in range(size):
        kind = KINDS[n % len(KINDS)]
        chosen = dict(answers)
        if kind == "partial":
            for q in rng.sample(sorted(chosen), k=max(1, len(chosen) // 3)):
                del chosen[q]
        nb = fill_answers(blank, chosen)
        if kind == "broken":
            nb.cells.insert(len(nb.cells) // 2, nbformat.v4.new_code_cell("raise RuntimeError('oops')"))
        if kind == "slow":
            nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(3)"))
        path = folder / f"student{n:03d}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def _pss_bytes(pid: int) -> int:
    """Proportional set size: shared pages (a forked child's, say) are split between their users."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_memory_mb(root_pid: int) -> float:
    """Memory of a process and all its descendants (PSS, so forked pages are not counted twice), in MiB."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += _pss_bytes(pid)
        stack.extend(children.get(pid, []))
    return total / 2**20


def _watch(proc: subprocess.Popen[bytes]) -> float:
    """Wait for ``proc``, sampling its process tree's memory; the peak in MiB."""
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_memory_mb(proc.pid))
        time.sleep(0.1)
    return peak


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(commands: list[list[str]], cwd: Path) -> Measure:
    """Run commands one after another; wall time, CPU time and the peak memory of any one command's process tree."""
    peak = 0.0
    started, cpu = time.monotonic(), _children_cpu()
    for command in commands:
        proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak = max(peak, _watch(proc))
    return Measure(time.monotonic() - started, len(commands), peak, _children_cpu() - cpu)


def ours(lab: str, folder: Path, jobs: int, work: Path) -> Measure:
    book = work / f"{lab}.sqlite"
    command = [sys.executable, "-m", "autograder.cli", "grade", lab, str(folder), "--jobs", str(jobs),
               "--gradebook", str(book), "--json"]
    measure = timed([command], ROOT)
    count = len(list(folder.glob("*.ipynb")))
    with sqlite3.connect(book) as db:
        (graded,) = db.execute("SELECT COUNT(*) FROM runs").fetchone()
    if graded != count:
        raise SystemExit(f"our grader stored {graded} results for {count} submissions")
    return Measure(measure.seconds, count, measure.peak_mb / jobs, measure.cpu_seconds)


def breakdown(lab: str, book: Path, mine: Measure) -> str:
    """Where our time went, from the gradebook's per-stage timings: mean ms per submission, and the overhead in
    core-seconds beyond the student's own cells."""
    with Gradebook(book) as gradebook:
        report = timing_report(gradebook.results(lab), gradebook.batches(lab))
    stages = {s.stage: s for s in report.stages}
    own = stages["cells"].total / mine.count if "cells" in stages else 0.0
    lines = [f"  {s.stage:16} {1000 * s.mean:9.1f} ms mean {1000 * s.median:9.1f} ms median {100 * s.share:4.0f}%"
             for s in report.stages]
    lines.append(f"  {mine.core_seconds_each:.2f} core-s per submission, of which the student's cells {own:.2f} s: "
                 f"overhead {mine.core_seconds_each - own:.2f} core-s; {report.check_rounds:.1f} check rounds")
    return "\n".join(lines)


def otter_autograder_zip(lab: str, work: Path) -> Path:
    """otter's own autograder zip for the lab, made by ``otter assign`` (``autograder build`` no longer ships it)."""
    master = Course(ROOT).master(lab)
    out = work / "otter-assign"
    cmd = [sys.executable, "-m", "otter", "assign", "--no-pdfs", "--no-run-tests", str(master), str(out)]
    subprocess.run(cmd, cwd=master.parent, check=True, capture_output=True)
    (found,) = (out / "autograder").glob("*-autograder_*.zip")
    return found


def otter(lab: str, paths: list[Path], work: Path) -> Measure:
    autograder_zip = otter_autograder_zip(lab, work)
    otter_bin = Path(sys.executable).with_name("otter")
    outputs = [work / f"otter-{p.stem}" for p in paths]
    for out in outputs:
        out.mkdir()
    commands = [[str(otter_bin), "run", "-a", str(autograder_zip), "-o", str(out), str(p)]
                for p, out in zip(paths, outputs, strict=True)]
    measure = timed(commands, work)
    missing = [p.name for p, out in zip(paths, outputs, strict=True) if not (out / "results.json").is_file()]
    if missing:
        raise SystemExit(f"otter run produced no results for {', '.join(missing)}: the comparison would be unfair")
    return measure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labs", nargs="+", default=["lab01-tensors", "lab02-slicing-reshaping", "lab05-keras-model"])
    parser.add_argument("--size", type=int, default=40)
    parser.add_argument("--otter-sample", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-nbgrader", dest="nbgrader", action="store_false", help="Skip nbgrader's autograde.")
    args = parser.parse_args()
    python = ensure_nbgrader() if args.nbgrader else None
    print(f"{'lab':26} {'ours/min':>9} {'otter/min':>10} {'ratio':>6} {'nbgrader/min':>13} {'ratio':>6} "
          f"{'MB/worker':>10} {'otter MB':>9}")
    for lab in args.labs:
        work = Path(tempfile.mkdtemp(prefix=f"bench-{lab}-"))
        folder = work / "class"
        folder.mkdir()
        paths = make_class(lab, args.size, folder)
        sample = work / "sample"
        sample.mkdir()
        sampled = [Path(shutil.copy(p, sample / p.name)) for p in paths[: args.otter_sample]]
        mine = ours(lab, folder, args.jobs, work)
        theirs = otter(lab, sampled, work)
        ratio = mine.per_minute / theirs.per_minute
        nb_rate, nb_ratio = "-", "-"
        if python is not None:
            seconds, count = run_autograde(python, nbgrader_course(lab, sampled, work, python), lab)
            nb_rate, nb_ratio = f"{60 * count / seconds:.1f}", f"{mine.per_minute / (60 * count / seconds):.1f}x"
        print(f"{lab:26} {mine.per_minute:9.1f} {theirs.per_minute:10.1f} {ratio:5.1f}x {nb_rate:>13} {nb_ratio:>6} "
              f"{mine.peak_mb:10.0f} {theirs.peak_mb:9.0f}", flush=True)
        print(breakdown(lab, work / f"{lab}.sqlite", mine), flush=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
