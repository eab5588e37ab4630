"""lab05-keras-model graded end to end: full marks that never flake, zero, and each Keras mistake named.

All submissions go through one warm grader (one pre-imported sandbox), as a class would, so the suite
also shows that one submission's training leaves nothing behind for the next.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from autograder import transport
from autograder.grade import Grader
from autograder.model import Limits, SubmissionResult
from autograder.notebooks import fill_answers
from tests.conftest import failures, hidden_messages, scores, solution_answers, student_notebook

pytestmark = pytest.mark.slow

LAB = "lab05-keras-model"
LIMITS = Limits(timeout=90, grace=5)
FULL = 26

# --- submissions: each carries several mistakes, one per question ------------------------------

DIGITS_SPLIT = "y = digits.target\nX_train, X_test, y_train, y_test = train_test_split(X, y, random_state={seed})"


def split(scaling: str, seed: int = 0) -> str:
    return f"X = {scaling}\n" + DIGITS_SPLIT.format(seed=seed)


def network(*dense: str, first: str = "keras.Input(shape=(64,)), ", count: str = "model.count_params()") -> str:
    return f"model = keras.Sequential([{first}{', '.join(dense)}])\nmodel.summary()\nn_params = {count}"


HIDDEN = ("layers.Dense(64, activation='relu')", "layers.Dense(32, activation='relu')")
SOFTMAX = "layers.Dense(10, activation='softmax')"
RMSPROP = "keras.optimizers.RMSprop(learning_rate=0.005)"


def compiled(loss: str, optimizer: str = RMSPROP, targets: str = "y_train", test_targets: str = "y_test") -> str:
    return (
        f"train_targets = {targets}\ntest_targets = {test_targets}\n"
        f"model.compile(optimizer={optimizer}, loss='{loss}', metrics=['accuracy'])"
    )


def fitted(validation: str = "validation_split=0.2") -> str:
    return f"history = model.fit(X_train, train_targets, epochs=20, batch_size=64, {validation}, verbose=0)"


SUBMISSIONS: dict[str, dict[str, str]] = {
    # A working model with: float64 pixels, a parameter count typed in, Adam, validation on the test set,
    # the 'acc' key of a model compiled with 'accuracy', predict(x[0]), an accuracy copied from evaluate,
    # two wrong conceptual answers
    "slips": {
        "q1": split("digits.data / 16"),
        "q2": network(*HIDDEN, SOFTMAX, count="6000"),
        "q3": compiled("sparse_categorical_crossentropy", optimizer="keras.optimizers.Adam(learning_rate=0.005)"),
        "q4": fitted("validation_data=(X_test, test_targets)"),
        "q5": "acc_curve = history.history['acc']\nval_acc_curve = history.history['val_acc']\nbest_epoch = 1",
        "q6": (
            "probs = model.predict(X_test, verbose=0)\npred_classes = probs.argmax(axis=1)\n"
            "first_probs = model.predict(X_test[0], verbose=0)"
        ),
        "q7": (
            "test_loss, test_acc = model.evaluate(X_test, test_targets, verbose=0)\n\n\n"
            "def accuracy(pred_classes, labels):\n    return float(np.mean(pred_classes == labels))\n\n\n"
            "manual_acc = test_acc"
        ),
        "q8": "q8_answer = 'a'",
        "q9": "q9_order = ('c', 'd', 'a', 'f', 'e', 'b')",
    },
    # A working model with: validation on the training data, a best epoch counted from 0 and a plot against
    # 0..19 without a legend, the largest probability instead of the class, an accuracy that counts, the
    # test set before choosing the epochs
    "more_slips": {
        "q4": fitted("validation_data=(X_train, train_targets)"),
        "q5": (
            "acc_curve = history.history['accuracy']\nval_acc_curve = history.history['val_accuracy']\n"
            "best_epoch = int(np.argmax(val_acc_curve))\nplt.plot(acc_curve)\nplt.plot(val_acc_curve)\nplt.show()"
        ),
        "q6": (
            "probs = model.predict(X_test, verbose=0)\npred_classes = probs.max(axis=1)\n"
            "first_probs = model.predict(X_test[:1], verbose=0)"
        ),
        "q7": (
            "test_loss, test_acc = model.evaluate(X_test, test_targets, verbose=0)\n\n\n"
            "def accuracy(pred_classes, labels):\n    return int(np.sum(pred_classes == labels))\n\n\n"
            "manual_acc = accuracy(pred_classes, y_test)"
        ),
        "q8": "q8_answer = 'b'",
        "q9": "q9_order = ('c', 'a', 'd', 'f', 'b', 'e')",
    },
    # unscaled pixels, no input shape (count_params raises), fit before compile
    "order": {
        "q1": split("digits.data.astype('float32')"),
        "q2": network(*HIDDEN, SOFTMAX, first=""),
        "q3": (
            "train_targets = y_train\ntest_targets = y_test\n"
            "history = model.fit(X_train, train_targets, epochs=20, batch_size=64)\n"
            f"model.compile(optimizer={RMSPROP}, loss='sparse_categorical_crossentropy', metrics=['accuracy'])"
        ),
    },
    # pixels / 255, nine output units, categorical_crossentropy with class numbers
    "categorical_with_class_numbers": {
        "q1": split("(digits.data / 255).astype('float32')"),
        "q2": network(*HIDDEN, "layers.Dense(9, activation='softmax')"),
        "q3": compiled("categorical_crossentropy"),
    },
    # another random_state, sparse_categorical_crossentropy with one-hot rows
    "sparse_with_one_hot": {
        "q1": split("(digits.data / 16).astype('float32')", seed=1),
        "q3": compiled(
            "sparse_categorical_crossentropy",
            targets="keras.utils.to_categorical(y_train, 10)",
            test_targets="keras.utils.to_categorical(y_test, 10)",
        ),
    },
    # epochs and batch_size by position, in the wrong order: fit(x, y, 20, 64) trains 64 epochs of batches of 20
    "positional_fit": {
        "q4": "history = model.fit(X_train, train_targets, 20, 64, validation_split=0.2, verbose=0)",
    },
    # compile raises on `lr=`, so the model is never compiled and fit fails after it
    "compile_lr": {
        "q3": (
            "train_targets = y_train\ntest_targets = y_test\n"
            "model.compile(optimizer=keras.optimizers.RMSprop(lr=0.005), loss='sparse_categorical_crossentropy', "
            "metrics=['accuracy'])"
        ),
    },
    # right, written differently: input_shape= and model.add, one-hot targets with categorical_crossentropy as
    # an object and the short metric name 'acc', an explicit validation split, arrays and the object API for
    # the plot, reshape instead of a slice, a float32 accuracy, letters in capitals
    "other_right_way": {
        "q2": (
            "model = keras.Sequential()\nmodel.add(layers.Dense(64, activation='relu', input_shape=(64,)))\n"
            "model.add(layers.Dense(32, activation='relu'))\nmodel.add(layers.Dense(10, activation='softmax'))\n"
            "n_params = model.count_params()"
        ),
        "q3": (
            "train_targets = keras.utils.to_categorical(y_train, 10)\n"
            "test_targets = keras.utils.to_categorical(y_test)\n"
            f"model.compile(optimizer={RMSPROP}, loss=keras.losses.CategoricalCrossentropy(), metrics=['acc'])"
        ),
        "q4": (
            "X_fit, X_val, fit_targets, val_targets = train_test_split(X_train, train_targets, test_size=0.2,\n"
            "                                                          random_state=3)\n"
            "history = model.fit(X_fit, fit_targets, batch_size=64, epochs=20,\n"
            "                    validation_data=(X_val, val_targets))"
        ),
        "q5": (
            "acc_curve = history.history['acc']\nval_acc_curve = np.array(history.history['val_acc'])\n"
            "best_epoch = val_acc_curve.argmax() + 1\nfig, ax = plt.subplots()\n"
            "ax.plot(np.arange(1, 21), acc_curve)\nax.plot(np.arange(1, 21), val_acc_curve)\n"
            "ax.legend(['training', 'validation'])\nplt.show()"
        ),
        "q6": (
            "probs = model.predict(X_test)\npred_classes = np.argmax(probs, axis=-1)\n"
            "first_probs = model.predict(X_test[0].reshape(1, -1))"
        ),
        "q7": (
            "test_loss, test_acc = model.evaluate(X_test, test_targets)\n\n\n"
            "def accuracy(pred_classes, labels):\n    return (pred_classes == labels).astype('float32').mean()\n\n\n"
            "manual_acc = accuracy(pred_classes, y_test)"
        ),
        "q8": "q8_answer = 'C'",
        "q9": "q9_order = ['C', 'A', 'D', 'F', 'E', 'B']",
    },
}

ALL = {"q1": 2, "q2": 3, "q3": 4, "q4": 3, "q5": 4, "q6": 3, "q7": 3, "q8": 2, "q9": 2}
EXPECTED_SCORES = {
    "slips": ALL | {"q1": 0, "q2": 2, "q3": 3, "q4": 1, "q5": 0, "q6": 2, "q7": 2, "q8": 0, "q9": 0},
    "more_slips": ALL | {"q4": 1, "q5": 2, "q6": 2, "q7": 1, "q8": 0, "q9": 0},
    "order": {"q1": 0, "q2": 2, "q3": 0, "q4": 0, "q5": 0, "q6": 3, "q7": 0, "q8": 2, "q9": 2},
    # q6 grades the predictions of the model the student has, trained or not (training is q4's business)
    "categorical_with_class_numbers": ALL | {"q1": 0, "q2": 0, "q3": 1, "q4": 0, "q5": 0, "q6": 1, "q7": 0},
    "sparse_with_one_hot": ALL | {"q1": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 3, "q7": 0},
    "positional_fit": ALL | {"q4": 1},
    "compile_lr": ALL | {"q3": 0, "q4": 0, "q5": 0, "q7": 0},
    "other_right_way": ALL,
}


class _KeepValues:
    """Stands in for the grader's sandbox factory and keeps the values each run exported to the checks."""

    def __init__(self, factory: Any) -> None:
        self.factory = factory
        self.values: list[dict[str, Any]] = []

    def session(self) -> Any:
        session = self.factory.session()
        run = session.run

        def run_and_keep(*args: Any, **kwargs: Any) -> Any:
            execution = run(*args, **kwargs)
            self.values.append(transport.loads(execution.raw_values)[1])
            return execution

        session.run = run_and_keep
        return session

    def close(self) -> None:
        self.factory.close()


@pytest.fixture(scope="module")
def grader(bundles):
    with Grader(bundles(LAB), LIMITS) as warm:
        warm.sandboxes = _KeepValues(warm.sandboxes)
        yield warm


@pytest.fixture(scope="module")
def notebooks(course, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp(LAB)
    solutions = solution_answers(course, LAB)
    paths = {}
    for name, answers in {"solution": {}, **SUBMISSIONS}.items():
        nb = fill_answers(student_notebook(course, LAB), solutions | answers)
        paths[name] = folder / f"{name}.ipynb"
        nbformat.write(nb, paths[name])
    return paths


@pytest.fixture(scope="module")
def graded(grader, notebooks) -> dict[str, SubmissionResult]:
    return {name: grader.grade_file(notebooks[name]) for name in SUBMISSIONS}


def hidden_failures(result: SubmissionResult) -> list[str]:
    return [c.message for q in result.questions for c in q.checks if c.hidden and not c.passed]


# --- full marks, every time -----------------------------------------------------------------------


def test_solution_grades_identically_three_times_in_a_row(grader, notebooks):
    runs, seconds = [], []
    for _ in range(3):
        started = time.monotonic()
        runs.append(grader.grade_file(notebooks["solution"]))
        seconds.append(time.monotonic() - started)
    histories = [values["history"] for values in grader.sandboxes.values[-3:]]
    print(f"\nlab05 solution graded in {', '.join(f'{s:.1f}' for s in seconds)} s")
    for result in runs:
        assert (result.status, result.score, result.max_score) == ("graded", FULL, FULL), failures(result)
    outcomes = [[(c.question, c.name, c.passed, c.message) for q in r.questions for c in q.checks] for r in runs]
    assert outcomes[0] == outcomes[1] == outcomes[2]
    assert histories[0].history == histories[1].history == histories[2].history
    # a fifth of the 1347 training pictures held out: 1077 train, in 17 batches of 64
    assert histories[0].params == {"verbose": 0, "epochs": 20, "steps": 17}
    assert min(histories[0].history["val_accuracy"][-3:]) >= 0.9, "the margin over the 0.85 threshold shrank"


def test_other_right_ways_score_full_marks(graded):
    result = graded["other_right_way"]
    assert (result.status, result.score) == ("graded", FULL), failures(result)
    assert scores(result) == EXPECTED_SCORES["other_right_way"]


def test_untouched_student_notebook_scores_zero(grader, course):
    result = grader.grade_file(course.student_dir(LAB) / f"{LAB}.ipynb")
    assert (result.status, result.score) == ("graded", 0)
    assert not any(c.passed for q in result.questions for c in q.checks)
    messages = failures(result)
    assert messages["q2"][0].startswith("`model` is not set yet")
    assert messages["q4"][0].startswith("`history` is not set yet")
    assert messages["q6"][1].startswith("`first_probs` is not set yet")
    assert messages["q8"][0].startswith("`q8_answer` should be one of the letters")


def test_quick_checks_earn_nothing_by_themselves(graded):
    for result in graded.values():
        assert all(c.points == 0 for q in result.questions for c in q.checks if not c.hidden)


# --- each mistake costs exactly its points and is named ---------------------------------------------


@pytest.mark.parametrize("name", [n for n in SUBMISSIONS if n != "other_right_way"])
def test_mistakes_cost_exactly_their_points(graded, name):
    result = graded[name]
    assert result.status == "graded"
    assert scores(result) == EXPECTED_SCORES[name], failures(result)
    assert result.score == sum(EXPECTED_SCORES[name].values())


def test_slips_after_a_working_model_are_named(graded):
    messages = hidden_messages(graded["slips"])
    assert messages["q1"][0].startswith("`X` has the right values but is computed in float64")
    assert "which is not what the model's `count_params()` gives" in messages["q2"][0]
    assert "compiled with the Adam optimizer" in messages["q3"][0]
    assert messages["q4"][0].startswith("`history` was validated on the test set")
    assert "reading it raised KeyError: 'acc'" in messages["q5"][0]
    assert "`metrics=['accuracy']` gives 'accuracy'" in messages["q5"][0]
    assert "on `X_test[0]`, which is one sample without the batch axis" in messages["q6"][0]
    assert messages["q7"] == [
        "`manual_acc` is the accuracy that `evaluate` reported, copied: compute it by calling your `accuracy` "
        "function on `pred_classes` and `y_test`."
    ]
    assert messages["q8"][0].startswith("A validation loss above the training loss is normal")
    assert messages["q9"][0].startswith("In your order the network is compiled before it exists")


def test_more_slips_are_named(graded):
    messages = hidden_messages(graded["more_slips"])
    assert messages["q4"][0].startswith("`history` was validated on the training data itself")
    assert messages["q5"][0].startswith("`best_epoch` is the position in the list, which counts from 0")
    assert "drawn against 0, 1, 2, ...: `plt.plot(y)` numbers the points from 0" in messages["q5"][1]
    assert "holds the largest probability of each sample, not its class" in messages["q6"][0]
    assert "counts the correct predictions" in messages["q7"][0]
    assert messages["q8"][0].startswith("The training loss falls at nearly every epoch whatever happens")
    assert "the test set is used before the number of epochs is decided" in messages["q9"][0]


def test_an_unbuilt_model_and_fit_before_compile_are_named(graded):
    messages = failures(graded["order"])
    assert messages["q1"][0].startswith("`X` is not scaled")
    assert "because the model was not built when that line ran" in messages["q2"][0]
    assert "`keras.Input(shape=(64,))`" in messages["q2"][0]
    assert messages["q3"][0].startswith("`model` is not compiled: its cell raised")
    assert "fit ran before compile" in messages["q3"][0]
    assert "so fit ran before the model was compiled" in messages["q4"][0]


def test_arguments_by_position_and_a_compile_that_raised_are_named(graded):
    positional = hidden_messages(graded["positional_fit"])
    assert "which is what fit gives with epochs and batch_size swapped" in positional["q4"][0]
    compile_lr = failures(graded["compile_lr"])
    for message in compile_lr["q3"][:2] + compile_lr["q4"][:2]:
        assert "the argument is called `learning_rate`" in message, message
        assert "before" not in message and "has not run" not in message, message


def test_losses_that_do_not_fit_the_labels_are_named(graded):
    categorical = failures(graded["categorical_with_class_numbers"])
    assert "`X` is divided by 255" in categorical["q1"][0]
    assert "has 9 units, but there are 10 classes" in categorical["q2"][0]
    assert "holds class numbers (shape (1347,)), but categorical_crossentropy expects one-hot" in categorical["q3"][0]
    assert "`model.fit(...)` did not finish (it raised ValueError" in categorical["q4"][0]
    assert "`train_targets` holds class numbers" in categorical["q4"][0]
    sparse = failures(graded["sparse_with_one_hot"])
    assert "`train_targets` is one-hot (shape (1347, 10)), but sparse_categorical_crossentropy" in sparse["q3"][0]
    assert "is the part of a split with random_state=1" in hidden_messages(graded["sparse_with_one_hot"])["q1"][0]


def test_hidden_messages_never_reveal_expected_values(graded):
    """Only what the student wrote themselves may appear (a quoted line of theirs holding the asked rate)."""
    secrets = ("6570", "(64, 64)", "0.005", "[64, 32, 10]", "(64, 32, 10)", "'c'", "epoch 6,", '"c"', "('c'")
    messages = [(name, m) for name, result in graded.items() for m in hidden_failures(result)]
    assert len(messages) >= 25
    for name, message in messages:
        written = " ".join(SUBMISSIONS[name].values())
        assert not any(secret in message and secret not in written for secret in secrets), message


def test_hidden_messages_hold_no_solution_expression(graded, course, bundles):
    """The audit's leak guard, on these submissions: no hidden message spells the code of the question's answer.

    A quoted line of the student's own that raised is theirs, whatever it holds, so those are left out.
    """
    from autograder.audit.lab import questions
    from autograder.audit.leaks import expression_secrets, leaks

    solution = nbformat.read(course.dist_dir(LAB) / "solution.ipynb", as_version=4)
    for info in questions(course, bundles(LAB)):
        secrets = expression_secrets(solution.cells[info.answer_cell].source)
        messages = [c.message for result in graded.values() for q in result.questions if q.name == info.name
                    for c in q.checks if c.hidden and not c.passed and "raised" not in c.message]
        assert not leaks(messages, secrets), info.name


def test_the_learning_curve_question_reads_the_printed_history(course):
    """The history the students read is the one the hidden check reasons about."""
    master = nbformat.read(course.master(LAB), as_version=4)
    shown = next(c.source for c in master.cells if c.source.startswith("demo_history = {"))
    check = next(c.source for c in master.cells if "def test_q8_reading_of_the_learning_curves" in c.source)
    for key in ("loss", "val_loss"):
        printed = shown.split(f'"{key}": [')[1].split("]")[0]
        assert f"{key} = np.array([{printed}])" in check


# --- public checks in the student's own kernel see live Keras objects ------------------------------


def test_recognisers_read_live_keras_objects_as_the_grader_does():
    code = textwrap.dedent(
        """
        import os, warnings
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        warnings.simplefilter("ignore")
        import keras, numpy as np
        from autograder.feedback.keras import as_record, explain_compile, explain_history, explain_model

        unbuilt = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3)])
        print(explain_model("model", as_record(unbuilt), 3, n_features=4).message.split(":")[0])
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.005), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        history = model.fit(np.zeros((10, 4)), np.zeros(10), epochs=2, batch_size=5, verbose=0)
        record = as_record(model)
        print(explain_model("model", record, 3, n_features=4), explain_compile("model", record, learning_rate=0.005))
        print(explain_history("history", history, epochs=2, batch_size=5, n_samples=10))
        print(record.predict(np.zeros((2, 4)), verbose=0).shape)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines() == ["`model` is not built", "None None", "None", "(2, 3)"]

