"""lab04-epochs-batches graded end to end: full marks, zero, each typical mistake named at its exact cost.

Every grading here runs Keras, so submissions are graded once per module and shared between tests, and
each mistake submission packs several mistakes into different questions.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.feedback.training import (
    batches_needed,
    expected_count,
    split_point,
    unseen_count_cases,
    unseen_counter_run,
    unseen_split_cases,
)
from autograder.labs import Course, LabBundle
from autograder.model import Limits, SubmissionResult
from autograder.notebooks import fill_answers
from tests.conftest import failures, grade, scores, solution_answers, student_notebook

pytestmark = pytest.mark.slow

LAB = "lab04-epochs-batches"
QUESTIONS = [f"q{i}" for i in range(1, 11)]
POINTS = {"q1": 3, "q7": 4} | {q: 2 for q in ("q2", "q3", "q4", "q5", "q6", "q8", "q9", "q10")}
# Two fits in the sandbox (the lab's 8 epochs and `try_counter`'s tiny run) and a rebuilt model for the checks:
# more than the suite's fast limits allow when other jobs share the cores.
LIMITS = Limits(timeout=90, grace=10)
PRINT_TRAINING = "print(history.history)\nprint(counter.batches, history.params)"

# Two submissions full of typical mistakes, one per question (their q7 is made from the solution below).
COUNTING_MISTAKES = {
    "q1": "mnist_batches = N_MNIST // MNIST_BATCH_SIZE\nmnist_last_batch = 96\nmnist_updates = 2360",
    "q2": "def batches_per_epoch(n, batch_size):\n    return n // batch_size + 1",
    "q3": "def last_batch_size(n, batch_size):\n    return n % batch_size",
    "q4": "def weight_updates(n, batch_size, epochs):\n    return epochs",
    "q5": "def split_sizes(n, validation_split):\n    n_val = int(n * validation_split)\n    return n - n_val, n_val",
    "q6": (
        "n_train = int(len(x) * 0.8)\nn_val = len(x) - n_train\n"
        "steps_per_epoch = math.ceil(len(x) / BATCH_SIZE)\ntotal_updates = steps_per_epoch * EPOCHS"
    ),
    "q8": "x_val = x[:n_val]\ny_val = y[:n_val]",
    "q9": 'q9_answer = "a"',
    "q10": 'q10_answer = "c"',
}
MORE_MISTAKES = {
    "q1": "mnist_batches = N_MNIST / MNIST_BATCH_SIZE\nmnist_last_batch = 96\nmnist_updates = 2360",
    "q2": "def batches_per_epoch(n, batch_size):\n    return n // batch_size",
    "q3": "def last_batch_size(n, batch_size):\n    return batch_size if n >= batch_size else n",
    "q4": "def weight_updates(n, batch_size, epochs):\n    return math.ceil(n / batch_size)",
    "q6": (
        "n_train = int(len(x) * (1 - VALIDATION_SPLIT))\nn_val = len(x) - n_train\n"
        "steps_per_epoch = math.ceil(n_train / BATCH_SIZE)\ntotal_updates = n_train * EPOCHS"
    ),
    "q8": "x_val = x[len(x) - int(len(x) * 0.2):]\ny_val = y[len(y) - int(len(y) * 0.2):]",
    "q9": 'q9_answer = "d"',
    "q10": 'q10_answer = "f"',
}
# Wrong in a way no recogniser knows, so that the hidden check falls back on its generic message.
UNKNOWN_SPLIT = (
    "def split_sizes(n, validation_split):\n"
    "    n_train = int(n * (1 - validation_split)) - 1\n"
    "    return n_train, n - n_train"
)
# Shortcuts an adversarial student might try, and right answers in unusual forms.
NOT_COUNTING = """
class BatchCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0


counter = BatchCounter()
history = model.fit(x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, validation_split=VALIDATION_SPLIT,
                    callbacks=[counter], verbose=0)
counter.batches = 720  # typed in by hand
"""
STAND_INS = """
from types import SimpleNamespace


class BatchCounter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0


params = {"verbose": 0, "epochs": 8, "steps": 90}
history = SimpleNamespace(history={"loss": [0.5] * 8, "val_loss": [0.5] * 8}, params=params, epoch=list(range(8)))
counter = SimpleNamespace(batches=720, params=params)
"""
SHORTCUTS = {
    "q1": "mnist_batches = 0\nmnist_last_batch = 0\nmnist_updates = 0",
    "q3": (
        "def last_batch_size(n, batch_size):\n"
        "    return {(10, 4): 2, (8, 4): 4}.get((n, batch_size), batch_size)"
    ),
    "q7": NOT_COUNTING,
    "q8": "x_val = x[-n_val:].copy()\ny_val = y[len(y) - n_val:].copy()",
    "q9": 'q9_answer = " (C) "',
    "q10": 'q10_answer = "E"',
}


def _write(course: Course, folder: Path, name: str, answers: dict[str, str], append: tuple[str, ...] = ()) -> Path:
    nb = fill_answers(student_notebook(course, LAB), answers)
    nb.cells += [nbformat.v4.new_code_cell(code) for code in append]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def lab04(bundles) -> LabBundle:
    return bundles(LAB)


@pytest.fixture(scope="module")
def graded(course, lab04, tmp_path_factory):
    """``graded(name)``: the result of grading one of this module's submissions, graded once."""
    folder = tmp_path_factory.mktemp("lab04")
    solution = solution_answers(course, LAB)
    fit = solution["q7"]
    swapped_fit = fit.replace("epochs=EPOCHS", "epochs=BATCH_SIZE").replace(
        "batch_size=BATCH_SIZE", "batch_size=EPOCHS"
    )
    epoch_counter = fit.replace("on_train_batch_end(self, batch,", "on_epoch_end(self, epoch,")
    assert swapped_fit != fit and epoch_counter != fit
    submissions = {
        "solution": lambda: _write(course, folder, "solution", solution, (PRINT_TRAINING,)),
        "untouched": lambda: course.student_dir(LAB) / f"{LAB}.ipynb",
        "counting": lambda: _write(course, folder, "counting", solution | COUNTING_MISTAKES | {"q7": swapped_fit}),
        "more": lambda: _write(
            course, folder, "more", solution | MORE_MISTAKES | {"q5": UNKNOWN_SPLIT, "q7": epoch_counter}
        ),
        "shortcuts": lambda: _write(course, folder, "shortcuts", solution | SHORTCUTS),
        "stand-ins": lambda: _write(course, folder, "stand-ins", solution | {"q7": STAND_INS}),
    }
    cache: dict[str, SubmissionResult] = {}

    def get(name: str) -> SubmissionResult:
        if name not in cache:
            cache[name] = grade(lab04, submissions[name](), LIMITS)
        return cache[name]

    return get


def test_solution_scores_full_marks(graded):
    result = graded("solution")
    assert (result.status, result.score, result.max_score) == ("graded", 23, 23)
    assert {q.name: q.max_score for q in result.questions} == POINTS
    assert all(c.passed for q in result.questions for c in q.checks)
    assert all(len(q.checks) >= 2 and any(c.hidden for c in q.checks) for q in result.questions)
    # every point is earned by a hidden check: public checks only judge the form and name known slips
    assert all(c.points == 0 for q in result.questions for c in q.checks if not c.hidden)


def test_grading_twice_gives_identical_results(graded, lab04):
    first = graded("solution")
    second = grade(lab04, Path(first.submission), LIMITS)
    assert second.questions == first.questions
    assert second.cells == first.cells
    training = first.cells[-1].output
    assert "val_loss" in training and "720 {'verbose': 0, 'epochs': 8, 'steps': 90}" in training


def test_untouched_student_notebook_scores_zero(graded):
    result = graded("untouched")
    assert (result.status, result.score) == ("graded", 0)
    assert not any(c.passed for q in result.questions for c in q.checks)
    messages = failures(result)
    assert messages["q1"][0] == "`mnist_batches` is not set yet: replace the `...` with your answer and run the cell."
    assert "`batches_per_epoch(10, 4)` returned None" in messages["q2"][0]
    assert messages["q7"][0] == "`history` is not set yet: keep what fit returns, `history = model.fit(...)`."
    # the untouched class is tried on a fresh run too, and never counts
    assert messages["q7"][-1].startswith("In a fresh fit, `batches` of a new `BatchCounter` stayed 0 through every")
    assert messages["q9"][0].startswith("`q9_answer` is not set yet: set it to the letter of your choice")


def test_floor_one_update_per_epoch_swapped_fit_and_split_from_the_start(graded):
    result = graded("counting")
    # right in the usual case, wrong in the edge cases: half the points of q2 and q3; one right count of
    # three in q1, the split but not the counts in q6, and only the fit's settings wrong in q7
    assert scores(result) == {q: 0 for q in QUESTIONS} | {"q1": 2, "q2": 1, "q3": 1, "q6": 1, "q7": 3}
    messages = failures(result)
    assert messages["q1"][0].startswith("`mnist_batches` is 117, as `n // batch_size` gives: floor division drops")
    assert "one batch too many when the batch size divides the samples evenly" in messages["q2"][0]
    assert messages["q3"][0].startswith("`last_batch_size(8, 4)` is 0, as `n % batch_size` gives")
    assert messages["q4"][0].startswith("`weight_updates(10, 4, 5)` is 5, the number of epochs, as if one epoch")
    assert messages["q4"][1].startswith("On unseen case ") and "as if one epoch made one update" in messages["q4"][1]
    assert "`split_sizes(10, 0.25)` is (8, 2): it rounds the validation part down" in messages["q5"][0]
    assert messages["q6"][0].startswith("`steps_per_epoch` is 113, a count over all the samples")
    swapped = "`history.params` shows 16 epochs of 180 batches: `epochs` and `batch_size` are swapped in `fit`."
    assert messages["q7"][0].startswith(swapped) and messages["q7"][1].startswith(swapped)
    assert len(messages["q7"]) == 2, "the counter and its class did their part: only the fit's settings are wrong"
    assert all(m.startswith("`x_val` holds the first samples: Keras holds out the last") for m in messages["q8"][:2])
    assert messages["q9"] == [
        'Choice "a" is not right. Each batch gives one update, however many samples it holds. With twice as many '
        "samples in each batch, the same training samples fill fewer batches, so an epoch makes fewer updates, not "
        "more."
    ]
    assert messages["q10"][0].startswith('Choice "c" is not right. That count rounds the batches of each epoch down')


def test_fraction_batches_per_epoch_or_sample_epoch_counter_and_split_rounded_down(graded):
    result = graded("more")
    assert scores(result) == {q: 0 for q in QUESTIONS} | {"q1": 2, "q3": 1, "q6": 1.5, "q7": 1}
    messages = failures(result)
    assert messages["q1"][0].startswith("`mnist_batches` is 117.1875, a fraction, as `n / batch_size` gives")
    assert "`batches_per_epoch(10, 4)` is 2, as `n // batch_size` gives: floor division" in messages["q2"][0]
    assert "`last_batch_size(10, 4)` is 4, the batch size, but the samples do not fill" in messages["q3"][0]
    assert "`weight_updates(10, 4, 5)` is 3, the updates of a single epoch" in messages["q4"][0]
    assert (
        "`split_sizes(10, 0.25)` is (6, 4), which splits the samples at another point than Keras" in messages["q5"][0]
    )
    assert messages["q5"][1].startswith("On unseen case 1 of 6: `split_sizes(...)` is (")
    assert "`total_updates` is 11496, one update per sample in every epoch" in messages["q6"][0]
    assert messages["q7"][:2] == [
        "`counter.batches` counts epochs: count in `on_train_batch_end`, which runs after every batch."
    ] * 2
    assert messages["q7"][2] == (
        "In a fresh fit, `batches` of a new `BatchCounter` counts epochs, not batches: it only goes up when an epoch "
        "ends. Count in `on_train_batch_end`, which runs after every batch."
    )
    assert all(m.startswith("`x_val` rounds the validation part down") for m in messages["q8"][:2])
    assert messages["q9"][0].startswith('Choice "d" is not right. Not for every number of samples: the batches')
    assert messages["q10"][0].startswith('Choice "f" is not right. That count deals all the samples into batches')


def test_shortcuts_lose_points_and_unusual_right_answers_keep_them(graded):
    result = graded("shortcuts")
    assert scores(result) == POINTS | {"q1": 0, "q3": 0, "q7": 2}
    messages = failures(result)
    # a non-answer of the right type: not even the public check passes
    assert messages["q1"][0] == (
        "`mnist_batches` is 0, but an epoch over at least one sample always has at least one batch."
    )
    # right on the question's own examples only
    assert [c.passed for c in next(q for q in result.questions if q.name == "q3").checks] == [True, False, False]
    # a count typed in after a real fit passes the checks of that run, but the class itself is tried on a fresh one
    assert messages["q7"] == [
        "In a fresh fit, `batches` of a new `BatchCounter` stayed 0 through every training batch: Keras never called "
        "your counting method. Name it exactly `on_train_batch_end(self, batch, logs=None)` and add 1 there."
    ]


def test_stand_in_objects_instead_of_a_real_fit_earn_nothing(graded):
    result = graded("stand-ins")
    assert scores(result) == POINTS | {"q7": 0}
    messages = failures(result)
    stand_in = "`history` is a SimpleNamespace with `history` and `params` attributes, not the History that"
    assert [m.startswith(stand_in) for m in messages["q7"]] == [True] * 4 + [False]
    assert messages["q7"][-1].startswith("In a fresh fit, `batches` of a new `BatchCounter` stayed 0")


def test_question_10_choices_are_the_miscounts_its_check_explains(course):
    """The numbers in the question's text are those its hidden check builds from the run it describes."""
    master = nbformat.read(course.master(LAB), as_version=4)
    text = next(c.source for c in master.cells if c.source.startswith("**Question 10.**"))
    shown = [int(v) for v in re.findall(r"^\* \*\*[a-f]\.\*\* (\d+)$", text, flags=re.MULTILINE)]
    assert "1050 samples" in text and "batch_size=100, epochs=3, validation_split=0.2" in text
    n, batch_size, epochs = 1050, 100, 3
    n_train = split_point(n, 0.2)
    right = expected_count(n_train, batch_size, epochs, "updates")
    miscounts = {
        epochs,
        batches_needed(n_train, batch_size),
        n_train // batch_size * epochs,
        math.ceil(n_train * epochs / batch_size),
        batches_needed(n, batch_size) * epochs,
    }
    assert shown == sorted(shown) and shown.count(right) == 1 and set(shown) == miscounts | {right}


def _expected_values() -> dict[str, set[int]]:
    """Each question's expected numbers, the hidden function cases' included (those of 10 and up)."""
    n_train = split_point(1797, 0.2)
    steps, updates = expected_count(n_train, 16), expected_count(n_train, 16, 8, "updates")
    n, batch_size, epochs, split = unseen_counter_run(np.random.default_rng(40407))
    fresh_steps = batches_needed(split_point(n, split), batch_size)
    values = {
        "q1": {expected_count(60000, 512, 20, q) for q in ("batches", "last_batch", "updates")},
        "q5": set(),
        "q6": {n_train, 1797 - n_train, steps, updates},
        "q7": {steps, updates, n, fresh_steps * epochs},
        "q8": {n_train, 1797 - n_train},
        "q9": set(),
        "q10": {expected_count(split_point(1050, 0.2), 100, 3, "updates")},
    }
    for question, seed, quantity in (("q2", 40402, "batches"), ("q3", 40403, "last_batch"), ("q4", 40404, "updates")):
        epochs_too = quantity == "updates"
        cases = unseen_count_cases(np.random.default_rng(seed), with_epochs=epochs_too, kinds=["partial"] * 4)
        cases += unseen_count_cases(
            np.random.default_rng(seed + 100), with_epochs=epochs_too, kinds=["divisible", "small"] * 2
        )
        values[question] = {expected_count(*case, quantity=quantity) for case in cases}
    for n, split in unseen_split_cases(np.random.default_rng(40405)):
        values["q5"] |= {split_point(n, split), n - split_point(n, split)}
    return {question: {v for v in numbers if v >= 10} for question, numbers in values.items()}


def test_hidden_messages_never_reveal_expected_values(graded):
    expected = _expected_values()
    right_letters = {"q9": '"c"', "q10": '"e"'}
    leaked = set()
    for name in ("counting", "more"):
        for question in graded(name).questions:
            hidden = [c.message for c in question.checks if c.hidden and not c.passed]
            assert hidden, f"{name}: the hidden checks of {question.name} should fail"
            leaked |= {
                (name, question.name, value)
                for message in hidden
                for value in expected[question.name]
                if re.search(rf"(?<![\d.]){value}(?![\d.])", message)
            }
            letter = right_letters.get(question.name)
            leaked |= {(name, question.name, letter) for message in hidden if letter and letter in message}
    assert not leaked, leaked
