"""The student's environment: each lab folder's copy of the checks' library, check messages without otter's source
line, the hand-in zip, and (slow) every lab's solution passing its public checks in a clean virtual environment
that has only ``labs/requirements.txt`` installed."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from otter.test_files import exception_test

from autograder import student
from autograder.build import PACKAGE_DIR, VENDORED_INIT, vendored_modules
from autograder.grade import grade_submission
from autograder.intake import notebook_lab, read_notebook, receive
from autograder.intake.lms import discover, latest_per_student
from autograder.model import CellStatus
from tests.conftest import FAST_LIMITS

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted(p for p in (ROOT / "labs").iterdir() if (p / "tests").is_dir())
REQUIREMENTS = ROOT / "labs" / "requirements.txt"
NOW = datetime(2026, 12, 1, 15, 30, 0, 123456)

_IN_THE_LAB_FOLDERS = r"""
import ast, importlib, json, sys
from pathlib import Path

sys.dont_write_bytecode = True
given = json.loads(sys.argv[1])
sys.path += given["site"]
repo = Path(given["repo"]).resolve()
from otter.test_files import ExceptionTestFile

seen = {}
for lab in map(Path, given["labs"]):
    for name in [n for n in sys.modules if n.split(".")[0] == "autograder"]:
        del sys.modules[name]
    sys.path.insert(0, str(lab))
    for test in sorted((lab / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(test.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(n.split(".")[0] == "autograder" for n in names):
                exec(compile(ast.Module([node], []), str(test), "exec"), {})
    for path in sorted((lab / "autograder").rglob("*.py")):
        parts = path.relative_to(lab).with_suffix("").parts
        importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    messages = []
    for test in sorted((lab / "tests").glob("*.py")):
        checks = ExceptionTestFile.from_file(str(test))
        checks.run({})
        messages += [r.message for r in checks.test_case_results]
    loaded = {n: m.__file__ for n, m in sys.modules.items() if n.split(".")[0] == "autograder"}
    on_path = [p for p in sys.path if p and Path(p).resolve() == repo]
    seen[lab.name] = {"loaded": loaded, "messages": messages, "repo_on_path": bool(on_path)}
    sys.path.remove(str(lab))
print(json.dumps(seen))
"""


def _site_packages() -> list[str]:
    return sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})


@pytest.fixture(scope="module")
def in_lab_folders() -> dict[str, dict]:
    """Per lab: what importing the public checks' imports and running them on nothing loads and says, in a Python
    whose path is the lab folder, the standard library and site-packages (no repository, no editable install)."""
    given = {"labs": [str(lab.resolve()) for lab in LABS], "site": _site_packages(), "repo": str(ROOT)}
    env = {"PATH": os.environ.get("PATH", ""), "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", _IN_THE_LAB_FOLDERS, json.dumps(given)],
                          capture_output=True, text=True, cwd=ROOT / "labs", env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


def test_every_import_of_the_public_checks_resolves_inside_the_lab_folder(in_lab_folders):
    for lab, seen in in_lab_folders.items():
        folder = (ROOT / "labs" / lab).resolve()
        outside = {n: f for n, f in seen["loaded"].items() if not Path(f).resolve().is_relative_to(folder)}
        assert not outside and not seen["repo_on_path"], f"{lab} imports from outside its folder: {outside}"


def test_the_copy_is_exactly_the_closure_of_the_public_checks_imports_byte_for_byte():
    for lab in LABS:
        closure = vendored_modules([p.read_bytes() for p in sorted((lab / "tests").glob("*.py"))])
        copied = {p.relative_to(lab / "autograder") for p in (lab / "autograder").rglob("*.py")}
        assert copied == {Path("__init__.py")} | {p.relative_to(PACKAGE_DIR) for p in closure.values()}, lab.name
        for path in closure.values():
            assert (lab / "autograder" / path.relative_to(PACKAGE_DIR)).read_bytes() == path.read_bytes()
        assert (lab / "autograder" / "__init__.py").read_text() == VENDORED_INIT
        assert not {"check", "execute", "intake", "record", "gradescope"} & {p.parts[0] for p in copied}, lab.name


def test_the_closure_follows_imports_inside_functions_and_relative_imports():
    closure = vendored_modules([b"def test(model):\n    from autograder.feedback.keras import as_record\n"])
    assert {"autograder.inside", "autograder.inside.describe", "autograder.records", "autograder.transport",
            "autograder.feedback.exceptions", "autograder.student"} <= set(closure)
    assert "autograder.inside.runner" not in closure and "autograder" not in closure


def test_failing_public_checks_show_their_own_message_in_the_lab_folder(in_lab_folders):
    for lab, seen in in_lab_folders.items():
        assert seen["messages"], lab
        for message in seen["messages"]:
            body = message.removeprefix("❌ Test case failed\n")
            assert "Error at line" not in message and "def test_" not in message and "expect(" not in message, body
            assert body.strip(), f"{lab}: an empty message"


@pytest.fixture
def stock_otter(monkeypatch):
    """otter's own error message method for this test, whatever was installed before (restored after)."""
    cls = exception_test.ExceptionTestFile
    method = cls.__dict__["_generate_error_message"]
    monkeypatch.setattr(cls, "_generate_error_message", getattr(method, "__wrapped__", method))
    return cls


CHECKS = '''
from otter.test_files import test_case
name = "q1"
@test_case(points=1)
def test_said(best_epoch):
    assert best_epoch == 3, "`best_epoch` is 1, but the validation accuracy peaks later."
@test_case(points=1)
def test_raised(best_epoch):
    {}[best_epoch]
@test_case(points=1)
def test_silent(best_epoch):
    assert best_epoch == 3
'''


def test_the_patch_shows_the_message_alone_and_never_the_checks_source(stock_otter):
    before = stock_otter.from_string(CHECKS, "q1.py")
    before.run({"best_epoch": 1})
    assert "Error at line" in before.test_case_results[0].message
    assert student.install_messages() and student.install_messages()
    after = stock_otter.from_string(CHECKS, "q1.py")
    after.run({"best_epoch": 1})
    said, raised, silent = (r.message.removeprefix("❌ Test case failed\n") for r in after.test_case_results)
    assert said == "`best_epoch` is 1, but the validation accuracy peaks later."
    assert raised == "KeyError: 1"
    assert silent == "This check failed."
    assert "best_epoch ==" not in "".join((said, raised, silent))


def test_an_otter_without_the_method_is_left_alone(monkeypatch):
    class Future:
        pass

    monkeypatch.setattr(exception_test, "ExceptionTestFile", Future)
    assert student.install_messages() is False
    assert not hasattr(Future, "_generate_error_message")


def _notebook(path: Path, lab: str | None = "lab01-tensors", mtime: float | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    if lab:
        nb.metadata["otter"] = {"assignment_name": lab}
    nb.cells = [nbformat.v4.new_code_cell(f"x = {path.stem!r}")]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """A lab folder with two notebooks: the handed-out one, and a newer copy the student saved under a new name."""
    _notebook(tmp_path / "lab01-tensors.ipynb", mtime=1_000)
    _notebook(tmp_path / "my work.ipynb", mtime=2_000)
    return tmp_path


@pytest.mark.parametrize(
    ("namespace", "environ", "picked"),
    [
        ({"__session__": "{folder}/lab01-tensors.ipynb"}, {}, "lab01-tensors.ipynb"),
        ({"__session__": "course/lab01-tensors.ipynb"}, {"JPY_SESSION_NAME": "my work.ipynb"}, "lab01-tensors.ipynb"),
        ({}, {"JPY_SESSION_NAME": "labs/lab01/lab01-tensors.ipynb"}, "lab01-tensors.ipynb"),
        ({"__vsc_ipynb_file__": "{folder}/lab01-tensors.ipynb"}, {}, "lab01-tensors.ipynb"),
        ({"__session__": "gone.ipynb", "__vsc_ipynb_file__": 3}, {"JPY_SESSION_NAME": ""}, "my work.ipynb"),
    ],
)
def test_the_notebook_worked_in_is_found(folder, namespace, environ, picked):
    namespace = {k: v.format(folder=folder) if isinstance(v, str) else v for k, v in namespace.items()}
    path, how = student.find_notebook(folder, namespace, environ)
    assert path == folder / picked
    assert how == ("the most recently saved of the 2 notebooks in this folder" if picked == "my work.ipynb" else "")


def _zips(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.zip"))


def test_export_zips_the_renamed_notebook_and_says_which_it_took(folder, monkeypatch, capsys):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    student.export_notebook(folder, now=lambda: NOW)
    (made,) = _zips(folder)
    assert made.name == "lab01-tensors_handin_2026_12_01T15_30_00_123456.zip"
    with zipfile.ZipFile(made) as z:
        assert z.namelist() == ["my work.ipynb"] and "'my work'" in z.read("my work.ipynb").decode()
    out = capsys.readouterr().out
    assert "my work.ipynb (the most recently saved of the 2 notebooks in this folder)" in out and str(made) in out


def test_export_takes_the_notebook_the_front_end_names(folder, monkeypatch, capsys):
    monkeypatch.setenv("JPY_SESSION_NAME", str(folder / "lab01-tensors.ipynb"))
    student.export_notebook(folder, now=lambda: NOW)
    with zipfile.ZipFile(_zips(folder)[0]) as z:
        assert z.namelist() == ["lab01-tensors.ipynb"]
    assert "(the" not in capsys.readouterr().out


def test_export_names_the_zip_after_the_notebook_without_otter_metadata(tmp_path, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    _notebook(tmp_path / "draft.ipynb", lab=None)
    student.export_notebook(tmp_path, now=lambda: NOW)
    assert [p.name for p in _zips(tmp_path)] == ["draft_handin_2026_12_01T15_30_00_123456.zip"]


def test_export_never_raises(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert student.export_notebook(tmp_path / "sandbox") is None
    assert student.export_notebook(tmp_path) is None
    assert capsys.readouterr().out.count("Nothing to hand in: there is no notebook (.ipynb file) in") == 2
    _notebook(tmp_path / "lab01-tensors.ipynb")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile, "ZipFile", broken)
    student.export_notebook(tmp_path)
    assert "Could not write the hand-in zip (OSError: [Errno 28] No space left on device)" in capsys.readouterr().out
    assert _zips(tmp_path) == []


def test_intake_takes_a_hand_in_zip_as_one_submission_of_the_lab(tmp_path, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    lab = "lab01-tensors"
    ada = tmp_path / "class" / "ada"
    _notebook(ada / "lab01 copy.ipynb", lab=lab)
    student.export_notebook(ada, now=lambda: NOW)
    student.export_notebook(ada, now=lambda: NOW.replace(hour=16))
    (ada / "lab01 copy.ipynb").unlink()
    for given in (tmp_path / "class", _zips(ada)[-1]):
        counted, superseded = latest_per_student(discover([given], tmp_path / "work", lab))
        (cand,) = counted
        assert (cand.student, cand.original_name) == ("ada", "lab01-tensors_handin_2026_12_01T16_30_00_123456.zip")
        assert len(superseded) == (1 if given.is_dir() else 0)
        received = receive(cand, lab)
        assert received.problem is None and received.cells == ("x = 'lab01 copy'",)
        assert notebook_lab(read_notebook(cand.path)) == lab


@pytest.mark.slow
@pytest.mark.parametrize("lab", [p.name for p in LABS])
def test_every_blank_student_notebook_runs_top_to_bottom_without_an_error(bundles, lab):
    """Before anything is answered, no cell raises, the hand-in cell included (it finds no notebook in the
    sandbox and says so)."""
    result = grade_submission(bundles(lab), ROOT / "labs" / lab / f"{lab}.ipynb", FAST_LIMITS, public_only=True)
    assert result.status == "graded"
    assert [(c.index, c.error) for c in result.cells if c.status != CellStatus.OK] == []
    assert any("Nothing to hand in: there is no notebook" in c.output for c in result.cells)


# --- slow: stock tools only --------------------------------------------------------------------------------------

_RUN_NOTEBOOKS = r"""
import json, sys
import nbformat
from nbclient import NotebookClient

for source, folder, out in json.loads(sys.argv[1]):
    nb = nbformat.read(source, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": folder}}).execute()
    nbformat.write(nb, out)
"""
_PROBE = "import sys, autograder\nprint(sys.prefix)\nprint(autograder.__file__)"
_OFFLINE = re.compile(r"NewConnectionError|ConnectTimeout|ReadTimeout|ProxyError|Temporary failure in name resolution|"
                      r"Name or service not known|Network is unreachable|Failed to establish a new connection")
LOG_WORDS = ("Error at line", "absl", "cpu_feature_guard", "Traceback")


@pytest.fixture(scope="session")
def student_venv(request) -> Path:
    """A virtual environment with only labs/requirements.txt, cached per requirements file and Python version."""
    key = hashlib.sha256(REQUIREMENTS.read_bytes() + sys.version.encode()).hexdigest()[:16]
    home = Path(request.config.cache.mkdir(f"student-venv-{key}"))
    venv = home / "venv"
    python = venv / "bin" / "python"
    if (home / "ready").is_file() and python.is_file():
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    pip = subprocess.run([str(python), "-m", "pip", "install", "-r", str(REQUIREMENTS)], capture_output=True,
                         text=True, timeout=1800)
    if pip.returncode != 0:
        output = pip.stdout + pip.stderr
        if _OFFLINE.search(output):
            pytest.skip(f"pip cannot reach a package index to install labs/requirements.txt: {output[-400:]}")
        pytest.fail(f"pip could not install labs/requirements.txt:\n{output[-3000:]}")
    (home / "ready").write_text(REQUIREMENTS.read_text())
    return venv


def _texts(cell: nbformat.NotebookNode) -> list[str]:
    found = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            found.append(output.text)
        elif output.output_type == "error":
            found.append(f"{output.ename}: {output.evalue}\n" + "\n".join(output.traceback))
        else:
            found += [str(v) for k, v in output.get("data", {}).items() if k.startswith("text/")]
    return found


@pytest.mark.slow
def test_every_solution_passes_its_public_checks_with_stock_tools(student_venv, tmp_path):
    """Each labs/LAB/ folder, with the solution notebook in place of the blank one, run top to bottom in a Jupyter
    kernel of a clean environment: every grader.check passes, no error, no TensorFlow log, no otter source line."""
    jobs, folders = [], {}
    for lab in LABS:
        folder = tmp_path / lab.name
        shutil.copytree(lab, folder, ignore=shutil.ignore_patterns("__pycache__", "*.zip"))
        solution = nbformat.read(ROOT / "dist" / lab.name / "solution.ipynb", as_version=4)
        solution.cells.append(nbformat.v4.new_code_cell(_PROBE))
        nbformat.write(solution, folder / f"{lab.name}.ipynb")
        folders[lab.name] = folder
        jobs.append((str(folder / f"{lab.name}.ipynb"), str(folder), str(tmp_path / f"{lab.name}.out.ipynb")))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL", "JPY_SESSION_NAME")}
    env["PATH"] = f"{student_venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    python = str(student_venv / "bin" / "python")
    proc = subprocess.run([python, "-c", _RUN_NOTEBOOKS, json.dumps(jobs)], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=3000)
    assert proc.returncode == 0, proc.stderr[-3000:]
    passed = total = 0
    problems = []
    for lab, folder in folders.items():
        cells = [c for c in nbformat.read(tmp_path / f"{lab}.out.ipynb", as_version=4).cells if c.cell_type == "code"]
        for cell in cells:
            text = "\n".join(_texts(cell))
            problems += [f"{lab}: {word!r} in the output of {cell.source[:60]!r}" for word in LOG_WORDS if word in text]
            if re.fullmatch(r'grader\.check\("q\d+"\)', cell.source.strip()):
                total += 1
                passed += "All test cases passed!" in text
                if "All test cases passed!" not in text:
                    problems.append(f"{lab}: {cell.source} gave {text[:600]}")
        prefix, library = _texts(cells[-1])[0].split()
        assert Path(prefix).resolve() == student_venv.resolve() and Path(library).resolve().is_relative_to(folder)
        (handin,) = folder.glob(f"{lab}_handin_*.zip")
        with zipfile.ZipFile(handin) as z:
            assert z.namelist() == [f"{lab}.ipynb"]
    assert not problems, "\n".join(problems)
    assert passed == total == sum(len(list((lab / "tests").glob("*.py"))) for lab in LABS)
