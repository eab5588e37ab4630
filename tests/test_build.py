"""Building labs: fresh committed notebooks, reproducible output, no solution or hidden check leaks."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograder.build import build_lab, bundle_for, check_lab
from autograder.labs import Course


@pytest.fixture
def course_copy(course, tmp_path) -> Course:
    shutil.copytree(course.root / "solutions", tmp_path / "solutions")
    shutil.copytree(course.root / "labs", tmp_path / "labs")
    return Course(tmp_path)


def test_committed_student_notebooks_are_up_to_date(course):
    for lab in course.lab_names():
        assert check_lab(course, lab).changed == ()


def test_an_edited_master_makes_the_student_notebook_stale(course_copy):
    master = course_copy.master("lab01-tensors")
    nb = nbformat.read(master, as_version=4)
    nb.cells[1].source += "\n\nA new sentence for students."
    nbformat.write(nb, master)
    assert check_lab(course_copy, "lab01-tensors").changed == ("labs/lab01-tensors/lab01-tensors.ipynb (out of date)",)
    cli = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "--course", str(course_copy.root), "build", "--check"],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 1 and "out of date" in cli.stderr
    build_lab(course_copy, "lab01-tensors")
    assert check_lab(course_copy, "lab01-tensors").changed == ()


def test_a_removed_public_test_file_is_reported(course_copy):
    (course_copy.student_dir("lab01-tensors") / "tests" / "q2.py").unlink()
    assert "labs/lab01-tensors/tests/q2.py (missing)" in check_lab(course_copy, "lab01-tensors").changed


def test_bundle_has_all_checks_the_otter_zip_and_a_manifest(course_copy):
    bundle = build_lab(course_copy, "lab01-tensors")
    dist = course_copy.dist_dir("lab01-tensors")
    assert [q.name for q in bundle.questions] == [f"q{i}" for i in range(1, 8)]
    assert bundle.max_score == 14
    assert {"scalar", "vector", "describe", "pixels", "scaled", "color_batch"} <= set(bundle.names)
    hidden = sum("hidden=True" in p.read_text() for p in bundle.test_files())
    public_hidden = sum("hidden=True" in p.read_text() for p in bundle.test_files(public_only=True))
    assert hidden == 7 and public_hidden == 0
    with zipfile.ZipFile(dist / "lab01-tensors-autograder.zip") as z:
        assert "tests/q1.py" in z.namelist() and "run_autograder" in z.namelist()
    assert bundle_for(course_copy, "lab01-tensors") == bundle


def _solution_expressions(master: nbformat.NotebookNode) -> set[str]:
    """Normalised right-hand sides of solution lines that compute from data (not just literals)."""
    found = set()
    for cell in master.cells:
        for line in cell.source.splitlines():
            code = line.split("# SOLUTION")[0].strip() if "# SOLUTION" in line else ""
            try:
                tree = ast.parse(code)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                value = getattr(node, "value", None) if isinstance(node, (ast.Assign, ast.Return)) else None
                nodes = list(ast.walk(value)) if value else []
                uses_data = any(isinstance(n, ast.Name) and n.id != "np" for n in nodes)
                computes = any(isinstance(n, (ast.Call, ast.BinOp)) for n in nodes)
                if uses_data and computes:
                    found.add(ast.unparse(value))
    return found


class _BlankStrings(ast.NodeTransformer):
    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        is_message = isinstance(node.value, str) and any(ch.isspace() for ch in node.value)
        return ast.Constant("...") if is_message else node


def _normalised_code(text: str) -> str:
    """Student-visible code, normalised as otter writes tests, with string literals (messages) blanked."""
    chunks = (
        [c.source for c in nbformat.reads(text, 4).cells if c.cell_type == "code"] if text.startswith("{") else [text]
    )
    parts = []
    for chunk in chunks:
        try:
            parts.append(ast.unparse(_BlankStrings().visit(ast.parse(chunk))))
        except SyntaxError:
            parts.append(chunk)
    return "\n".join(parts)


def test_student_files_hold_no_solution_and_no_hidden_check(course):
    for lab in course.lab_names():
        files = [p for p in course.student_dir(lab).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        visible = "\n".join(_normalised_code(p.read_text()) for p in files)
        for expression in _solution_expressions(nbformat.read(course.master(lab), as_version=4)):
            assert expression not in visible, f"{lab}: a solution is visible to students: {expression}"
        assert "hidden=True" not in visible and "TEST CONFIG" not in visible
