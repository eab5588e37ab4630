"""nbgrader's ``autograde`` on our class: the side-by-side of issue "Grading cost close to the student's own code".

``benchmarks/throughput.py`` calls, per lab::

    python = ensure_nbgrader(home)                     # once: a venv of its own with nbgrader and the labs' libraries
    course = nbgrader_course(lab, submissions, work)   # an nbgrader course: source, gradebook, submitted/
    seconds, count = run_autograde(python, course, lab)

What nbgrader runs: the student notebook ``labs/LAB/LAB.ipynb`` in nbgrader's format. Each answer cell is an
nbgrader "solution" cell (the master's solution between ``### BEGIN SOLUTION`` markers in the source); each
``grader.check("qN")`` cell becomes one "autograder tests" cell per check of ``dist/LAB/tests/qN.py``, worth that
check's points (0 for public checks), holding the check function's own source, decorator included, and calling it
with otter's ``call_func(globals())``; hidden checks sit between ``### BEGIN HIDDEN TESTS`` markers. The checks
are therefore identical to ours: otter-grader 7.0.0 is installed in nbgrader's venv for ``test_case``, and the
course folder holds what the checks import (the lab's library copy ``labs/LAB/autograder``, the support modules
of ``dist/LAB/support``, and ``autograder/check/unseen.py``, which needs only NumPy; outside our pipeline its seed
is fixed at 0 rather than secret per submission). A check whose imports do not resolve there is left out, and
``nbgrader_course`` prints how many. The otter set-up cell, ``grader.check_all()`` and the hand-in cell are dropped
(our grader skips otter's lines too). nbgrader runs each submission's whole notebook in one fresh kernel, then
the checks in that kernel, one submission after another, without a sandbox: the student's code can see and
change the checks, call results are the live objects. Our grader runs the same code in a sandbox forked from a
warm zygote and the same checks in a separate process, on data sent back.

Measured 2026-12-02 with nbgrader 0.9.6 (otter-grader 7.0.0, Python 3.11): lab01-tensors, the first 3 submissions
of ``make_class`` (all correct, each scored 14/14), 18 of 18 checks: 30.2 s and 34.1 s in two runs, so 10.1-11.4 s
per submission (5.3-6.0 per minute), on 2 cores kept busy by a CI run (load 4, run at nice 5): a little high.
About 5 s of it is nbgrader's fixed start (``autograde`` matching no submission took 5.2 s), the rest, about 8.5 s
per notebook, a fresh kernel, the lab's imports, its cells and the checks.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autograder.notebooks import answer_cells  # noqa: E402

NBGRADER = "nbgrader==0.9.6"
OTTER = "otter-grader==7.0.0"
DEFAULT_HOME = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tensor-labs-bench"
CELL_TIMEOUT = 600
"""Seconds per cell before nbgrader interrupts it (nbgrader's default, 30, is short for lab05's training)."""

_CHECK_CALL = re.compile(r'grader\.check\("([^"]+)"\)')
_DROPPED = re.compile(r"otter\.Notebook\(|grader\.check_all\(|export_notebook\(")
_OTTER_MARKERS = re.compile(r'^""" # BEGIN PROMPT\n.*?# END PROMPT\n|^\s*# (BEGIN|END) SOLUTION.*\n?| # SOLUTION$',
                            re.DOTALL | re.MULTILINE)
_OFFLINE = re.compile(r"NewConnectionError|Max retries exceeded|Name or service not known|Temporary failure in name "
                      r"resolution|Network is unreachable|ConnectTimeout|ProxyError|from versions: none")
_PROBE = """
import json, sys
folder = sys.argv[1]
sys.path.insert(0, folder)
errors = {}
for key, statements in json.load(sys.stdin).items():
    try:
        for statement in statements:
            exec(statement, {})
    except Exception as exc:
        errors[key] = f"{type(exc).__name__}: {exc}"
for name in sys.argv[2:]:
    module = sys.modules.get(name)
    if module is not None and not str(getattr(module, "__file__", "")).startswith(folder):
        raise SystemExit(f"{name} was imported from {module.__file__}, not from the course folder")
print(json.dumps(errors))
"""


def _requirements() -> str:
    """nbgrader, the labs' requirements (their pins) without otter-grader, then otter-grader for the checks."""
    lines = [line.split("#")[0].strip() for line in (ROOT / "labs" / "requirements.txt").read_text().splitlines()]
    labs = [line for line in lines if line and not line.startswith("otter-grader")]
    return "\n".join([NBGRADER, *labs, OTTER]) + "\n"


def _pip(python: Path, log: Path, *args: str) -> None:
    with log.open("ab") as out:
        done = subprocess.run([str(python), "-m", "pip", *args], stdout=out, stderr=subprocess.STDOUT)
    if done.returncode:
        text = log.read_text(errors="replace")
        if _OFFLINE.search(text):
            raise SystemExit(f"nbgrader venv: pip cannot reach a package index (pip {' '.join(args)}); see {log}")
        last = text.strip().splitlines()[-1:] or ["no output"]
        raise SystemExit(f"nbgrader venv: pip {' '.join(args)} failed ({last[0]}); see {log}")


def _version(python: Path) -> str:
    command = [str(python), "-c", "import nbgrader; print(nbgrader.__version__)"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def ensure_nbgrader(home: Path = DEFAULT_HOME) -> Path:
    """The python of a venv under ``home`` with nbgrader and the labs' libraries, made once per requirements."""
    venv = home / "nbgrader-venv"
    python = venv / "bin" / "python"
    requirements = _requirements()
    key = hashlib.sha256(f"{sys.version_info[:2]}\n{requirements}".encode()).hexdigest()
    stamp = venv / ".bench-stamp"
    if python.is_file() and stamp.is_file() and stamp.read_text().strip() == key:
        print(f"nbgrader venv: up to date at {venv} (nbgrader {_version(python)})", flush=True)
        return python
    print(f"nbgrader venv: creating {venv}", flush=True)
    home.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    (venv / "requirements.txt").write_text(requirements)
    log = venv / "pip.log"
    print(f"nbgrader venv: installing {NBGRADER}, {OTTER} and labs/requirements.txt (minutes the first time; "
          f"log: {log})", flush=True)
    _pip(python, log, "install", "-r", str(venv / "requirements.txt"))
    stamp.write_text(key + "\n")
    print(f"nbgrader venv: ready at {venv} (nbgrader {_version(python)})", flush=True)
    return python


@dataclass(frozen=True)
class Check:
    """One ``@test_case`` function of an otter test file."""

    question: str
    name: str
    points: float
    hidden: bool
    source: str
    imports: tuple[str, ...]

    def cell(self, student: bool) -> str:
        """The autograder-tests cell; a student's copy lacks hidden checks, as ``generate_assignment`` makes it."""
        kind = "hidden" if self.hidden else "public"
        head = f"# {self.question} {self.name}, {kind}, points: {self.points:g} (tests/{self.question}.py as is)"
        body = f"from otter.test_files import test_case\n\n{self.source}\n\n{self.name}.call_func(globals())"
        if self.hidden:
            body = "" if student else f"### BEGIN HIDDEN TESTS\n{body}\n### END HIDDEN TESTS"
        return f"{head}\n{body}".rstrip()


def _checks(tests: Path) -> list[Check]:
    """Every check of the lab's test files, question by question."""
    found = []
    for path in sorted(tests.glob("q*.py"), key=lambda p: int(p.stem[1:])):
        text = path.read_text()
        lines = text.splitlines()
        for node in ast.parse(text).body:
            decorators = [d for d in getattr(node, "decorator_list", []) if isinstance(d, ast.Call)
                          and getattr(d.func, "id", "") == "test_case"]
            if not decorators:
                continue
            options = {k.arg: ast.literal_eval(k.value) for k in decorators[0].keywords}
            imports = tuple(ast.unparse(n) for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom))
            source = "\n".join(lines[decorators[0].lineno - 1: node.end_lineno])
            found.append(Check(path.stem, node.name, float(options.get("points") or 0), bool(options.get("hidden")),
                               source, imports))
    return found


def _runnable(python: Path, checks: list[Check], folder: Path) -> tuple[list[Check], dict[str, str]]:
    """The checks whose imports resolve in nbgrader's venv and course folder, and why the others do not."""
    local = ["autograder", *(p.stem for p in folder.glob("*.py"))]
    statements = {c.name: list(c.imports) for c in checks}
    done = subprocess.run([str(python), "-c", _PROBE, str(folder), *local], input=json.dumps(statements), cwd=folder,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"nbgrader course: probing the checks' imports failed: {done.stderr.strip()[-500:]}")
    errors = json.loads(done.stdout.strip().splitlines()[-1])
    return [c for c in checks if c.name not in errors], errors


def _nbgrader_cell(source: str, grade_id: str, points: float | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": points is not None, "grade_id": grade_id, "locked": points is not None,
                                 "schema_version": 3, "solution": points is None, "task": False}
    if points is not None:
        cell.metadata["nbgrader"]["points"] = points
    return cell


def _to_nbgrader(nb: nbformat.NotebookNode, checks: list[Check], answers: dict[str, str] | None,
                 lab: str) -> nbformat.NotebookNode:
    """An otter-layout student notebook in nbgrader's layout: the source notebook with ``answers``, else a
    submission (the student's own answer cells and any cells they added)."""
    out = nbformat.v4.new_notebook(metadata={"kernelspec": nb.metadata.get("kernelspec", {}),
                                             "language_info": nb.metadata.get("language_info", {})})
    pending = None
    for cell in nb.cells:
        if cell.cell_type == "code" and _DROPPED.search(cell.source):
            continue
        match = _CHECK_CALL.search(cell.source) if cell.cell_type == "code" else None
        if match:
            question = match.group(1)
            if pending is None:
                raise SystemExit(f"{lab}: no answer cell before grader.check({question!r})")
            mine = out.cells[pending].source
            source = f"### BEGIN SOLUTION\n{answers[question]}\n### END SOLUTION" if answers else mine
            out.cells[pending] = _nbgrader_cell(source, f"{question}-answer")
            out.cells.extend(_nbgrader_cell(c.cell(answers is None), f"{question}-{c.name}", c.points)
                             for c in checks if c.question == question)
            pending = None
            continue
        copied = nbformat.from_dict(cell)
        copied.metadata = {}
        out.cells.append(copied)
        if "otter_answer_cell" in cell.metadata.get("tags", []):
            pending = len(out.cells) - 1
    return out


def nbgrader_course(lab: str, submissions: list[Path], work: Path, python: Path | None = None) -> Path:
    """An nbgrader course in ``work`` for ``lab``: its assignment generated, each submission (named after its
    file's stem) in ``submitted/``; ``python`` is nbgrader's (``ensure_nbgrader()``'s when not given)."""
    python = python or ensure_nbgrader()
    course = (work / f"nbgrader-{lab}").absolute()
    shutil.rmtree(course, ignore_errors=True)
    source = course / "source" / lab
    shutil.copytree(ROOT / "labs" / lab / "autograder", source / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (source / "autograder" / "check").mkdir(exist_ok=True)
    (source / "autograder" / "check" / "__init__.py").write_text('"""unseen.py only, copied for nbgrader."""\n')
    shutil.copy(ROOT / "autograder" / "check" / "unseen.py", source / "autograder" / "check")
    for support in (ROOT / "dist" / lab / "support").glob("*.py"):
        shutil.copy(support, source)
    checks, errors = _runnable(python, _checks(ROOT / "dist" / lab / "tests"), source)
    # nbgrader runs these checks only; the left-out ones need our pipeline (listed, never silently dropped).
    left_out = "".join(f"\n    left out {name}: {why}" for name, why in errors.items())
    print(f"nbgrader course {lab}: {len(checks)} of {len(checks) + len(errors)} checks run under nbgrader "
          f"({sum(c.hidden for c in checks)} hidden, {len(errors)} left out){left_out}", flush=True)
    solution = nbformat.read(ROOT / "dist" / lab / "solution.ipynb", as_version=4)
    answers = {q: _OTTER_MARKERS.sub("", solution.cells[i].source).strip() for q, i in answer_cells(solution).items()}
    blank = nbformat.read(ROOT / "labs" / lab / f"{lab}.ipynb", as_version=4)
    nbformat.write(_to_nbgrader(blank, checks, answers, lab), source / f"{lab}.ipynb")
    for path in submissions:
        folder = course / "submitted" / path.stem / lab
        folder.mkdir(parents=True)
        student = _to_nbgrader(nbformat.read(path, as_version=4), checks, None, lab)
        nbformat.write(student, folder / f"{lab}.ipynb")
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()  # noqa: F821\nc.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.course_id = 'tensor-labs-bench'\nc.Execute.timeout = {CELL_TIMEOUT}\n"
        # nbgrader ignores folders named "feedback" by default, and would drop the checks' autograder/feedback
        "c.CourseDirectory.ignore = ['.ipynb_checkpoints', '*.pyc', '__pycache__']\n")
    _nbgrader(python, course, "generate_assignment", lab, "--force")
    return course


def _env(python: Path, course: Path) -> dict[str, str]:
    """The venv as if activated (nbgrader runs ``alembic`` from ``PATH``), Jupyter's user config and kernels kept
    inside the course (none of ``~/.jupyter``)."""
    return {**os.environ, "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "VIRTUAL_ENV": str(python.parent.parent), "JUPYTER_CONFIG_DIR": str(course / ".jupyter"),
            "JUPYTER_DATA_DIR": str(course / ".jupyter-data")}


def _nbgrader(python: Path, course: Path, *args: str) -> None:
    log = course / f"{args[0]}.log"
    with log.open("wb") as out:
        done = subprocess.run([str(python.with_name("nbgrader")), *args], cwd=course, env=_env(python, course),
                              stdout=out, stderr=subprocess.STDOUT)
    if done.returncode:
        raise SystemExit(f"nbgrader {' '.join(args)} failed (exit {done.returncode}); see {log}")


def _autograded(path: Path) -> bool:
    """The notebook exists and nbgrader executed every one of its test cells, each finding the modules it imports."""
    if not path.is_file():
        return False
    tests = [c for c in nbformat.read(path, as_version=4).cells if c.metadata.get("nbgrader", {}).get("grade")]
    unimported = [c for c in tests for out in c.get("outputs", []) if out.get("ename") == "ModuleNotFoundError"]
    return bool(tests) and not unimported and all(c.get("execution_count") is not None for c in tests)


def run_autograde(python: Path, course: Path, lab: str) -> tuple[float, int]:
    """Wall time of ``nbgrader autograde LAB`` over the whole class (serial, no sandbox), and how many it graded."""
    students = sorted(p.name for p in (course / "submitted").iterdir() if (p / lab / f"{lab}.ipynb").is_file())
    command = [str(python), "-c", "from jupyter_client.kernelspec import KernelSpecManager as K; "
               "print(K().get_kernel_spec('python3').argv[0])"]
    done = subprocess.run(command, env=_env(python, course), capture_output=True, text=True, check=True)
    kernel = done.stdout.strip()
    # jupyter_client runs a kernel spec's bare "python" as its own interpreter: nbgrader's, the venv's
    if kernel not in {"python", "python3"} and Path(kernel) != python:
        raise SystemExit(f"nbgrader's python3 kernel runs {kernel}, not {python}: the comparison would be unfair")
    started = time.monotonic()
    _nbgrader(python, course, "autograde", lab, "--force")
    seconds = time.monotonic() - started
    missing = [s for s in students if not _autograded(course / "autograded" / s / lab / f"{lab}.ipynb")]
    if missing or not students:
        raise SystemExit(f"nbgrader autograde left no executed notebook for {', '.join(missing) or 'any student'}: "
                         f"the comparison would be unfair; see {course / 'autograde.log'}")
    return seconds, len(students)
