"""The execute and check stages on their own: sandboxed runner, deadlines, probes, hidden messages."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from autograder import transport
from autograder.check.run import run_checks
from autograder.execute import sandbox
from autograder.execute.rebuilt import Rebuilder
from autograder.execute.session import StudentProcess
from autograder.model import Limits

LIMITS = Limits(timeout=5, grace=3, call_timeout=2)
needs_bwrap = pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap is not installed")


def run(cells: list[str], names: list[str], limits: Limits = LIMITS):
    with StudentProcess(limits) as student:
        execution = student.run(cells, names)
    values = transport.loads(execution.raw_values)[1] if execution.raw_values else {}
    return execution, values


def test_cells_run_in_order_and_later_cells_run_after_an_error():
    execution, values = run(["%matplotlib inline\nx = 1", "1/0", "y = x + 1\nprint('hello')"], ["x", "y", "nope"])
    assert [c.status for c in execution.cells] == ["ok", "error", "ok"]
    assert execution.cells[1].error == "ZeroDivisionError: division by zero"
    assert "hello" in execution.cells[2].output
    assert values == {"x": 1, "y": 2}


def test_soft_deadline_keeps_values_from_cells_that_ran():
    execution, values = run(["a = 1", "while True:\n    pass", "b = 2"], ["a", "b"], Limits(timeout=1, grace=3))
    assert execution.status == "ok" and execution.timed_out
    assert [c.status for c in execution.cells] == ["ok", "timeout"]
    assert values == {"a": 1}


def test_hard_deadline_kills_code_that_ignores_the_soft_one():
    started = time.monotonic()
    cells = ["import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"]
    execution, _ = run(cells, [], Limits(timeout=1, grace=1))
    assert execution.status == "timeout"
    assert time.monotonic() - started < 6


def test_a_crash_is_reported_with_its_signal():
    execution, _ = run(["import ctypes\nctypes.string_at(0)"], [])
    assert execution.status == "crashed" and "SIGSEGV" in execution.message


def test_os_exit_is_reported():
    execution, _ = run(["import os\nos._exit(3)"], [])
    assert execution.status == "crashed" and "code 3" in execution.message


@needs_bwrap
def test_sandbox_hides_the_course_and_is_read_only(tmp_path):
    root = Path(sandbox.__file__).resolve().parents[2]
    cells = [
        f"import os\nseen = sorted(os.listdir({str(root)!r}))",
        "uid = os.getuid()",
        f"try:\n    open({str(root / 'autograder' / 'x.py')!r}, 'w')\n    wrote = True\n"
        "except OSError:\n    wrote = False",
        "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 22), timeout=1)\n    net = True\n"
        "except OSError:\n    net = False",
    ]
    _, values = run(cells, ["seen", "uid", "wrote", "net"])
    assert "solutions" not in values["seen"] and "dist" not in values["seen"] and "tests" not in values["seen"]
    assert values["uid"] == 65534 and values["wrote"] is False and values["net"] is False


def write_test(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text("from otter.test_files import test_case\n\nOK_FORMAT = False\n\n" + textwrap.dedent(body))
    return path


def test_checks_probe_student_functions_on_inputs_chosen_after_the_run(tmp_path):
    test = write_test(
        tmp_path,
        "q1",
        """
        name = "q1"
        points = 3

        @test_case(points=1, hidden=False)
        def test_public(double):
            assert double(2) == 4, "double(2) should be 4"

        @test_case(points=1, hidden=True)
        def test_chain(double):
            import numpy as np
            first = double(np.arange(3))
            assert np.array_equal(double(first), np.arange(3) * 4), "twice doubled is wrong"

        @test_case(points=1, hidden=True)
        def test_raises(double):
            double("boom")
        """,
    )
    with StudentProcess(LIMITS) as student:
        execution = student.run(
            ["def double(x):\n    if isinstance(x, str):\n        raise ValueError('no')\n    return x * 2"], ["double"]
        )
        result = run_checks([test], execution, student, timeout=30)
    outcome = {c.name: c for c in result.cases}
    assert outcome["test_public"].passed and outcome["test_chain"].passed
    assert not outcome["test_raises"].passed
    assert outcome["test_raises"].message.startswith("calling `double` failed: ValueError: no")


def test_hidden_failures_show_the_message_but_never_the_source(tmp_path):
    test = write_test(
        tmp_path,
        "q1",
        """
        name = "q1"
        points = 2

        @test_case(points=1, hidden=True)
        def test_secret(x):
            SECRET_EXPECTED = 424242
            assert x == SECRET_EXPECTED, "x is not the number asked for"

        @test_case(points=1, hidden=True)
        def test_silent(x):
            assert x == 424242
        """,
    )
    with StudentProcess(LIMITS) as student:
        execution = student.run(["x = 1"], ["x"])
        result = run_checks([test], execution, student, timeout=30)
    messages = [c.message for c in result.cases]
    assert messages == ["x is not the number asked for", "a hidden check failed"]
    assert not any("424242" in m or "SECRET" in m for m in messages)


def test_a_function_that_hangs_fails_its_check_only(tmp_path):
    test = write_test(
        tmp_path,
        "q1",
        """
        name = "q1"
        points = 2

        @test_case(points=1)
        def test_hangs(slow):
            assert slow(1) == 1

        @test_case(points=1)
        def test_value(x):
            assert x == 1
        """,
    )
    with StudentProcess(Limits(timeout=5, grace=2, call_timeout=1)) as student:
        execution = student.run(["def slow(v):\n    while True:\n        pass", "x = 1"], ["slow", "x"])
        result = run_checks([test], execution, student, timeout=30)
    outcome = {c.name: c for c in result.cases}
    assert outcome["test_value"].passed and not outcome["test_hangs"].passed
    assert "did not return within 1 s" in outcome["test_hangs"].message


KERAS_CELL = """
import keras
from keras import layers
from sklearn.datasets import load_digits

digits = load_digits()
X, y = digits.data.astype("float32") / 16, digits.target


class Counter(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


counter = Counter()
model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(32, activation="relu"),
                          layers.Dense(10, activation="softmax")])
model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(X[:1400], y[:1400], epochs=3, batch_size=128, validation_data=(X[1400:], y[1400:]),
                    verbose=0, callbacks=[counter])
"""


@pytest.mark.slow
def test_keras_models_histories_and_callbacks_arrive_as_records_and_predict_is_probed(tmp_path):
    test = write_test(
        tmp_path,
        "q1",
        """
        name = "q1"
        points = 2

        @test_case(points=1)
        def test_model(model, history, counter):
            assert model.built and model.layers[-1].units == 10 and model.layers[-1].activation == "softmax"
            assert model.optimizer.class_name == "RMSprop" and abs(model.optimizer.learning_rate - 0.01) < 1e-9
            assert model.loss == "sparse_categorical_crossentropy" and "accuracy" in model.metrics
            assert history.params["epochs"] == 3 and len(history.history["val_loss"]) == 3
            assert counter.batches == 3 * 11

        @test_case(points=1)
        def test_predict(model):
            import numpy as np
            x = np.random.default_rng(5).random((7, 64)).astype("float32")
            p = model.predict(x, verbose=0)
            assert p.shape == (7, 10) and np.allclose(p.sum(axis=1), 1, atol=1e-5)
        """,
    )
    accuracies = []
    for _ in range(2):
        with StudentProcess(Limits(timeout=120)) as student:
            execution = student.run([KERAS_CELL], ["model", "history", "counter"], ("keras",))
            with Rebuilder(ColdSessions(), execution, ("keras",)) as rebuilder:
                result = run_checks([test], execution, student, timeout=60, rebuilder=rebuilder)
            accuracies.append(transport.loads(execution.raw_values)[1]["history"].history["val_accuracy"])
        assert [c.passed for c in result.cases] == [True, True], [c.message for c in result.cases]
    assert accuracies[0] == accuracies[1], "seeded training must repeat exactly"


def test_figures_are_recorded_as_data_even_when_show_closes_them():
    cells = [
        "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([0, 1, 2], [3, 2, 1], label='loss')\n"
        "plt.plot([0, 1, 2], [4, 3, 3], label='val_loss')\nplt.legend()\nplt.title('curves')\nplt.xlabel('epoch')\n"
        "plt.ylim(0, 5)\nplt.show()",
        "fig, ax = plt.subplots(1, 2)\nax[1].imshow([[0, 1], [1, 0]])\n__figures__ = 'a forged drawing'",
    ]
    _, values = run(cells, ["__figures__"])
    first, second = values["__figures__"]
    (axes,) = first.axes
    assert (first.cell, axes.title, axes.xlabel, axes.legend) == (0, "curves", "epoch", ["loss", "val_loss"])
    assert [(line.label, line.y) for line in axes.lines] == [("loss", [3, 2, 1]), ("val_loss", [4, 3, 3])]
    assert axes.ylim == (0.0, 5.0)
    assert second.cell == 1 and [a.images for a in second.axes] == [0, 1]


class ColdSessions:
    """Fresh cold sandboxes for rebuilt models (a grader uses its warm zygote)."""

    def session(self) -> StudentProcess:
        return StudentProcess(Limits(timeout=120))


CHEATS = """
import numpy as np
import keras
from keras import layers


class Oracle(keras.Sequential):
    def predict(self, x, **kwargs):
        return np.tile(np.eye(10)[3], (len(x), 1))


oracle = Oracle([keras.Input(shape=(64,)), layers.Dense(10, activation="softmax")])
patched = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(10, activation="softmax")])
patched.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
patched.predict = lambda x, **kwargs: np.tile(np.eye(10)[3], (len(x), 1))
patched.evaluate = lambda *args, **kwargs: [0.0, 1.0]
"""


@pytest.mark.slow
def test_checks_call_predict_and_evaluate_on_a_model_rebuilt_outside_the_students_process(tmp_path):
    test = write_test(
        tmp_path,
        "q1",
        """
        name = "q1"
        points = 2

        @test_case(points=1)
        def test_patched(patched):
            import numpy as np
            x = np.random.default_rng(1).random((6, 64)).astype("float32")
            p = patched.predict(x, verbose=0)
            assert not np.allclose(p, np.eye(10)[3]), "the lookup table answered"
            loss, accuracy = patched.evaluate(x, np.zeros(6, dtype=int), verbose=0)
            assert loss > 0 and accuracy < 1, "evaluate's forged numbers answered"

        @test_case(points=1)
        def test_oracle(oracle):
            import numpy as np
            oracle.predict(np.zeros((2, 64), dtype="float32"))
        """,
    )
    with StudentProcess(Limits(timeout=120)) as student:
        execution = student.run([CHEATS], ["oracle", "patched"], ("keras",))
        with Rebuilder(ColdSessions(), execution, ("keras",)) as rebuilder:
            result = run_checks([test], execution, student, timeout=60, rebuilder=rebuilder)
    patched, oracle = result.cases
    assert patched.passed, patched.message
    assert not oracle.passed and "could not be rebuilt" in oracle.message and "classes of your own" in oracle.message
