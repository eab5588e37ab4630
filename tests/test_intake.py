"""Reading submissions: notebooks, export zips, and the one-line reasons for refusing the rest."""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.intake import IntakeError, file_candidate, receive, strip_otter_calls, student_name
from autograder.model import Received


def notebook(path: Path, lab: str | None = "lab01-tensors", cells: tuple[str, ...] = ("x = 1",)) -> Path:
    nb = nbformat.v4.new_notebook()
    if lab:
        nb.metadata["otter"] = {"assignment_name": lab}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells] + [nbformat.v4.new_markdown_cell("text")]
    nbformat.write(nb, path)
    return path


def load_submission(path: Path, lab: str) -> Received:
    """Receive a file given on its own, raising the one-line problem as intake states it."""
    received = receive(file_candidate(path, lab), lab)
    if received.problem is not None:
        raise IntakeError(received.problem)
    return received


def test_reads_code_cells_and_strips_otter_calls(tmp_path):
    path = notebook(
        tmp_path / "ana.ipynb",
        cells=("import otter\ngrader = otter.Notebook('a.ipynb')", "x = 1", "if True:\n    grader.check('q1')"),
    )
    sub = load_submission(path, "lab01-tensors")
    assert sub.candidate.student == "ana"
    assert sub.cells == ("pass\npass", "x = 1", "if True:\n    pass")


def test_reads_the_notebook_inside_an_export_zip(tmp_path):
    inner = notebook(tmp_path / "lab01-tensors.ipynb")
    zpath = tmp_path / "ben.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.write(inner, "lab01-tensors.ipynb")
        z.writestr("__MACOSX/._lab01-tensors.ipynb", "junk")
        z.writestr("otter.log", "log")
    assert load_submission(zpath, "lab01-tensors").cells == ("x = 1",)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b"print('hi')", "not a Jupyter notebook"),
        (b'{"cells": 3}', "not a Jupyter notebook"),
        (b"\xff\xfe\x00", "not a Jupyter notebook"),
    ],
)
def test_unreadable_files_give_one_line_reasons(tmp_path, content, reason):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(IntakeError) as info:
        load_submission(path, "lab01-tensors")
    assert reason in str(info.value) and "\n" not in str(info.value)


def test_a_notebook_for_another_lab_is_refused(tmp_path):
    path = notebook(tmp_path / "cy.ipynb", lab="lab02-slicing-reshaping")
    with pytest.raises(IntakeError, match="belongs to lab02-slicing-reshaping, not lab01-tensors"):
        load_submission(path, "lab01-tensors")


def test_zip_with_several_notebooks_is_refused(tmp_path):
    zpath = tmp_path / "two.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("a.ipynb", "{}")
        z.writestr("b.ipynb", "{}")
    with pytest.raises(IntakeError, match="2 notebooks"):
        load_submission(zpath, "lab01-tensors")


def test_student_name_falls_back_to_the_folder_for_files_named_after_the_lab():
    assert student_name(Path("class/dana/lab01-tensors.ipynb"), "lab01-tensors") == "dana"
    assert student_name(Path("class/erik.ipynb"), "lab01-tensors") == "erik"


def test_strip_keeps_student_code_that_mentions_grader_elsewhere():
    assert strip_otter_calls("my_grader = 3\nprint(grader_count)") == "my_grader = 3\nprint(grader_count)"
