"""lab04-epochs-batches graded end to end: full marks, zero, each typical mistake named at its exact cost.

Every grading here runs Keras, so submissions are graded once per module and shared between tests, and
each mistake submission packs several mistakes into different questions.
"""

from __future__ import annotations

import importlib.util
import math
import re
from pathlib import Path
from types import ModuleType

import nbformat
import numpy as np
import pytest

from autograder.feedback.counting import batches_needed, expected_count, split_point
from autograder.labs import Course, LabBundle
from autograder.model import Limits, SubmissionResult
from autograder.notebooks import fill_answers
from tests.conftest import ROOT, failures, grade, scores, solution_answers, student_notebook

pytestmark = pytest.mark.slow

LAB = "lab04-epochs-batches"


def _support() -> ModuleType:
    """The lab's support module, which its hidden checks import from the grading bundle."""
    spec = importlib.util.spec_from_file_location("lab04_support", ROOT / "solutions" / LAB / "lab04_support.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


support = _support()
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
    assert messages["q2"][0].startswith("`batches_per_epoch(10, 4)` returned None")
    assert messages["q2"][1].startswith("On unseen case 1 of 4 (")
    assert messages["q7"][0] == "`history` is not set yet: keep what fit returns, `history = model.fit(...)`."
    # the untouched class is tried on a fresh run too, and never counts
    assert messages["q7"][-1].startswith("In a fresh fit, `batches` of a new `BatchCounter` stayed 0 through every")
    assert messages["q9"][0].startswith("`q9_answer` is not set yet: set it to the letter of your choice")


FULL_BATCHES = "the number of full batches only. The samples left over make one more, smaller batch"
ROUNDS_DOWN = "rounds the division down (as `//`, `int()` and `math.floor` do)"


def test_floor_one_update_per_epoch_swapped_fit_and_split_from_the_start(graded):
    result = graded("counting")
    # right in the usual case, wrong in the edge cases: half the points of q2 and q3; one right count of
    # three in q1, the split but not the counts in q6, and only the fit's settings wrong in q7
    assert scores(result) == {q: 0 for q in QUESTIONS} | {"q1": 2, "q2": 1, "q3": 1, "q6": 1, "q7": 3}
    messages = failures(result)
    # one value cannot tell `//` from `int()` or `round()`: it is named by what it counts
    assert messages["q1"] == [f"`mnist_batches` is {FULL_BATCHES}, and Keras trains on it too: round the "
                              "division up."] * 2
    plus_one = "`batches_per_epoch` adds 1 to the full batches even when the batch size divides the samples evenly."
    assert messages["q2"][0].startswith(f"`batches_per_epoch(8, 4)` is 3: {plus_one}")
    assert messages["q2"][1].startswith(f"Tried on 4 unseen cases, {plus_one}")
    remainder = "`last_batch_size` returns the remainder, which is 0 when the batch size divides the samples evenly."
    assert messages["q3"][0].startswith(f"`last_batch_size(8, 4)` is 0: {remainder}")
    assert messages["q3"][1].startswith(f"Tried on 4 unseen cases, {remainder}")
    one_each = "`weight_updates` returns the number of epochs, as if each epoch made one update."
    assert messages["q4"][0].startswith(f"`weight_updates(10, 4, 5)` is 5: {one_each}")
    assert all(m.startswith(f"Tried on 4 unseen cases, {one_each}") for m in messages["q4"][1:])
    # the question's examples cannot tell which rounding made (8, 2); six unseen cases can
    assert messages["q5"][0].startswith("`split_sizes(10, 0.25)` is (8, 2), a split whose training part is rounded up.")
    assert messages["q5"][1].startswith("Tried on 6 unseen cases, `split_sizes` rounds the training part up, as "
                                        "rounding the validation part down (`int(n * validation_split)`) does.")
    validation_in = "a count with the validation samples included. With `validation_split`, only the training samples"
    # the student's own count is not shown: it may be another answer of the question
    assert messages["q6"][0].startswith(f"`steps_per_epoch` is {validation_in}")
    assert messages["q6"][2].startswith(f"`total_updates` is {validation_in}")
    swapped = ("`history.params` shows 16 epochs of 180 batches. `epochs` and `batch_size` are swapped: by position, "
               "`fit(x, y, ...)` takes `batch_size` before `epochs`.")
    assert messages["q7"][0].startswith(swapped) and messages["q7"][1].startswith(swapped)
    assert len(messages["q7"]) == 2, "the counter and its class did their part: only the fit's settings are wrong"
    first = "holds the first samples: Keras holds out the last ones, taken before any shuffling."
    assert messages["q8"] == [f"`x_val` {first}", f"`x_val` {first}", f"`y_val` {first}"]
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
    assert messages["q1"][0].startswith("`mnist_batches` is a fraction, the samples divided by the batch size.")
    assert messages["q2"][0].startswith(f"`batches_per_epoch(10, 4)` is 2, {FULL_BATCHES}")
    # across unseen cases where `round()` would round up, `//` shows as what it is
    assert all(m.startswith(f"Tried on 4 unseen cases, `batches_per_epoch` {ROUNDS_DOWN}") for m in messages["q2"][1:])
    assert messages["q3"][0].startswith("`last_batch_size(10, 4)` is 4, the batch size, but the last batch is only")
    # on partly filled batches only, "always the batch size" and "a full batch whenever possible" look alike
    assert messages["q3"][1].startswith("On 4 of 4 unseen cases: `last_batch_size(...)` returns the batch size, but")
    assert messages["q4"][0].startswith("`weight_updates(10, 4, 5)` is 3: `weight_updates` returns the updates of a")
    assert messages["q5"][0].startswith(
        "`split_sizes(10, 0.25)` is (6, 4), which splits the samples at another point than Keras does."
    )
    assert messages["q5"][1] == ("On unseen case 1 of 6: `split_sizes(...)` splits the samples at another point "
                                 "than Keras does. Keras rounds the training part down and holds out every sample "
                                 "after it.")
    assert messages["q6"][0].startswith("`total_updates` is one update per sample in every epoch.")
    epochs = "`counter.batches` equals the number of epochs: it counts epochs, not batches."
    assert all(m.startswith(epochs) for m in messages["q7"][:2])
    assert messages["q7"][2] == (
        "In a fresh fit, `batches` of a new `BatchCounter` counts epochs, not batches: it only goes up when an epoch "
        "ends. Count in `on_train_batch_end`, which runs after every batch."
    )
    assert all(m.startswith(f"`{v}` holds the last samples, but too few of them, as if the training part were "
                            "rounded up.") for m, v in zip(messages["q8"], ("x_val", "x_val", "y_val"), strict=True))
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
    # right on the question's own examples only; the unseen edge cases show what it really does
    assert [c.passed for c in next(q for q in result.questions if q.name == "q3").checks] == [True, False, False]
    assert messages["q3"][1] == (
        "Tried on 4 unseen cases, `last_batch_size` always returns the batch size. The last batch holds the samples "
        "left over after the full batches, or is a full batch when none are left."
    )
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
    """The numbers in the question's text are those its hidden check re-enacts from the run it describes."""
    master = nbformat.read(course.master(LAB), as_version=4)
    text = next(c.source for c in master.cells if c.source.startswith("**Question 10.**"))
    shown = [int(v) for v in re.findall(r"^\* \*\*[a-f]\.\*\* (\d+)$", text, flags=re.MULTILINE)]
    assert "1050 samples" in text and "batch_size=100, epochs=3, validation_split=0.2" in text
    assert shown == list(support.Q10_SHOWN.values())
    n, batch_size, epochs, split = support.Q10_RUN
    n_train = split_point(n, split)
    right = expected_count(n_train, batch_size, epochs, "updates")
    miscounts = {
        epochs,
        batches_needed(n_train, batch_size),
        n_train // batch_size * epochs,
        math.ceil(n_train * epochs / batch_size),
        batches_needed(n, batch_size) * epochs,
    }
    assert set(support.q10_miscounts()) == miscounts
    assert shown == sorted(shown) and shown.count(right) == 1 and set(shown) == miscounts | {right}
    letter, reasons = support.q10_choices()
    assert support.Q10_SHOWN[letter] == right and set(reasons) == set(support.Q10_SHOWN) - {letter}


def _expected_values() -> dict[str, set[int]]:
    """Each question's expected numbers, the hidden function cases' included (those of 10 and up)."""
    n_train = split_point(1797, 0.2)
    steps, updates = expected_count(n_train, 16), expected_count(n_train, 16, 8, "updates")
    n, batch_size, epochs, split = support.unseen_counter_run(np.random.default_rng(40407))
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
        cases = support.unseen_count_cases(np.random.default_rng(seed), with_epochs=epochs_too, kinds=["partial"] * 4)
        cases += support.unseen_count_cases(
            np.random.default_rng(seed + 100), with_epochs=epochs_too, kinds=["divisible", "small"] * 2
        )
        values[question] = {expected_count(*case, quantity=quantity) for case in cases}
    for n, split in support.unseen_split_cases(np.random.default_rng(40405)):
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


@pytest.mark.parametrize("seed", range(200))
def test_unseen_partial_batches_tell_rounding_down_from_rounding_to_nearest(seed):
    for kinds in (["partial"] * 4, ["divisible", "small", "partial"], ["partial", "divisible"]):
        cases = support.unseen_count_cases(np.random.default_rng(seed), kinds=kinds)
        assert any(n // b != round(n / b) for n, b in cases if n % b and n > b), cases


@pytest.mark.parametrize("seed", range(200))
def test_unseen_splits_tell_rounding_down_from_rounding_to_nearest(seed):
    cases = support.unseen_split_cases(np.random.default_rng(seed))
    assert any(math.floor(n * s) != round(n * s) for n, s in cases), cases
    assert any(math.floor(n * s) == round(n * s) for n, s in cases), cases


@pytest.mark.parametrize("seed", range(200))
def test_unseen_small_cases_tell_rounding_down_from_rounding_to_nearest(seed):
    for kinds in (["divisible", "small", "divisible", "small"], ["small", "partial"], ["small"] * 3):
        cases = support.unseen_count_cases(np.random.default_rng(seed), kinds=kinds)
        small = [(n, b) for n, b in cases if n < b]
        assert small and any(n // b != round(n / b) for n, b in small), cases
        assert any(n // b == round(n / b) for n, b in small) == (len(small) > 1), "below half too, from the second"
