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
            "q1": "scalar = np.array(7)\nvector = np.arange(5)",
            "q2": "images_rank = len(images)\nimages_shape = images[0].shape\nimages_dtype = images.dtype",
            "q3": "matrix = np.arange(12).reshape(4, 3).T\ncube = np.stack([matrix, matrix * 10])",
            "q5": "pixels = (images * 255 / 16).astype('uint8')",
            "q6": "scaled = pixels / 255",
        },
        "chloe": {"q4": "def describe(t):\n    return t.rank, t.shape, t.dtype.name\n\ndescribe(images)"},
        "dev": {},
        "finn": {"q6": "scaled = pixels.astype('float32')\nwhile scaled.max() > 1:\n    scaled = scaled / 1"},
    },
    "lab02-slicing-reshaping": {
        "ada": "all",
        "ben": {
            "q1": "first_100 = images[1:101]",
            "q2": "lower_right = images[:, :4, :4]",
            "q5": "tiles_unrow = tiles.reshape(-1, 80)",
            "q6": "labels_row = labels.T",
            "q9": "q9_answer = ('a', 'a', 'd', 'c')",
        },
        "chloe": {
            "q4": "def batch(k, size=32):\n    return tiles[k:k + size]",
            "q5": "tiles_unrow = tiles.reshape(80, -1)",
        },
        "dev": {},
    },
    "lab03-tensor-operations": {
        "ada": "all",
        "ben": {
            "q2": "plus_rows = M + row_offsets\nplus_cols = M.T + col_offsets",
            "q3": 'broadcast_choices = "acdfg"',
            "q6": "v_dot_v = v * v\nA_dot_v = A * v\nA_dot_C = A @ C\ngram = A.reshape(3, 4) @ A",
            "q9": "summed = first_three + last_three\nblended = (first_three + last_three) // 2",
        },
        "chloe": {
            "q8": 'product_choice = "b"',
            "q10": "def dense_forward(X, W, b):\n    return X @ W + b\n\n\nmanual_out = dense_forward(X, W, b)",
        },
        "dev": {},
    },
    "lab04-epochs-batches": {
        "ada": "all",
        "ben": {
            "q1": "mnist_batches = N_MNIST // MNIST_BATCH_SIZE\nmnist_last_batch = 96\nmnist_updates = 2360",
            "q2": "def batches_per_epoch(n, batch_size):\n    return n // batch_size",
            "q4": "def weight_updates(n, batch_size, epochs):\n    return epochs",
            "q9": 'q9_answer = "b"',
        },
        "chloe": {"q8": "x_val = x[:n_val]\ny_val = y[:n_val]"},
        "dev": {},
    },
    "lab05-keras-model": {
        "ada": "all",
        "ben": {
            "q4": (
                "history = model.fit(X_train, train_targets, epochs=20, batch_size=64,\n"
                "                    validation_data=(X_test, test_targets), verbose=0)"
            ),
            "q5": "acc_curve = history.history['acc']\nval_acc_curve = history.history['val_acc']\nbest_epoch = 1",
            "q8": "q8_answer = 'a'",
        },
        "dev": {},
    },
}
"""Per lab and student: "all" for the solution, or question -> code (the other questions solved, none when empty).
Every lab also gets gina.txt (not a notebook) and hal.zip (a grader.export() zip with one slip)."""

SLIPS = {
    "lab01-tensors": {"q7": "color_batch = np.zeros((16, 3, 8, 8))"},
    "lab02-slicing-reshaping": {"q6": "labels_row = labels.reshape(80, 1)"},
    "lab03-tensor-operations": {"q9": "summed = first_three + last_three\nblended = (first_three + last_three) // 2"},
    "lab04-epochs-batches": {"q2": "def batches_per_epoch(n, batch_size):\n    return n // batch_size + 1"},
    "lab05-keras-model": {
        "q5": "acc_curve = history.history['acc']\nval_acc_curve = history.history['val_acc']\nbest_epoch = 1"
    },
}


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
    (folder / "gina.txt").write_text("I could not open Jupyter, so here are my answers in a text file.\n")
    exported = nbformat.writes(fill_answers(blank, solved | SLIPS[lab]))
    with zipfile.ZipFile(folder / "hal.zip", "w") as archive:
        archive.writestr(zipfile.ZipInfo(f"{lab}.ipynb", date_time=(2026, 11, 20, 10, 0, 0)), exported)
        archive.writestr(zipfile.ZipInfo(".OTTER_LOG", date_time=(2026, 11, 20, 10, 0, 0)), "")


def main() -> None:
    course = Course(HERE.parent)
    for lab, students in CLASSES.items():
        write_class(course, lab, students)


if __name__ == "__main__":
    main()
