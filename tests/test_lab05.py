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
from tests.conftest import failures, scores, solution_answers, student_notebook

pytestmark = pytest.mark.slow

LAB = "lab05-keras-model"
LIMITS = Limits(timeout=60, grace=5)
FULL = 18

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


SUBMISSIONS: dict[str, dict[str, str]] = {
    # float64 pixels, linear output, 'rmsprop' string, fit(x, y, 20, 64) (swapped, no validation),
    # the 'acc' key, predict(x[0]), accuracy with a (n, 1) column
    "slips": {
        "q1": split("digits.data / 16"),
        "q2": network(*HIDDEN, "layers.Dense(10)"),
        "q3": compiled("sparse_categorical_crossentropy", optimizer="'rmsprop'"),
        "q4": "history = model.fit(X_train, train_targets, 20, 64, verbose=0)",
        "q5": "acc_curve = history.history['acc']\nval_acc_curve = history.history['val_acc']\nbest_epoch = 1",
        "q6": (
            "probs = model.predict(X_test, verbose=0)\npred_classes = probs.argmax(axis=1)\n"
            "first_probs = model.predict(X_test[0], verbose=0)"
        ),
        "q7": (
            "train_loss, train_acc = model.evaluate(X_train, train_targets, verbose=0)\n"
            "test_loss, test_acc = model.evaluate(X_test, test_targets, verbose=0)\n"
            "manual_acc = float(np.mean(probs.argmax(axis=1, keepdims=True) == y_test))"
        ),
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
    # another random_state, a parameter count typed in, sparse_categorical_crossentropy with one-hot rows
    "sparse_with_one_hot": {
        "q1": split("(digits.data / 16).astype('float32')", seed=1),
        "q2": network(*HIDDEN, SOFTMAX, count="6000"),
        "q3": compiled(
            "sparse_categorical_crossentropy",
            targets="keras.utils.to_categorical(y_train, 10)",
            test_targets="keras.utils.to_categorical(y_test, 10)",
        ),
    },
    # right, written differently: input_shape=, model.add, one-hot with categorical_crossentropy as an object,
    # fit arguments in another order and verbose, arrays instead of lists, reshape instead of a slice
    "other_right_way": {
        "q2": (
            "model = keras.Sequential()\nmodel.add(layers.Dense(64, activation='relu', input_shape=(64,)))\n"
            "model.add(layers.Dense(32, activation='relu'))\nmodel.add(layers.Dense(10, activation='softmax'))\n"
            "n_params = model.count_params()"
        ),
        "q3": (
            "train_targets = keras.utils.to_categorical(y_train, 10)\n"
            "test_targets = keras.utils.to_categorical(y_test)\n"
            f"model.compile(optimizer={RMSPROP}, loss=keras.losses.CategoricalCrossentropy(), metrics=['accuracy'])"
        ),
        "q4": (
            "history = model.fit(X_train, train_targets, batch_size=64, epochs=20,\n"
            "                    validation_data=(X_test, test_targets))"
        ),
        "q5": (
            "acc_curve = history.history['accuracy']\nval_acc_curve = np.array(history.history['val_accuracy'])\n"
            "best_epoch = val_acc_curve.argmax() + 1\nplt.plot(acc_curve)\nplt.plot(val_acc_curve)\nplt.show()"
        ),
        "q6": (
            "probs = model.predict(X_test)\npred_classes = np.argmax(probs, axis=-1)\n"
            "first_probs = model.predict(X_test[0].reshape(1, -1))"
        ),
        "q7": (
            "train_loss, train_acc = model.evaluate(X_train, train_targets)\n"
            "test_loss, test_acc = model.evaluate(X_test, test_targets)\n"
            "manual_acc = (pred_classes == y_test).mean().item()"
        ),
    },
}

EXPECTED_SCORES = {
    "slips": {"q1": 0.5, "q2": 0, "q3": 2, "q4": 0, "q5": 0, "q6": 0, "q7": 1},
    "order": {"q1": 0.5, "q2": 1, "q3": 0, "q4": 0, "q5": 0, "q6": 2, "q7": 0},
    "categorical_with_class_numbers": {"q1": 0.5, "q2": 0, "q3": 1, "q4": 0, "q5": 0, "q6": 0, "q7": 0},
    "sparse_with_one_hot": {"q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 2, "q7": 0},
    "other_right_way": {"q1": 2, "q2": 3, "q3": 3, "q4": 2, "q5": 2, "q6": 3, "q7": 3},
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
    assert histories[0].params == {"verbose": 0, "epochs": 20, "steps": 22}
    assert min(histories[0].history["val_accuracy"][-3:]) >= 0.93, "the margin over the 0.85 threshold shrank"


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


# --- each mistake costs exactly its points and is named ---------------------------------------------


@pytest.mark.parametrize("name", [n for n in SUBMISSIONS if n != "other_right_way"])
def test_mistakes_cost_exactly_their_points(graded, name):
    result = graded[name]
    assert result.status == "graded"
    assert scores(result) == EXPECTED_SCORES[name], failures(result)
    assert result.score == sum(EXPECTED_SCORES[name].values())


def test_slips_after_a_working_model_are_named(graded):
    messages = failures(graded["slips"])
    assert messages["q1"][0].startswith("`X` is float64")
    assert "has no activation (linear)" in messages["q2"][0]
    assert "default learning rate, 0.001: `optimizer='rmsprop'`" in messages["q3"][0]
    assert "epochs and batch_size are swapped" in messages["q4"][0]
    assert "fit ran without validation data" in messages["q4"][0]
    assert "probably raised a KeyError" in messages["q5"][0]
    assert "'acc' is the name in older code" in messages["q5"][0]
    assert "outside [0, 1], so these are not probabilities" in messages["q6"][0]
    assert (
        "`model.predict(x[0])` raises ValueError because `x[0]` is one sample without the batch axis"
        in (messages["q6"][1])
    )
    assert "NumPy broadcasts them to an (n, n) table" in messages["q7"][0]


def test_an_unbuilt_model_and_fit_before_compile_are_named(graded):
    messages = failures(graded["order"])
    assert "still runs from 0 to 16" in messages["q1"][0]
    assert "raises ValueError on a model that is not built yet" in messages["q2"][0]
    assert "`keras.Input(shape=(64,))`" in messages["q2"][0]
    assert messages["q3"][0].startswith("`model` is not compiled: call `model.compile(")
    assert "Calling fit first raises" in messages["q3"][0]
    assert "fit raises 'You must call `compile()` before using the model'" in messages["q4"][0]


def test_losses_that_do_not_fit_the_labels_are_named(graded):
    categorical = failures(graded["categorical_with_class_numbers"])
    assert "was divided by 255" in categorical["q1"][0]
    assert "has 9 units, but there are 10 classes" in categorical["q2"][0]
    assert "holds class numbers (shape (1347,)), but categorical_crossentropy expects one-hot" in categorical["q3"][0]
    assert "`model.fit(...)` did not finish. `train_targets` holds class numbers" in categorical["q4"][0]
    sparse = failures(graded["sparse_with_one_hot"])
    assert "`train_targets` is one-hot (shape (1347, 10)), but sparse_categorical_crossentropy" in sparse["q3"][0]
    assert "which is not what `model.count_params()` gives" in sparse["q2"][0]
    assert "random_state=0" in sparse["q1"][0]


def test_hidden_messages_never_reveal_expected_values(graded):
    secrets = ("6570", "(64, 64)", "0.005", "[64, 32, 10]", "(64, 32, 10)")
    messages = [m for result in graded.values() for m in hidden_failures(result)]
    assert len(messages) >= 15
    for message in messages:
        assert not any(secret in message for secret in secrets), message


def test_a_numpy_float_answer_is_graded(grader, course, tmp_path):
    answers = solution_answers(course, LAB)
    answers["q7"] = answers["q7"].replace("float(np.mean(pred_classes == y_test))", "np.mean(pred_classes == y_test)")
    assert "manual_acc = np.mean(" in answers["q7"]
    path = tmp_path / "numpy_float.ipynb"
    nbformat.write(fill_answers(student_notebook(course, LAB), answers), path)
    result = grader.grade_file(path)
    assert (result.status, result.score) == ("graded", FULL), result.message


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
        print(explain_model("model", as_record(unbuilt), 3, n_features=4).split(":")[0])
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.005), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        history = model.fit(np.zeros((10, 4)), np.zeros(10), epochs=2, batch_size=5, verbose=0)
        record = as_record(model)
        print(explain_model("model", record, 3, n_features=4), explain_compile(record, learning_rate=0.005))
        print(explain_history(as_record(history, "history"), epochs=2, batch_size=5, n_samples=10, validation=False))
        print(record.predict(np.zeros((2, 4)), verbose=0).shape)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines() == ["`model` is not built", "None None", "None", "(2, 3)"]
