"""Generate a lab's student notebook, public checks and grading bundle from its master notebook.

``otter assign`` does the splitting (solutions out, scaffolds in, tests divided into public and hidden);
this module makes its output reproducible, places it in ``labs/`` and ``dist/``, and tells whether
the committed student files are stale.
"""

from __future__ import annotations

import filecmp
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from otter.test_files import ExceptionTestFile

from autograder.gradescope.package import make_gradescope_zip
from autograder.labs import Course, LabBundle, Question


class BuildError(Exception):
    """otter assign failed; the message carries its last lines of output."""


@dataclass(frozen=True)
class Staleness:
    """Differences between committed student files and a fresh build."""

    lab: str
    changed: tuple[str, ...]

    @property
    def stale(self) -> bool:
        return bool(self.changed)


def _assign(master: Path, out: Path) -> None:
    cmd = [sys.executable, "-m", "otter", "assign", "--no-pdfs", "--no-run-tests", str(master), str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=master.parent)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-8:])
        raise BuildError(f"otter assign failed for {master.name}:\n{tail}")


def _normalise_notebook(path: Path, lab: str) -> None:
    """Stable cell ids and no outputs, so that a rebuild of an unchanged master is byte-identical."""
    nb = nbformat.read(path, as_version=4)
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"{lab}-{index:03d}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def _generate(course: Course, lab: str, out: Path) -> Path:
    """Run otter assign into ``out`` and normalise the student notebook; returns the student folder."""
    _assign(course.master(lab), out)
    student = out / "student"
    _normalise_notebook(student / f"{lab}.ipynb", lab)
    return student


_CHECK_CALL = re.compile(r'grader\.check\("([^"]+)"\)')


def _question_order(solution: Path) -> list[str]:
    """Question names in the order the notebook asks them (so q10 comes after q9, not after q1)."""
    nb = nbformat.read(solution, as_version=4)
    return [m.group(1) for c in nb.cells if c.cell_type == "code" for m in _CHECK_CALL.finditer(c.source)]


def _questions_and_names(tests_dir: Path, order: list[str]) -> tuple[tuple[Question, ...], tuple[str, ...]]:
    questions, names = [], set()
    rank = {name: i for i, name in enumerate(order)}
    for path in sorted(tests_dir.glob("*.py"), key=lambda p: (rank.get(p.stem, len(rank)), p.stem)):
        tf = ExceptionTestFile.from_file(str(path))
        questions.append(Question(tf.name, float(sum(tc.points or 0 for tc in tf.test_cases))))
        for tc in tf.test_cases:
            names.update(tc.body._get_func_params())
    if "env" in names:
        return tuple(questions), ("*",)
    return tuple(questions), tuple(sorted(names))


_KERAS_IMPORT = re.compile(r"^\s*(import|from)\s+(keras|tensorflow)\b", re.MULTILINE)


def _preload(solution: Path) -> tuple[str, ...]:
    """``keras`` when the lab's solution imports Keras or TensorFlow: the runner then seeds it."""
    nb = nbformat.read(solution, as_version=4)
    uses_keras = any(c.cell_type == "code" and _KERAS_IMPORT.search(c.source) for c in nb.cells)
    return ("keras",) if uses_keras else ()


def _replace_dir(src: Path, dst: Path) -> None:
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)


def _version(course: Course, lab: str) -> str:
    """Hash of the master notebook and the lab's support modules: a change to either rebuilds the bundle."""
    digest = hashlib.sha256(course.master(lab).read_bytes())
    support = course.support_source(lab)
    for module in sorted(support.glob("*.py")) if support.is_dir() else ():
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()[:12]


def _copy_support(src: Path, dst: Path) -> None:
    """The lab's own feedback modules, for its checks only (never part of the student's files)."""
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    for module in sorted(src.glob("*.py")) if src.is_dir() else ():
        shutil.copy2(module, dst / module.name)


def build_lab(course: Course, lab: str, *, student_files: bool = True) -> LabBundle:
    """Write ``dist/LAB/`` (grading bundle) and, unless told not to, ``labs/LAB/`` (student files)."""
    course.master(lab)  # LabNotFound before any work
    with tempfile.TemporaryDirectory(prefix="autograder-build-") as tmp:
        out = Path(tmp) / "out"
        student = _generate(course, lab, out)
        if student_files:
            _replace_dir(student, course.student_dir(lab))
        dist = course.dist_dir(lab)
        dist.mkdir(parents=True, exist_ok=True)
        autograder_dir = out / "autograder"
        _replace_dir(autograder_dir / "tests", dist / "tests")
        _replace_dir(student / "tests", dist / "public_tests")
        _copy_support(course.support_source(lab), dist / "support")
        shutil.copy2(autograder_dir / f"{lab}.ipynb", dist / "solution.ipynb")
        for old in dist.glob("*-autograder*.zip"):
            old.unlink()
        for zip_path in autograder_dir.glob("*-autograder_*.zip"):
            shutil.copy2(zip_path, dist / f"{lab}-autograder.zip")
    questions, names = _questions_and_names(dist / "tests", _question_order(dist / "solution.ipynb"))
    bundle = LabBundle(
        lab=lab,
        version=_version(course, lab),
        questions=questions,
        names=names,
        tests_dir=dist / "tests",
        public_tests_dir=dist / "public_tests",
        preload=_preload(dist / "solution.ipynb"),
    )
    bundle.write(dist / "manifest.json")
    make_gradescope_zip(course, bundle, dist / f"{lab}-gradescope.zip")
    return bundle


def _tree_differences(fresh: Path, committed: Path) -> list[str]:
    if not committed.is_dir():
        return [f"{committed.name}/ (missing)"]
    cmp = filecmp.dircmp(fresh, committed)
    changed: list[str] = []

    def walk(d: filecmp.dircmp, prefix: str) -> None:
        changed.extend(f"{prefix}{n} (missing)" for n in d.left_only)
        changed.extend(f"{prefix}{n} (not generated by the master)" for n in d.right_only)
        _, mismatch, errors = filecmp.cmpfiles(d.left, d.right, d.common_files, shallow=False)
        changed.extend(f"{prefix}{n} (out of date)" for n in mismatch + errors)
        for name, sub in d.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(cmp, f"labs/{committed.name}/")
    return [c for c in changed if "__pycache__" not in c and ".OTTER_LOG" not in c]


def check_lab(course: Course, lab: str) -> Staleness:
    """Compare the committed student files with what the master notebook generates now."""
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as tmp:
        student = _generate(course, lab, Path(tmp) / "out")
        return Staleness(lab, tuple(_tree_differences(student, course.student_dir(lab))))


def bundle_for(course: Course, lab: str) -> LabBundle:
    """The lab's grading bundle, rebuilt first when missing or built from another master notebook.

    Only ``dist/`` is rebuilt: grading never rewrites the committed student files.
    """
    manifest = course.dist_dir(lab) / "manifest.json"
    version = _version(course, lab)
    if manifest.is_file():
        bundle = LabBundle.read(manifest)
        if bundle.version == version and bundle.tests_dir.is_dir():
            return bundle
    return build_lab(course, lab, student_files=False)
