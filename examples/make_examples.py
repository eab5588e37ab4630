"""Write the example class graded by the main job: one submission per typical outcome, per lab, and the class's
rosters as each LMS exports them (examples/rosters/), which the main job's exports and feedback fill in.

Run after ``autograder build``: ``python examples/make_examples.py`` (everything) or
``python examples/make_examples.py --rosters`` (the rosters only). The output is committed, so that the main job
and the docs show the same class.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

import nbformat

from autograder.build import bundle_for
from autograder.labs import Course
from autograder.notebooks import answer_cells, fill_answers

HERE = Path(__file__).resolve().parent
ROSTERS = HERE / "rosters"

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


PEOPLE = {
    "ada": ("Ada", "Lovelace"),
    "ben": ("Ben", "Okafor"),
    "chloe": ("Chloé", "Dubois"),
    "dev": ("Dev", "Patel"),
    "finn": ("Finn", "O'Brien"),
    "gina": ("Gina", "Rossi"),
    "hal": ("Hal", "Kimura"),
}
"""The class: each student's file stem is their username and the local part of their email, so every LMS's
roster matches the plain files of examples/LAB/."""
DATE = "Friday, 20 November 2026, 10:00 AM"


def _person(key: str) -> dict[str, str]:
    number = list(PEOPLE).index(key) + 1
    first, last = PEOPLE[key]
    return {"first": first, "last": last, "username": key, "email": f"{key}@example.edu",
            "sis": f"S2026{number:03d}", "canvas": str(5100 + number)}


def _table(rows: list[list[str]], *, delimiter: str = ",", quote_all: bool = False) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n",
               quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(rows)
    return buffer.getvalue()


def _submitted(lab: str) -> set[str]:
    return set(CLASSES[lab]) | {"gina", "hal"}


def canvas_gradebook(maxima: dict[str, float]) -> bytes:
    """Grades > Export > Export Entire Gradebook: BOM, Points Possible row, the test student."""
    labs = list(maxima)
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
              *(f"{lab} ({30001 + i})" for i, lab in enumerate(labs)), "Current Points", "Final Points"]
    rows = [header, ["    Points Possible", "", "", "", "", *(f"{maxima[lab]:.2f}" for lab in labs), "(read only)",
                     "(read only)"]]
    for key in PEOPLE:
        p = _person(key)
        rows.append([f"{p['last']}, {p['first']}", p["canvas"], p["sis"], key, "TL-01", *[""] * len(labs),
                     "0.00", "0.00"])
    rows.append(["Student, Test", "5199", "", "8f3c2a1b", "TL-01", *[""] * len(labs), "", ""])
    return ("\ufeff" + _table(rows)).encode("utf-8")


def moodle_grades(maxima: dict[str, float]) -> bytes:
    """Grades > Export > Plain text file: the user fields, one column per assignment, '-' for no grade."""
    header = ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
              *(f"Assignment: {lab} (Real)" for lab in maxima), "Last downloaded from this course"]
    rows = [header] + [[p["first"], p["last"], p["sis"], "Example University", "Tensor Labs", p["email"],
                        *["-"] * len(maxima), "1795435200"] for p in map(_person, PEOPLE)]
    return _table(rows).encode("utf-8")


def moodle_worksheet(lab: str, number: int, maximum: float) -> bytes:
    """Assignment > View all submissions > Download grading worksheet, with Feedback comments enabled."""
    header = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
              "Last modified (submission)", "Last modified (grade)", "Feedback comments"]
    rows = [header]
    for i, key in enumerate(PEOPLE, start=1):
        p, handed_in = _person(key), key in _submitted(lab)
        rows.append([f"Participant {880000 + 100 * number + i}", f"{p['first']} {p['last']}", p["email"],
                     "Submitted for grading" if handed_in else "No submission", "", f"{maximum:.2f}", "Yes",
                     DATE if handed_in else "-", "-", ""])
    return ("\ufeff" + _table(rows)).encode("utf-8")


def _blackboard(header: list[str], cells: list[list[str]]) -> bytes:
    return b"\xff\xfe" + _table([header, *cells], delimiter="\t", quote_all=True).encode("utf-16-le")


def _bb_user(p: dict[str, str]) -> list[str]:
    return [p["last"], p["first"], p["username"], p["sis"], "2026-11-20 10:05:00", "Available"]


BB_USER = ["Last Name", "First Name", "Username", "Student ID", "Last Access", "Availability"]


def blackboard_full(maxima: dict[str, float]) -> bytes:
    """Work Offline > Download > Full Grade Center, tab delimited (UTF-16 with a BOM)."""
    columns = [f"{lab} [Total Pts: {maxima[lab]:g} Score] |{40001 + i}" for i, lab in enumerate(maxima)]
    total = f"Total [Total Pts: up to {sum(maxima.values()):g} Score] |40100"
    return _blackboard([*BB_USER, *columns, total], [[*_bb_user(_person(k)), *[""] * (len(columns) + 1)]
                                                      for k in PEOPLE])


def blackboard_column(lab: str, number: int, maximum: float) -> bytes:
    """Work Offline > Download > Selected Column, 'Include comments for this Column' ticked."""
    header = [*BB_USER, f"{lab} [Total Pts: {maximum:g} Score] |{40000 + number}", "Grading Notes", "Notes Format",
              "Feedback to Learner", "Feedback Format"]
    return _blackboard(header, [[*_bb_user(_person(k)), "", "", "SMART_TEXT", "", "SMART_TEXT"] for k in PEOPLE])


def brightspace_grades(maxima: dict[str, float]) -> bytes:
    """Grades > Enter Grades > Export, key field Both, points grades, with names and email."""
    header = ["OrgDefinedId", "Username", "Last Name", "First Name", "Email",
              *(f"{lab} Points Grade <Numeric MaxPoints:{maxima[lab]:g} Weight:0 Category:Labs>" for lab in maxima),
              "End-of-Line Indicator"]
    rows = [header] + [[f"#{p['sis']}", f"#{p['username']}", p["last"], p["first"], p["email"],
                        *[""] * len(maxima), "#"] for p in map(_person, PEOPLE)]
    return ("\ufeff" + _table(rows)).encode("utf-8")


def class_list() -> bytes:
    """A plain class list, for the formats that fill no LMS download (Gradescope's record)."""
    rows = [["Name", "Email", "Student ID", "Username"]]
    rows += [[f"{p['first']} {p['last']}", p["email"], p["sis"], p["username"]] for p in map(_person, PEOPLE)]
    return _table(rows).encode("utf-8")


def write_rosters(course: Course) -> None:
    """Every LMS's export of the example class, with the labs' real maxima."""
    maxima = {lab: bundle_for(course, lab).max_score for lab in CLASSES}
    ROSTERS.mkdir(exist_ok=True)
    files = {
        "canvas-gradebook.csv": canvas_gradebook(maxima),
        "moodle-grades.csv": moodle_grades(maxima),
        "blackboard-gradecenter.xls": blackboard_full(maxima),
        "brightspace-grades.csv": brightspace_grades(maxima),
        "class.csv": class_list(),
    }
    for number, lab in enumerate(CLASSES, start=1):
        files[f"moodle-worksheet-{lab}.csv"] = moodle_worksheet(lab, number, maxima[lab])
        files[f"blackboard-column-{lab}.xls"] = blackboard_column(lab, number, maxima[lab])
    for name, content in files.items():
        (ROSTERS / name).write_bytes(content)


def main() -> None:
    course = Course(HERE.parent)
    if "--rosters" not in sys.argv[1:]:
        for lab, students in CLASSES.items():
            write_class(course, lab, students)
    write_rosters(course)


if __name__ == "__main__":
    main()
