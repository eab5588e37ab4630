"""The Gradescope autograder zip: its contents, and its entry point grading in a Gradescope-like folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from autograder.build import bundle_for
from autograder.gradescope import make_gradescope_zip
from autograder.gradescope import run as gs_run
from autograder.gradescope.results import error_results_json, to_results_json
from autograder.labs import Course, LabBundle
from autograder.model import CaseResult, Limits, QuestionResult, Status, SubmissionResult

ROOT = Path(__file__).resolve().parents[1]
LAB = "lab01-tensors"


@pytest.fixture(scope="module")
def bundle() -> LabBundle:
    return bundle_for(Course(ROOT), LAB)


@pytest.fixture(scope="module")
def gs_zip(bundle: LabBundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_gradescope_zip(Course(ROOT), bundle, tmp_path_factory.mktemp("gs") / f"{LAB}-gradescope.zip")


def check_names(folder: Path) -> set[str]:
    return {m for path in folder.glob("*.py") for m in re.findall(r"^def (test_\w+)", path.read_text(), re.M)}


def hidden_source_lines(bundle: LabBundle) -> list[str]:
    """Lines of the hidden checks' source long enough to be telling."""
    lines = {line.strip() for path in bundle.tests_dir.glob("*.py") for line in path.read_text().splitlines()}
    return sorted(line for line in lines if len(line) >= 20)


# --- the zip ---------------------------------------------------------------------------------------------------


def test_zip_holds_scripts_package_and_bundle_and_no_solution(gs_zip: Path, bundle: LabBundle) -> None:
    with zipfile.ZipFile(gs_zip) as archive:
        names = archive.namelist()
        assert {"setup.sh", "run_autograder", "package/pyproject.toml", "bundle/manifest.json"} <= set(names)
        assert "package/autograder/gradescope/run.py" in names
        assert all(n in {"setup.sh", "run_autograder"} or n.startswith(("package/", "bundle/")) for n in names)
        assert not [n for n in names if n.endswith(".ipynb") or "solution" in n or "__pycache__" in n]
        for question in bundle.questions:
            hidden = archive.read(f"bundle/tests/{question.name}.py")
            assert hidden == (bundle.tests_dir / f"{question.name}.py").read_bytes()
            assert f"bundle/public_tests/{question.name}.py" in names
        assert b"hidden=True" in archive.read("bundle/tests/q3.py")
        manifest = json.loads(archive.read("bundle/manifest.json"))
        assert (manifest["lab"], manifest["tests_dir"], manifest["public_tests_dir"]) == (LAB, "tests", "public_tests")


def test_scripts_are_executable_and_parse(gs_zip: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(gs_zip) as archive:
        for name in ("setup.sh", "run_autograder"):
            assert (archive.getinfo(name).external_attr >> 16) & 0o111 == 0o111
        archive.extractall(tmp_path)
    for name in ("setup.sh", "run_autograder"):
        assert subprocess.run(["bash", "-n", str(tmp_path / name)], capture_output=True).returncode == 0
    assert "autograder.gradescope.run" in (tmp_path / "run_autograder").read_text()


def test_zip_is_deterministic(gs_zip: Path, bundle: LabBundle, tmp_path: Path) -> None:
    again = make_gradescope_zip(Course(ROOT), bundle, tmp_path)
    assert again == tmp_path / f"{LAB}-gradescope.zip"
    assert again.read_bytes() == gs_zip.read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert archive.namelist() == sorted(archive.namelist())
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- the entry point, in a Gradescope-like folder ---------------------------------------------------------------


def gradescope_root(tmp_path: Path, gs_zip: Path, *submitted: Path) -> Path:
    """ROOT/source (the unzipped autograder), ROOT/submission (the files), ROOT/results (empty)."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(gs_zip) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for path in submitted:
        shutil.copy(path, root / "submission" / path.name)
    return root


def run_entry_point(root: Path) -> tuple[dict[str, Any], str]:
    """Run ``python -m autograder.gradescope.run`` as run_autograder does; results.json and stdout."""
    env = {**os.environ, gs_run.ROOT_ENV: str(root)}
    proc = subprocess.run([sys.executable, "-m", "autograder.gradescope.run"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((root / "results" / "results.json").read_text()), proc.stdout + proc.stderr


def assert_no_hidden_source(bundle: LabBundle, *texts: str) -> None:
    for text in texts:
        assert "def test_" not in text
        leaked = [line for line in hidden_source_lines(bundle) if line in text]
        assert leaked == []


def assert_visibility(bundle: LabBundle, data: dict[str, Any]) -> None:
    public = check_names(bundle.public_tests_dir)
    hidden = check_names(bundle.tests_dir) - public
    assert hidden and public
    by_check = {t["name"].split(": ")[1]: t["visibility"] for t in data["tests"]}
    assert set(by_check) == hidden | public
    assert {by_check[name] for name in hidden} == {"after_published"}
    assert {by_check[name] for name in public} == {"visible"}


@pytest.mark.slow
def test_the_solution_scores_full_marks(gs_zip: Path, bundle: LabBundle, tmp_path: Path) -> None:
    root = gradescope_root(tmp_path, gs_zip)
    (root / "submission" / "work").mkdir()
    shutil.copy(ROOT / "dist" / LAB / "solution.ipynb", root / "submission" / "work" / f"{LAB}.ipynb")
    data, stdout = run_entry_point(root)
    assert data["score"] == 14.0
    assert sum(t["score"] for t in data["tests"]) == sum(t["max_score"] for t in data["tests"]) == 14.0
    assert {t["status"] for t in data["tests"]} == {"passed"}
    assert data["stdout_visibility"] == "hidden" and data["output_format"] in {"text", "md"}
    q3 = [t for t in data["tests"] if t["name"].startswith("q3: ")]
    assert (q3[0]["name"], q3[0]["number"]) == ("q3: test_q3_matrix_and_cube_have_the_right_form", "3.1")
    assert_visibility(bundle, data)
    assert_no_hidden_source(bundle, json.dumps(data), stdout)


@pytest.mark.slow
def test_the_blank_student_notebook_scores_zero(gs_zip: Path, bundle: LabBundle, tmp_path: Path) -> None:
    root = gradescope_root(tmp_path, gs_zip, ROOT / "labs" / LAB / f"{LAB}.ipynb")
    data, stdout = run_entry_point(root)
    assert data["score"] == 0
    assert {t["status"] for t in data["tests"]} == {"failed"}
    assert sum(t["max_score"] for t in data["tests"]) == 14.0
    assert all(t["output"] for t in data["tests"])
    assert_visibility(bundle, data)
    assert_no_hidden_source(bundle, json.dumps(data), stdout)


@pytest.mark.parametrize("files", [(), ("a.ipynb", "b.ipynb")], ids=["no-notebook", "two-notebooks"])
def test_not_exactly_one_notebook_scores_zero_with_a_message(gs_zip: Path, tmp_path: Path, files: tuple) -> None:
    root = gradescope_root(tmp_path, gs_zip)
    for name in files:
        shutil.copy(ROOT / "labs" / LAB / f"{LAB}.ipynb", root / "submission" / name)
    data, _ = run_entry_point(root)
    assert data["score"] == 0
    assert ("no notebook" if not files else "2 notebooks") in data["output"]
    assert [t["name"] for t in data["tests"]] == [f"q{i}" for i in range(1, 8)]
    assert sum(t["max_score"] for t in data["tests"]) == 14.0 and {t["score"] for t in data["tests"]} == {0.0}


def test_a_broken_autograder_still_writes_results(tmp_path: Path, gs_zip: Path) -> None:
    root = gradescope_root(tmp_path, gs_zip, ROOT / "labs" / LAB / f"{LAB}.ipynb")
    (root / "source" / "bundle" / "manifest.json").unlink()
    data, _ = run_entry_point(root)
    assert data["score"] == 0 and "instructor" in data["output"]


# --- finding the submission ----------------------------------------------------------------------------------


def test_find_submission(tmp_path: Path) -> None:
    (tmp_path / "deep" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / "deep" / ".ipynb_checkpoints" / "lab-checkpoint.ipynb").write_text("{}")
    (tmp_path / "__MACOSX" / "._lab.ipynb").write_text("")
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(gs_run.NoSubmission, match="no notebook"):
        gs_run.find_submission(tmp_path)
    (tmp_path / "export.zip").write_bytes(b"")
    assert gs_run.find_submission(tmp_path) == tmp_path / "export.zip"
    (tmp_path / "deep" / "lab.ipynb").write_text("{}")
    assert gs_run.find_submission(tmp_path) == tmp_path / "deep" / "lab.ipynb"
    (tmp_path / "linked.ipynb").symlink_to(tmp_path / "deep" / "lab.ipynb")
    assert gs_run.find_submission(tmp_path) == tmp_path / "deep" / "lab.ipynb"
    (tmp_path / "other.ipynb").write_text("{}")
    with pytest.raises(gs_run.NoSubmission, match="2 notebooks"):
        gs_run.find_submission(tmp_path)


# --- results.json ----------------------------------------------------------------------------------------------


def test_all_or_nothing_questions_give_no_points_to_passed_checks(bundle: LabBundle) -> None:
    checks = (CaseResult("q1", "test_a", 1.0, True, False, ""), CaseResult("q1", "test_b", 1.0, False, True, "wrong"))
    questions = (QuestionResult("q1", 0.0, 2.0, checks),)
    result = SubmissionResult("s.ipynb", "s", LAB, Status.GRADED, 0.0, 2.0, "", questions, duration=2.4)
    data = to_results_json(result, bundle)
    assert [(t["number"], t["score"], t["max_score"], t["status"]) for t in data["tests"]] == [
        ("1.1", 0.0, 1.0, "passed"), ("1.2", 0.0, 1.0, "failed")]
    assert "all of its checks" in data["tests"][0]["output"] and data["tests"][1]["output"] == "wrong"
    assert data["execution_time"] == 2 and "Visible checks: 1 of 1 passed" in data["output"]


def test_error_results_without_a_bundle() -> None:
    data = error_results_json("something broke")
    assert data["score"] == 0 and data["tests"] == [] and "something broke" in data["output"]


# --- choosing how student code is isolated ---------------------------------------------------------------------

STUDENT = gs_run.Account("student", 1500, 1500)


def probe_stub(working: set[tuple[str, str | None]]) -> gs_run.Probe:
    return lambda kind, account: (kind, account.name if account else None) in working


def test_as_root_without_any_way_to_drop_root_nothing_runs() -> None:
    assert gs_run.choose_isolation(Limits(), None, root=True, works=probe_stub(set())) is None
    assert gs_run.choose_isolation(Limits(), STUDENT, root=True, works=probe_stub({("plain", None)})) is None


def test_as_root_bwrap_started_as_root_keeps_the_limits() -> None:
    chosen = gs_run.choose_isolation(Limits(timeout=5), None, root=True, works=probe_stub({("bwrap", None)}))
    assert chosen is not None and chosen.limits == Limits(timeout=5)


@pytest.mark.skipif(not gs_run.supports_run_as(), reason="Limits has no run_as/use_bwrap (session hook) yet")
def test_as_root_student_code_runs_as_the_student_account() -> None:
    sandboxed = gs_run.choose_isolation(Limits(), STUDENT, root=True, works=probe_stub({("bwrap", "student")}))
    assert sandboxed is not None and sandboxed.limits == replace(Limits(), run_as=(1500, 1500))
    plain = gs_run.choose_isolation(Limits(), STUDENT, root=True, works=probe_stub({("plain", "student")}))
    assert plain is not None and plain.limits == replace(Limits(), run_as=(1500, 1500), use_bwrap=False)
