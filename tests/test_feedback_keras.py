"""The Keras recognisers on hand-made records: the network and its compile settings.

Records are built here as the grader sends them. Each confirmed diagnosis is tested on several
architectures, with a near miss that must not get it. The builders are shared with the other
``test_feedback_keras_*`` modules.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from autograder import protocol
from autograder.feedback import exceptions
from autograder.feedback.keras import (
    as_record,
    class_numbers,
    explain_compile,
    explain_layers,
    explain_loss_labels,
    explain_model,
    explain_param_count,
    loss_name,
)
from autograder.model import CellFailure, Finding, FindingCode
from autograder.protocol import HistoryRecord, KerasLayerRecord, KerasModelRecord, OptimizerRecord
from autograder.transport import FunctionRef, Opaque, Record

SPARSE = "sparse_categorical_crossentropy"
CATEGORICAL = "categorical_crossentropy"
ARCHITECTURES = [(64, (64, 32, 10)), (4, (3,)), (784, (128, 10)), (20, (8, 8, 2))]
"""(features, units of each Dense layer): the lab's network and others."""


def message(finding: Finding | None) -> str:
    assert finding is not None, "expected a finding, got None"
    return finding.message


@pytest.fixture(autouse=True)
def no_failures() -> Iterator[None]:
    """Each test starts with no cell failures known, and leaves none behind."""
    exceptions.use_failures(())
    yield
    exceptions.use_failures(())


def failed(names: tuple[str, ...], error: str, line: str = "") -> None:
    """The check process learns that the cell setting ``names`` raised ``error`` at ``line``."""
    exceptions.use_failures([CellFailure(names, error, line)])


def layer(units: int, activation: str, built: bool = True, name: str = "dense", n_in: int = 0) -> Record:
    record = KerasLayerRecord(class_name="Dense", name=name, units=units, activation=activation, built=built,
                              output_shape=(None, units), count_params=n_in * units + units, config={})
    return protocol.as_record(record, KerasLayerRecord.TYPE_PREFIX + "Dense")


def model(units: tuple[int, ...] = (64, 32, 10), activations: tuple[str, ...] | None = None, *, n_features: int = 64,
          built: bool = True, input_shape: tuple | None = None, compiled: bool = True, optimizer: str = "RMSprop",
          learning_rate: float = 0.004999999888241291, loss: str | None = SPARSE,
          metrics: tuple[str, ...] = ("accuracy",)) -> Record:
    """A model record as the grader sends it (float32 learning rate included)."""
    activations = activations or ("relu",) * (len(units) - 1) + ("softmax",) * bool(units)
    ins = (n_features, *units[:-1])[: len(units)]
    layers = [layer(u, a, built, f"dense_{i}", n) for i, (u, a, n) in enumerate(zip(units, activations, ins,
                                                                                     strict=True))]
    opt = protocol.as_record(OptimizerRecord(optimizer, learning_rate), OptimizerRecord.TYPE_PREFIX + optimizer)
    record = KerasModelRecord(
        class_name="Sequential",
        built=built,
        layers=layers,
        count_params=sum(n * u + u for n, u in zip(ins, units, strict=True)) if built else 0,
        input_shape=(input_shape or (None, n_features)) if built else None,
        output_shape=(None, units[-1]) if built and units else None,
        compiled=compiled,
        optimizer=opt if compiled else None,
        loss=loss if compiled else None,
        metrics=list(metrics) if compiled else [],
        weights=[],
        predict=FunctionRef("model.predict"),
        evaluate=FunctionRef("model.evaluate"),
    )
    return protocol.as_record(record, KerasModelRecord.TYPE_NAME)


def history(epochs: int = 20, steps: int = 17, validation: bool = True, metric: str = "accuracy",
            asked_epochs: int | None = None) -> Record:
    curves = {"loss": list(np.linspace(1.0, 0.1, epochs)), metric: list(np.linspace(0.5, 0.99, epochs))}
    if validation:
        curves |= {"val_loss": list(np.linspace(1.1, 0.2, epochs)),
                   f"val_{metric}": list(np.linspace(0.4, 0.96, epochs))}
    params = {"verbose": 0, "epochs": asked_epochs or epochs, "steps": steps}
    return protocol.as_record(HistoryRecord(curves, params, list(range(epochs))), HistoryRecord.TYPE_NAME)


def test_the_package_never_imports_keras_or_tensorflow():
    code = "import sys, autograder.feedback.keras; print('keras' in sys.modules or 'tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_as_record_leaves_records_and_plain_values_alone():
    rec = model()
    assert as_record(rec) is rec
    assert as_record(None) is None
    arr = np.zeros(3)
    assert as_record(arr) is arr


def test_every_module_stays_short():
    from pathlib import Path

    import autograder.feedback.keras as package

    for path in Path(package.__file__).parent.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 450, path.name


# --- the network ----------------------------------------------------------------------


@pytest.mark.parametrize(("n_features", "units"), ARCHITECTURES)
def test_right_models_pass(n_features, units):
    rec = model(units, n_features=n_features)
    assert explain_model("model", rec, units[-1], n_features=n_features) is None
    assert explain_layers("model", rec, units, ("relu",) * (len(units) - 1) + ("softmax",)) is None
    assert explain_param_count("n_params", rec.count_params, rec, n_features=n_features) is None


def test_missing_and_non_models():
    assert message(explain_model("model", ..., 10)).startswith("`model` is not set yet")
    assert explain_model("model", None, 10).code == FindingCode.MISSING
    failed(("model",), "NameError: name 'layer' is not defined", "model = keras.Sequential([layer.Dense(3)])")
    finding = explain_model("model", None, 10)
    assert finding.code == FindingCode.RAISED and "NameError" in finding.message
    assert message(explain_model("model", Opaque("builtins.type"), 10)).startswith(
        "`model` is a builtins.type, not a Keras model: build it with `keras.Sequential([...])`")
    assert "has no layers yet" in message(explain_model("model", model((), ()), 10))


@pytest.mark.parametrize(("n_features", "units"), ARCHITECTURES)
def test_an_unbuilt_model_is_named_with_the_input_to_give(n_features, units):
    finding = explain_model("model", model(units, n_features=n_features, built=False), units[-1], n_features=n_features)
    assert finding.confirmed and finding.message.startswith("`model` is not built: no layer knows the shape")
    assert f"`keras.Input(shape=({n_features},))`" in finding.message


@pytest.mark.parametrize(
    ("input_shape", "phrase"),
    [
        ((None, 8, 8), "are the 64 features of one flat row here"),
        ((None, 1347, 64), "that of ONE sample, without the number of samples"),
        ((None, 32), "each sample here has 64 features"),
    ],
)
def test_wrong_input_shapes_are_described(input_shape, phrase):
    finding = explain_model("model", model(input_shape=input_shape), 10, n_features=64)
    assert finding.message.startswith(f"`model` expects inputs of shape {input_shape}")
    assert phrase in finding.message and not finding.confirmed


@pytest.mark.parametrize(("n_features", "units"), ARCHITECTURES)
def test_output_units_must_match_the_classes(n_features, units):
    wrong = (*units[:-1], units[-1] + 1)
    assert message(explain_model("model", model(wrong, n_features=n_features), units[-1])) == (
        f"The last layer of `model` has {units[-1] + 1} units, but there are {units[-1]} classes: the output layer "
        "needs exactly one unit per class."
    )


@pytest.mark.parametrize(
    ("activation", "phrase"),
    [("linear", "has no activation (linear)"), ("relu", "uses relu"), ("sigmoid", "squashes each output on its own"),
     ("tanh", "uses tanh"), ("elu", "uses elu")],
)
def test_an_output_that_is_not_softmax_is_named_from_the_record(activation, phrase):
    finding = explain_model("model", model(activations=("relu", "relu", activation)), 10, n_features=64)
    assert phrase in finding.message and finding.message.endswith("use `activation='softmax'` on the output layer.")


def test_layers_are_compared_without_revealing_the_sizes():
    want = ((64, 32, 10), ("relu", "relu", "softmax"))
    assert message(explain_layers("model", model((64, 10)), *want)) == (
        "`model` has 2 layers, which is not the number the task asks for: count the Dense layers "
        "(`keras.Input` does not count as a layer)."
    )
    finding = explain_layers("model", model((64, 16, 10)), *want)
    assert finding.message.startswith("Layer 2 of `model` (Dense `dense_1`) has 16 units, which is not what the task")
    assert "32" not in finding.message and not finding.confirmed
    finding = explain_layers("model", model(activations=("sigmoid", "relu", "softmax")), *want)
    assert finding.message.startswith("Layer 1 of `model` (Dense `dense_0`) uses the activation 'sigmoid'")


@pytest.mark.parametrize(("units", "order"), [((64, 32, 10), (32, 64, 10)), ((8, 4, 2), (4, 8, 2)),
                                              ((5, 7, 9, 3), (9, 7, 5, 3))])
def test_layers_in_another_order_are_named_and_other_sizes_are_not(units, order):
    acts = ("relu",) * (len(units) - 1) + ("softmax",)
    finding = explain_layers("model", model(order, acts), units, acts)
    assert finding.confirmed and "not in its order" in finding.message
    assert not any(str(u) in finding.message for u in units)
    near = (order[0] + 1, *order[1:])
    assert "not in its order" not in message(explain_layers("model", model(near, acts), units, acts))


@pytest.mark.parametrize(("n_features", "units"), ARCHITECTURES)
def test_hand_counted_parameters_are_named_when_re_enacted(n_features, units):
    rec = model(units, n_features=n_features)
    ins = (n_features, *units[:-1])
    no_bias = sum(i * u for i, u in zip(ins, units, strict=True))
    finding = explain_param_count("n_params", no_bias, rec)
    assert finding.confirmed and "counts the weights but not the biases" in finding.message
    assert str(rec.count_params) not in finding.message
    near = explain_param_count("n_params", no_bias + 1, rec)
    assert not near.confirmed and near.message.startswith(f"`n_params` is {no_bias + 1}, which is not what")
    assert "model.count_params()" not in finding.message + near.message, "the solution's expression"
    assert "biases" not in near.message


def test_parameter_count_forms():
    rec = model()
    assert explain_param_count("n_params", np.int64(6570), rec) is None
    assert "is not set yet: replace the `...`" in message(explain_param_count("n_params", ..., rec))
    assert message(explain_param_count("n_params", 0, rec)).startswith("`model` is not built")
    assert "whole number" in message(explain_param_count("n_params", 65.5, rec))
    assert message(explain_param_count("n_params", None, rec)) == (
        "`n_params` is not set yet: ask the model with its `count_params()` method.")


def test_a_missing_count_is_explained_by_the_cells_exception():
    unbuilt = model(built=False)
    assert explain_param_count("n_params", None, unbuilt, n_features=64).code == FindingCode.MISSING
    failed(("model", "n_params"), "ValueError: You tried to call `count_params` on layer 'sequential', but the layer "
           "isn't built.", "n_params = model.count_params()")
    finding = explain_param_count("n_params", None, unbuilt, n_features=64)
    assert finding.confirmed and "because the model was not built when that line ran" in finding.message
    assert explain_param_count("n_params", None, model(), n_features=64).confirmed, "the error is the evidence"
    assert "`keras.Input(shape=(64,))`" in finding.message
    failed(("model", "n_params"), "NameError: name 'modle' is not defined", "n_params = modle.count_params()")
    near = explain_param_count("n_params", None, unbuilt, n_features=64)
    assert near.code == FindingCode.RAISED and "not built" not in near.message


# --- compile --------------------------------------------------------------------------


def test_compile_settings():
    assert explain_compile("model", model(), learning_rate=0.005) is None
    assert message(explain_compile("model", model(optimizer="Adam"), learning_rate=0.005)) == (
        "`model` is compiled with the Adam optimizer, but the task asks for RMSprop: pass "
        "`optimizer=keras.optimizers.RMSprop(learning_rate=...)`."
    )
    default = explain_compile("model", model(learning_rate=0.0010000000474974513), learning_rate=0.005)
    assert message(default).startswith(
        "`model` trains with RMSprop's default learning rate, 0.001: `optimizer='rmsprop'` and `RMSprop()` keep")
    other = message(explain_compile("model", model(learning_rate=0.05), learning_rate=0.005))
    assert other.startswith("`model` trains with the learning rate 0.05, which is not the one the task asks for")
    assert "lr" not in other.replace("learning_rate", "")


def test_compile_metrics():
    assert message(explain_compile("model", model(metrics=("acc",)))) == (
        "`model` reports the metric 'acc': the task asks for `metrics=['accuracy']`. Keras names the history "
        "entries after the metrics exactly as you write them in compile."
    )
    assert explain_compile("model", model(metrics=("acc",)), metric=("accuracy", "acc")) is None
    assert "reports the metric 'mse'" in message(explain_compile("model", model(metrics=("mse",))))
    assert message(explain_compile("model", model(metrics=()))) == (
        "`model` is compiled without metrics: pass `metrics=['accuracy']` so fit and evaluate report it.")


CELL = ("train_targets", "test_targets")


def test_never_compiled_is_said_only_without_a_failed_cell():
    finding = explain_compile("model", model(compiled=False), cell_names=CELL)
    assert finding.code == FindingCode.MISSING and "compile has not run on it" in finding.message
    failed(("model", "n_params"), "ValueError: This model has not yet been built.", "model.summary()")
    assert explain_compile("model", model(compiled=False), cell_names=CELL).code == FindingCode.MISSING


def test_fit_before_compile_is_confirmed_by_keras_own_error():
    failed((*CELL, "history"), "ValueError: You must call `compile()` before using the model.",
           "history = model.fit(X_train, train_targets, epochs=20)")
    finding = explain_compile("model", model(compiled=False), cell_names=CELL)
    assert finding.confirmed and "fit ran before compile" in finding.message


@pytest.mark.parametrize(
    ("error", "line"),
    [
        ("TypeError: Trainer.compile() got an unexpected keyword argument 'lr'",
         "model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', lr=0.005)"),
        ("ValueError: Argument(s) not recognized: {'lr': 0.005}",
         "model.compile(optimizer=keras.optimizers.RMSprop(lr=0.005), loss='sparse_categorical_crossentropy')"),
    ],
)
def test_compile_that_raised_on_an_unknown_keyword_is_not_called_fit_before_compile(error, line):
    failed(CELL, error, line)
    finding = explain_compile("model", model(compiled=False), cell_names=CELL)
    assert finding.code == FindingCode.RAISED and finding.confirmed
    assert "the argument is called `learning_rate`" in finding.message
    assert "before" not in finding.message and "has not run" not in finding.message


def test_another_error_in_the_compiling_cell_is_quoted_without_a_cause():
    failed(CELL, "NameError: name 'y_trian' is not defined", "train_targets = y_trian")
    finding = explain_compile("model", model(compiled=False), cell_names=CELL)
    assert finding.code == FindingCode.RAISED and not finding.confirmed
    assert "NameError" in finding.message and "before" not in finding.message


def test_loss_names_are_normalised():
    assert loss_name("SparseCategoricalCrossentropy") == SPARSE
    assert loss_name("mse") == "mean_squared_error"
    assert loss_name(model(loss=CATEGORICAL)) == CATEGORICAL
    assert loss_name(None) is None


# --- loss against the label format ---------------------------------------------------------------


@pytest.mark.parametrize(("n", "k"), [(6, 10), (40, 3), (7, 26)])
def test_consistent_loss_and_labels_pass(n, k):
    labels = np.random.default_rng(n).integers(0, k, size=n)
    one_hot = np.eye(k, dtype="float32")[labels]
    assert explain_loss_labels(SPARSE, labels, k) is None
    assert explain_loss_labels(SPARSE, labels.reshape(-1, 1), k) is None
    assert explain_loss_labels(CATEGORICAL, one_hot, k) is None
    assert explain_loss_labels(model(loss="CategoricalCrossentropy"), one_hot, k) is None
    assert np.array_equal(class_numbers(one_hot), labels)


@pytest.mark.parametrize(("n", "k"), [(6, 10), (40, 3), (7, 26)])
def test_labels_in_the_other_format_are_named(n, k):
    labels = np.random.default_rng(n).integers(0, k, size=n)
    finding = explain_loss_labels(CATEGORICAL, labels, k)
    assert finding.confirmed and finding.message.startswith(
        f"`train_targets` holds class numbers (shape ({n},)), but categorical_crossentropy expects one-hot rows of "
        f"shape ({n}, {k})")
    finding = explain_loss_labels(SPARSE, np.eye(k)[labels], k, name="test_targets")
    assert finding.confirmed and finding.message.startswith(
        f"`test_targets` is one-hot (shape ({n}, {k})), but sparse_categorical_crossentropy expects class numbers")
    near = explain_loss_labels(CATEGORICAL, np.eye(k + 1)[labels], k)
    assert not near.confirmed and f"pass `num_classes={k}`" in near.message


def test_other_label_and_loss_problems():
    labels = np.array([3, 0, 9, 1, 4, 4])
    assert "from 1 to 10, outside 0 to 9" in message(explain_loss_labels(SPARSE, labels + 1, 10))
    assert "does not compare class probabilities" in message(explain_loss_labels("mse", labels, 10))
    assert "is for two classes" in message(explain_loss_labels("binary_crossentropy", labels, 10))
    assert "keep the labels as a NumPy array" in message(explain_loss_labels(SPARSE, [3, 0], 10))
    assert "is not set yet" in message(explain_loss_labels(SPARSE, None, 10))
    assert "not whole class numbers" in message(explain_loss_labels(SPARSE, np.full(6, 0.5), 10))


def test_no_loss_is_said_only_when_compile_ran_without_one():
    labels = np.array([3, 0, 9])
    uncompiled = explain_loss_labels(model(compiled=False), labels, 10)
    assert "not compiled yet" in uncompiled.message and "without a loss" not in uncompiled.message
    finding = explain_loss_labels(model(loss=None), labels, 10)
    assert finding.confirmed and "compiled without a loss" in finding.message
