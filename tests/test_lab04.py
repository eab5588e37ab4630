"""lab04-epochs-batches graded end to end: full marks, zero, each typical mistake named at its exact cost.

Every grading here runs Keras, so submissions are graded once per module and shared between tests, and
each mistake submission packs several mistakes into different questions.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.feedback.training import expected_count, split_point, unseen_count_cases, unseen_split_cases
from autograder.labs import Course, LabBundle
from autograder.model import SubmissionResult
from autograder.notebooks import fill_answers
from tests.conftest import failures, grade, scores, solution_answers, student_notebook

pytestmark = pytest.mark.slow

LAB = "lab04-epochs-batches"
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
}
# Wrong in a way no recogniser knows, so that the hidden check falls back on its generic message.
UNKNOWN_SPLIT = (
    "def split_sizes(n, validation_split):\n"
    "    n_train = int(n * (1 - validation_split)) - 1\n"
    "    return n_train, n - n_train"
)


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
        "counting": lambda: _write(course, folder, "counting", COUNTING_MISTAKES | {"q7": swapped_fit}),
        "more": lambda: _write(course, folder, "more", MORE_MISTAKES | {"q5": UNKNOWN_SPLIT, "q7": epoch_counter}),
    }
    cache: dict[str, SubmissionResult] = {}

    def get(name: str) -> SubmissionResult:
        if name not in cache:
            cache[name] = grade(lab04, submissions[name]())
        return cache[name]

    return get


def test_solution_scores_full_marks_within_seconds(graded):
    result = graded("solution")
    assert (result.status, result.score, result.max_score) == ("graded", 16, 16)
    assert all(c.passed for q in result.questions for c in q.checks)
    assert all(len(q.checks) >= 2 and any(c.hidden for c in q.checks) for q in result.questions)
    # About 8 s on an idle 2-core machine (Keras start-up, an 8-epoch fit, 6 probe rounds), 12-14 s under load.
    assert result.duration < 40, f"grading the solution took {result.duration:.1f} s"


def test_grading_twice_gives_identical_results(graded, lab04):
    first = graded("solution")
    second = grade(lab04, Path(first.submission))
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


def test_floor_one_update_per_epoch_swapped_fit_and_split_from_the_start(graded):
    result = graded("counting")
    assert scores(result) == {f"q{i}": 0 for i in range(1, 9)} | {"q7": 0.5}
    assert result.score == 0.5
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
    assert all(m.startswith("`x_val` holds the first samples: Keras holds out the last") for m in messages["q8"])


def test_fraction_batches_per_epoch_or_sample_epoch_counter_and_split_rounded_down(graded):
    result = graded("more")
    assert scores(result) == {f"q{i}": 0 for i in range(1, 9)} | {"q7": 0.5}
    assert result.score == 0.5
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
    assert (
        messages["q7"]
        == ["`counter.batches` counts epochs: count in `on_train_batch_end`, which runs after every batch."] * 2
    )
    assert all(m.startswith("`x_val` rounds the validation part down") for m in messages["q8"])


def _expected_values() -> dict[str, set[int]]:
    """Each question's expected numbers, the hidden function cases' included (those of 10 and up)."""
    n_train = split_point(1797, 0.2)
    steps, updates = expected_count(n_train, 16), expected_count(n_train, 16, 8, "updates")
    values = {
        "q1": {expected_count(60000, 512, 20, q) for q in ("batches", "last_batch", "updates")},
        "q5": set(),
        "q6": {n_train, 1797 - n_train, steps, updates},
        "q7": {steps, updates},
        "q8": {n_train, 1797 - n_train},
    }
    for question, seed, quantity in (("q2", 40402, "batches"), ("q3", 40403, "last_batch"), ("q4", 40404, "updates")):
        cases = unseen_count_cases(np.random.default_rng(seed), with_epochs=quantity == "updates")
        values[question] = {expected_count(*case, quantity=quantity) for case in cases}
    for n, split in unseen_split_cases(np.random.default_rng(40405)):
        values["q5"] |= {split_point(n, split), n - split_point(n, split)}
    return {question: {v for v in numbers if v >= 10} for question, numbers in values.items()}


def test_hidden_messages_never_reveal_expected_values(graded):
    expected = _expected_values()
    leaked = set()
    for name in ("counting", "more"):
        for question in graded(name).questions:
            hidden = [c.message for c in question.checks if c.hidden and not c.passed]
            assert hidden, f"{name}: the hidden check of {question.name} should fail"
            leaked |= {
                (name, question.name, value)
                for message in hidden
                for value in expected[question.name]
                if re.search(rf"(?<![\d.]){value}(?![\d.])", message)
            }
    assert not leaked, leaked
