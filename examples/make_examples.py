"""Write the example class graded by the main job: one submission per typical outcome, per lab.

Run after ``autograder build``: ``python examples/make_examples.py``. The output is committed, so
that the main job and the docs show the same class.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat

from autograder.labs import Course
from autograder.notebooks import answer_cells, fill_answers

HERE = Path(__file__).resolve().parent

CLASSES: dict[str, dict[str, dict[str, str] | str]] = {
    "lab01-tensors": {
        "ada": "all",
        "ben": {
            "q2": "images_rank = len(images)\nimages_shape = images.shape\nimages_dtype = images.dtype",
            "q3": "matrix = np.arange(12).reshape(4, 3).T\ncube = np.stack([matrix, matrix * 10])",
            "q5": "pixels = (images * 255 / 16).astype('uint8')",
            "q6": "scaled = pixels / 255",
        },
        "chloe": {"q4": "def describe(t):\n    return t.rank, t.shape, t.dtype.name\n\ndescribe(images)"},
        "dev": {},
        "finn": {"q6": "scaled = pixels.astype('float32')\nwhile scaled.max() > 1:\n    scaled = scaled / 1"},
    },
}
"""Per lab and student: "all" for the solution, or question -> code (other questions solved)."""


def solutions(course: Course, lab: str) -> dict[str, str]:
    nb = nbformat.read(course.dist_dir(lab) / "solution.ipynb", as_version=4)
    return {q: nb.cells[i].source for q, i in answer_cells(nb).items()}


def write_class(course: Course, lab: str, students: dict[str, dict[str, str] | str]) -> None:
    folder = HERE / lab
    folder.mkdir(exist_ok=True)
    blank = nbformat.read(course.student_dir(lab) / f"{lab}.ipynb", as_version=4)
    solved = solutions(course, lab)
    for student, answers in students.items():
        if answers == "all":
            nb = fill_answers(blank, solved)
        elif answers:
            nb = fill_answers(blank, solved | answers)
        else:
            nb = blank
        nbformat.write(nb, folder / f"{student}.ipynb")
    (folder / "gina.txt").write_text("I could not open Jupyter, here are my answers: rank 3, shape (1797, 8, 8)\n")
    with zipfile.ZipFile(folder / "hal.zip", "w") as archive:
        nbformat.write(fill_answers(blank, solved | {"q7": "color_batch = np.zeros((16, 3, 8, 8))"}), folder / "x")
        archive.write(folder / "x", f"{lab}.ipynb")
        archive.writestr(".OTTER_LOG", "")
    (folder / "x").unlink()


def main() -> None:
    course = Course(HERE.parent)
    for lab, students in CLASSES.items():
        write_class(course, lab, students)


if __name__ == "__main__":
    main()
