"""Peak memory of grading one submission with the Gradescope entry point, against Gradescope's default limit.

Gradescope gives an autograder container 768 MB unless the assignment's settings ask for more. This builds the
lab's Gradescope zip, lays out a Gradescope-shaped folder with the lab's solution as the submission, runs the
entry point as ``run_autograder`` does and samples the memory of its whole process tree (proportional set size,
so pages shared by forked processes count once; and resident set size, which a container's limit sees) every
0.1 s. Usage::

    .venv/bin/python benchmarks/gradescope_memory.py [--labs lab01-tensors lab05-keras-model]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.build import bundle_for  # noqa: E402
from autograder.gradescope import make_gradescope_zip  # noqa: E402
from autograder.gradescope.run import ROOT_ENV  # noqa: E402
from autograder.labs import Course  # noqa: E402

GRADESCOPE_DEFAULT_MB = 768


def _field_kb(pid: int, path: str, field: str) -> int:
    try:
        with open(f"/proc/{pid}/{path}") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(root_pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def measure(lab: str) -> tuple[float, float, float]:
    """Peak PSS and RSS of the process tree in MiB, and the seconds the entry point took."""
    course = Course(ROOT)
    bundle = bundle_for(course, lab)
    with tempfile.TemporaryDirectory(prefix="gs-memory-") as tmp:
        root = Path(tmp) / "autograder"
        with zipfile.ZipFile(make_gradescope_zip(course, bundle, Path(tmp))) as archive:
            archive.extractall(root / "source")
        (root / "submission").mkdir()
        (root / "results").mkdir()
        shutil.copy(course.dist_dir(lab) / "solution.ipynb", root / "submission" / f"{lab}.ipynb")
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "autograder.gradescope.run"], cwd=root,
                                env={**os.environ, ROOT_ENV: str(root)}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        pss = rss = 0.0
        while proc.poll() is None:
            pids = _tree(proc.pid)
            pss = max(pss, sum(_field_kb(p, "smaps_rollup", "Pss:") for p in pids) / 1024)
            rss = max(rss, sum(_field_kb(p, "status", "VmRSS:") for p in pids) / 1024)
            time.sleep(0.1)
        return pss, rss, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labs", nargs="*", default=Course(ROOT).lab_names())
    labs = parser.parse_args().labs
    header = f"{'lab':28} {'peak PSS MiB':>12} {'peak RSS MiB':>12} {'seconds':>8}"
    print(f"{header}  vs Gradescope's {GRADESCOPE_DEFAULT_MB} MB")
    for lab in labs:
        pss, rss, seconds = measure(lab)
        verdict = "fits" if pss * 1.048576 < GRADESCOPE_DEFAULT_MB else "raise the limit"
        print(f"{lab:28} {pss:12.0f} {rss:12.0f} {seconds:8.1f}  {verdict}")


if __name__ == "__main__":
    main()
