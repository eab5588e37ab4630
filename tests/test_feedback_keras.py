"""The Keras recognisers on hand-made records: each mistake gets its own message, right answers none."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from autograder import protocol
from autograder.feedback.keras import (
    as_record,
    explain_accuracy,
    explain_classes,
    explain_compile,
    explain_evaluate,
    explain_history,
    explain_history_key,
    explain_layers,
    explain_loss_labels,
    explain_model,
    explain_param_count,
    explain_predictions,
    loss_name,
)
from autograder.protocol import HistoryRecord, KerasLayerRecord, KerasModelRecord, OptimizerRecord
from autograder.transport import FunctionRef, Opaque, Record

SPARSE = "sparse_categorical_crossentropy"


def layer(units: int, activation: str, built: bool = True, name: str = "dense") -> Record:
    record = KerasLayerRecord(class_name="Dense", name=name, units=units, activation=activation, built=built,
                              output_shape=(None, units), count_params=0, config={})
    return protocol.as_record(record, KerasLayerRecord.TYPE_PREFIX + "Dense")


def model(
    units: tuple[int, ...] = (64, 32, 10),
    activations: tuple[str, ...] = ("relu", "relu", "softmax"),
    *,
    built: bool = True,
    input_shape: tuple | None = (None, 64),
    compiled: bool = True,
    optimizer: str = "RMSprop",
    learning_rate: float = 0.004999999888241291,
    loss: str | None = SPARSE,
    metrics: tuple[str, ...] = ("accuracy",),
) -> Record:
    """A model record as the grader sends it (float32 learning rate included)."""
    layers = [layer(u, a, built, f"dense_{i}") for i, (u, a) in enumerate(zip(units, activations, strict=True))]
    opt = protocol.as_record(OptimizerRecord(optimizer, learning_rate), OptimizerRecord.TYPE_PREFIX + optimizer)
    record = KerasModelRecord(
        class_name="Sequential",
        built=built,
        layers=layers,
        count_params=6570 if built else 0,
        input_shape=input_shape if built else None,
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


def history(epochs: int = 20, steps: int = 22, validation: bool = True, metric: str = "accuracy") -> Record:
    curves = {"loss": list(np.linspace(1.0, 0.1, epochs)), metric: list(np.linspace(0.5, 0.99, epochs))}
    if validation:
        curves |= {
            "val_loss": list(np.linspace(1.1, 0.2, epochs)),
            f"val_{metric}": list(np.linspace(0.4, 0.96, epochs)),
        }
    record = HistoryRecord(curves, {"verbose": 0, "epochs": epochs, "steps": steps}, list(range(epochs)))
    return protocol.as_record(record, HistoryRecord.TYPE_NAME)


def probabilities(n: int = 6, k: int = 10, seed: int = 0) -> np.ndarray:
    scores = np.random.default_rng(seed).normal(size=(n, k))
    return (np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)).astype("float32")


def test_the_module_never_imports_keras_or_tensorflow():
    code = "import sys, autograder.feedback.keras; print('keras' in sys.modules or 'tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_as_record_leaves_records_and_plain_values_alone():
    rec = model()
    assert as_record(rec) is rec
    assert as_record(None) is None
    arr = np.zeros(3)
    assert as_record(arr) is arr


# --- model ----------------------------------------------------------------------------


def test_a_right_model_passes():
    assert explain_model("model", model(), 10, n_features=64) is None
    assert explain_layers("model", model(), (64, 32, 10), ("relu", "relu", "softmax")) is None


def test_missing_and_non_models():
    assert explain_model("model", None, 10) == (
        "`model` is not set yet: replace the `...` with your code and run the cell "
        "(if the cell raised an error, fix that first)."
    )
    assert "is a keras.Model, not a Keras model" not in (explain_model("model", model(), 10) or "")
    message = explain_model("model", Opaque("builtins.type"), 10)
    assert message.startswith("`model` is a builtins.type, not a Keras model: build it with `keras.Sequential([...])`")
    assert "has no layers yet" in explain_model("model", model((), ()), 10)


def test_unbuilt_model_says_to_give_the_input_shape():
    assert explain_model("model", model(built=False), 10, n_features=64) == (
        "`model` is not built: no layer knows the shape of the input, so the model has no weights yet "
        "(0 parameters). Start it with `keras.Input(shape=(64,))` as the first layer, or give the first Dense "
        "layer `input_shape=(64,)`."
    )


@pytest.mark.parametrize(
    ("input_shape", "phrase"),
    [
        ((None, 8, 8), "flatten the images first"),
        ((None, 1347, 64), "the input shape is the shape of ONE sample, without the number of samples"),
        ((None, 32), "each sample here has 64 features"),
    ],
)
def test_wrong_input_shapes_are_named(input_shape, phrase):
    message = explain_model("model", model(input_shape=input_shape), 10, n_features=64)
    assert message.startswith(f"`model` expects inputs of shape {input_shape}")
    assert phrase in message


def test_output_units_must_match_the_classes():
    assert explain_model("model", model(units=(64, 32, 9)), 10, n_features=64) == (
        "The last layer of `model` has 9 units, but there are 10 classes: the output layer needs exactly one unit "
        "per class (digits 0 to 9 are ten classes)."
    )


@pytest.mark.parametrize(
    ("activation", "phrase"),
    [
        ("linear", "has no activation (linear)"),
        ("relu", "uses relu"),
        ("sigmoid", "squashes each output on its own"),
        ("tanh", "uses tanh"),
    ],
)
def test_output_activation_must_be_softmax(activation, phrase):
    message = explain_model("model", model(activations=("relu", "relu", activation)), 10, n_features=64)
    assert phrase in message and message.endswith("use `activation='softmax'` on the output layer.")


def test_layers_are_compared_without_revealing_the_sizes():
    assert explain_layers(
        "model", model((64, 10), ("relu", "softmax")), (64, 32, 10), ("relu",) * 2 + ("softmax",)
    ) == (
        "`model` has 2 layers, which is not the number the task asks for: count the Dense layers "
        "(`keras.Input` does not count as a layer)."
    )
    message = explain_layers("model", model((64, 16, 10)), (64, 32, 10), ("relu", "relu", "softmax"))
    assert message.startswith("Layer 2 of `model` (Dense `dense_1`) has 16 units, which is not what the task asks")
    assert "32" not in message
    message = explain_layers("model", model(activations=("sigmoid", "relu", "softmax")), (64, 32, 10), ("relu",) * 3)
    assert message.startswith("Layer 1 of `model` uses the activation 'sigmoid'")


def test_parameter_count():
    assert explain_param_count("n_params", 6570, model()) is None
    assert explain_param_count("n_params", np.int64(6570), model()) is None
    assert "(shape=(64,))" in explain_param_count("n_params", None, model(), n_features=64)
    assert "is not set yet: replace the `...`" in explain_param_count("n_params", ..., model())
    assert explain_param_count("n_params", None, model()).startswith(
        "`n_params` is not set: `model.count_params()` raises ValueError on a model that is not built yet"
    )
    assert explain_param_count("n_params", 0, model()).startswith("`model` is not built")
    assert explain_param_count("n_params", 4810, model()) == (
        "`n_params` is 4810, which is not what `model.count_params()` gives: read it from the model rather than "
        "computing it by hand, and run the cell again after changing the model."
    )
    assert "whole number" in explain_param_count("n_params", 65.5, model())


# --- compile --------------------------------------------------------------------------


def test_compile_settings():
    assert explain_compile(model(), learning_rate=0.005) is None
    assert explain_compile(model(compiled=False)) == (
        "`model` is not compiled: call `model.compile(optimizer=..., loss=..., metrics=[...])` before "
        "`model.fit(...)`. Calling fit first raises 'You must call `compile()` before using the model', and the "
        "lines after it in that cell never run."
    )
    assert explain_compile(model(optimizer="Adam"), learning_rate=0.005) == (
        "`model` is compiled with the Adam optimizer, but the task asks for RMSprop: pass "
        "`optimizer=keras.optimizers.RMSprop(learning_rate=...)`."
    )
    assert explain_compile(model(learning_rate=0.0010000000474974513), learning_rate=0.005).startswith(
        "`model` trains with RMSprop's default learning rate, 0.001: `optimizer='rmsprop'` and `RMSprop()` keep"
    )
    message = explain_compile(model(learning_rate=0.05), learning_rate=0.005)
    assert message.startswith("`model` trains with the learning rate 0.05, which is not the one the task asks for")
    assert "not `lr`" in message


def test_compile_metrics():
    assert explain_compile(model(metrics=("acc",))) == (
        "`model` reports the metric 'acc': the task asks for `metrics=['accuracy']`. Keras names the history "
        "entries after the metric, so the rest of the lab reads 'accuracy' and 'val_accuracy'."
    )
    assert explain_compile(model(metrics=())) == (
        "`model` is compiled without metrics: pass `metrics=['accuracy']` so fit and evaluate report it."
    )


def test_loss_names_are_normalised():
    assert loss_name("SparseCategoricalCrossentropy") == SPARSE
    assert loss_name("mse") == "mean_squared_error"
    assert loss_name(model(loss="categorical_crossentropy")) == "categorical_crossentropy"
    assert loss_name(None) is None


# --- loss and labels ------------------------------------------------------------------------


LABELS = np.array([3, 0, 9, 1, 4, 4])
ONE_HOT = np.eye(10, dtype="float32")[LABELS]


def test_consistent_loss_and_labels_pass():
    assert explain_loss_labels(SPARSE, LABELS, 10) is None
    assert explain_loss_labels(SPARSE, LABELS.reshape(-1, 1), 10) is None
    assert explain_loss_labels("categorical_crossentropy", ONE_HOT, 10) is None
    assert explain_loss_labels(model(loss="CategoricalCrossentropy"), ONE_HOT, 10) is None


def test_categorical_loss_with_class_numbers():
    assert explain_loss_labels("categorical_crossentropy", LABELS, 10) == (
        "`train_targets` holds class numbers (shape (6,)), but categorical_crossentropy expects one-hot rows of "
        "shape (6, 10), and fit raises a rank/shape error. One-hot encode with "
        "`keras.utils.to_categorical(labels, 10)`, or compile with loss='sparse_categorical_crossentropy'."
    )


def test_sparse_loss_with_one_hot_rows():
    assert explain_loss_labels(SPARSE, ONE_HOT, 10, name="test_targets") == (
        "`test_targets` is one-hot (shape (6, 10)), but sparse_categorical_crossentropy expects class numbers of "
        "shape (6,), and fit raises a rank error. Keep the integer labels, or compile with "
        "loss='categorical_crossentropy'."
    )


def test_other_label_and_loss_problems():
    assert "pass `num_classes=10`" in explain_loss_labels("categorical_crossentropy", np.eye(9)[LABELS % 9], 10)
    assert "outside 0 to 9" in explain_loss_labels(SPARSE, LABELS + 1, 10)
    assert "suits regression, not classes" in explain_loss_labels("mse", LABELS, 10)
    assert "is for two classes" in explain_loss_labels("binary_crossentropy", LABELS, 10)
    assert explain_loss_labels(None, LABELS, 10) == "The model has no loss: compile it with `loss=...` first."
    assert "keep the labels as a NumPy array" in explain_loss_labels(SPARSE, [3, 0], 10)
    assert "is not set yet" in explain_loss_labels(SPARSE, None, 10)


# --- fit and history ---------------------------------------------------------------------------


def fit_check(hist, **kwargs):
    options = {"epochs": 20, "batch_size": 64, "n_samples": 1347} | kwargs
    return explain_history(hist, **options)


def test_a_right_history_passes():
    assert fit_check(history()) is None


def test_fit_before_compile():
    assert fit_check(None, model=model(compiled=False, built=False)) == (
        "`history` is not set: `model.fit(...)` did not finish. The model is not compiled, and fit raises 'You must "
        "call `compile()` before using the model': run `model.compile(...)` first, then fit."
    )


def test_fit_failed_on_a_loss_that_does_not_fit_the_labels():
    message = fit_check(None, model=model(loss="categorical_crossentropy"), targets=LABELS)
    assert message.startswith("`history` is not set: `model.fit(...)` did not finish. `train_targets` holds class")
    assert fit_check(None).endswith("keep what fit returns: `history = model.fit(...)`.")
    assert "is not set yet: replace the `...`" in fit_check(...)


def test_the_history_dict_instead_of_the_object():
    assert "is the dictionary `.history` of the fit result" in fit_check({"loss": [1.0]})
    assert "not the History object" in fit_check(np.zeros(3))


def test_epochs_and_batch_size_swapped_and_no_validation():
    message = fit_check(history(epochs=64, steps=68, validation=False))
    assert message == (
        "`history` comes from a fit with 64 epochs of 68 batches: epochs and batch_size are swapped. Pass both "
        "by name, `epochs=...` and `batch_size=...` (by position, fit takes batch_size before epochs). "
        "`history` has no 'val_' entries, so fit ran without validation data: pass "
        "`validation_data=(inputs, targets)` to fit to measure the held-out data after every epoch."
    )


def test_other_schedule_and_content_problems():
    assert fit_check(history(epochs=10)) == (
        "`history` holds 10 epochs, which is not the number of epochs the task asks for."
    )
    assert fit_check(history(steps=43)).startswith("`history` shows 43 batches per epoch, so fit used another batch")
    assert "records only 'acc', 'loss', 'val_acc', 'val_loss'" in fit_check(history(metric="acc"))
    broken = history()
    broken.history["loss"][-1] = float("nan")
    assert "became NaN" in fit_check(broken)


def test_reading_a_key_that_does_not_exist():
    assert explain_history_key("acc_curve", None, history(), "accuracy") == (
        "`acc_curve` is not set: reading it from `history.history` probably raised a KeyError, a key that does not "
        "exist. This history has the keys 'accuracy', 'loss', 'val_accuracy', 'val_loss'. Keras 3 names the "
        "accuracy 'accuracy' (and 'val_accuracy'); 'acc' is the name in older code. List them with "
        "`history.history.keys()`."
    )
    message = explain_history_key("val_loss_curve", None, history(validation=False), "val_loss")
    assert "There are no 'val_' keys because fit ran without `validation_data`." in message


def test_history_curves():
    hist = history()
    assert explain_history_key("val_acc_curve", hist.history["val_accuracy"], hist, "val_accuracy") is None
    assert explain_history_key("val_acc_curve", np.array(hist.history["val_accuracy"]), hist, "val_accuracy") is None
    assert explain_history_key("val_acc_curve", hist.history["accuracy"], hist, "val_accuracy") == (
        "`val_acc_curve` holds the 'accuracy' curve, not the one the task asks for: check the key you read."
    )
    assert explain_history_key("val_acc_curve", hist.history["val_accuracy"][-1], hist, "val_accuracy") == (
        "`val_acc_curve` is a single number (the last entry): keep the whole list, one value per epoch."
    )
    assert "matches none of the curves" in explain_history_key("c", [0.1, 0.2], hist, "accuracy")
    assert "which is not a History" in explain_history_key("c", [0.1], None, "accuracy")


# --- predictions --------------------------------------------------------------------------------


def test_right_predictions_pass():
    assert explain_predictions("probs", probabilities(), 6, 10) is None
    assert explain_predictions("first_probs", probabilities(1), 1, 10) is None


def test_linear_output_gives_values_outside_the_unit_range():
    scores = np.random.default_rng(1).normal(size=(6, 10)).astype("float32")
    message = explain_predictions("probs", scores, 6, 10)
    assert message.startswith("`probs` runs from ")
    assert "outside [0, 1], so these are not probabilities: the output layer has no softmax" in message


def test_sigmoid_output_gives_rows_that_do_not_sum_to_one():
    message = explain_predictions("probs", np.full((6, 10), 0.3, dtype="float32"), 6, 10)
    assert message == (
        "The rows of `probs` sum to between 3 and 3, not 1: each output is squashed on its own (sigmoid) instead "
        "of a softmax across the classes. Use `activation='softmax'`."
    )


def test_predicting_one_sample_without_a_batch_axis():
    assert explain_predictions("first_probs", None, 1, 10) == (
        "`first_probs` is not set, so its cell probably raised. `model.predict(x[0])` raises ValueError because "
        "`x[0]` is one sample without the batch axis: predict on `x[:1]`, a batch holding one sample."
    )
    assert "is not set yet: replace the `...`" in explain_predictions("first_probs", ..., 1, 10)
    assert explain_predictions("first_probs", probabilities(1)[0], 1, 10) == (
        "`first_probs` has shape (10,): the batch axis is gone. Keep the result of predicting on a batch of one, "
        "`x[:1]`, which has shape (1, 10)."
    )


def test_other_prediction_shapes():
    assert "one number per sample" in explain_predictions("probs", np.zeros(6), 6, 10)
    assert "has 9 columns, but there are 10 classes" in explain_predictions("probs", probabilities(6, 9), 6, 10)
    assert "predictions for 3 samples, but it should cover all 6" in explain_predictions(
        "probs", probabilities(3), 6, 10
    )
    nan = probabilities()
    nan[0, 0] = np.nan
    assert "holds NaN" in explain_predictions("probs", nan, 6, 10)
    assert "is not set yet" in explain_predictions("probs", None, 6, 10)
    assert "keep the NumPy array" in explain_predictions("probs", [[0.5, 0.5]], 6, 10)


def test_predicted_classes():
    probs = probabilities(12)
    assert explain_classes("pred_classes", probs.argmax(axis=1), probs) is None
    assert explain_classes("pred_classes", probs.argmax(axis=0), probs).startswith(
        "`pred_classes` takes the argmax down each column (axis=0)"
    )
    assert explain_classes("pred_classes", probs.argmax(axis=1, keepdims=True), probs).startswith(
        "`pred_classes` has shape (12, 1): compared with labels of shape (12,), NumPy broadcasts"
    )
    assert "not its class: use argmax" in explain_classes("pred_classes", probs.max(axis=1), probs)
    assert explain_classes("pred_classes", probs.argmax(), probs).startswith("`pred_classes` is one number")
    shuffled = np.roll(probs.argmax(axis=1), 1)
    assert explain_classes("pred_classes", shuffled, probs, check_values=False) is None
    assert explain_classes("pred_classes", shuffled, probs) is not None


def test_accuracy_by_hand():
    pred = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    labels = np.array([0, 1, 2, 3, 4, 5, 6, 7, 0, 0])
    assert explain_accuracy("manual_acc", 0.8, pred, labels) is None
    assert explain_accuracy("manual_acc", np.float64(0.8), pred, labels) is None
    broadcast = float(np.mean(pred.reshape(-1, 1) == labels))
    assert explain_accuracy("manual_acc", broadcast, pred.reshape(-1, 1), labels, check_values=False).startswith(
        "`manual_acc` compares a column of shape (n, 1) with labels of shape (n,): NumPy broadcasts them to an "
        "(n, n) table"
    )
    assert "counts the correct predictions" in explain_accuracy("manual_acc", 8, pred, labels)
    assert "is a percentage" in explain_accuracy("manual_acc", 80.0, pred, labels)
    assert "share of WRONG predictions" in explain_accuracy("manual_acc", 0.2, pred, labels)
    assert "take `np.mean(...)`" in explain_accuracy("manual_acc", pred == labels, pred, labels)
    assert explain_accuracy("manual_acc", 0.7, pred, labels, check_values=False) is None
    assert "needs the predicted classes, one per sample (10 here)" in explain_accuracy("manual_acc", 0.7, None, labels)
    assert "or have another size" in explain_accuracy("manual_acc", 0.7, pred[:5], labels)
    assert explain_accuracy("manual_acc", 0.7, pred, labels) == "`manual_acc` is 0.7, which is not the right value."


# --- evaluate ------------------------------------------------------------------------------------


NAMES = ("test_loss", "test_acc")


def test_evaluate_results():
    assert explain_evaluate(NAMES, (0.09, 0.97)) is None
    assert explain_evaluate(NAMES, (0.09, 0.97), [0.09, 0.97]) is None
    assert explain_evaluate(NAMES, ([0.09, 0.97], 0.97)) == (
        "`test_loss` is the whole list that `evaluate` returns, [loss, accuracy]: unpack it, "
        "`test_loss, test_acc = model.evaluate(...)`."
    )
    assert explain_evaluate(NAMES, (0.97, 0.09), [0.09, 0.97]) == (
        "`test_loss` and `test_acc` are swapped: `evaluate` returns the loss first, then the metrics."
    )
    assert "an accuracy lies between 0 and 1" in explain_evaluate(NAMES, (0.09, 1.5))
    assert "measured on the other data set" in explain_evaluate(NAMES, (0.02, 0.99), [0.09, 0.97], other=[0.02, 0.99])
    assert "do not match what `model.evaluate` gives" in explain_evaluate(NAMES, (0.3, 0.9), [0.09, 0.97])
    assert "is not set yet" in explain_evaluate(NAMES, (None, 0.9))
    assert "should be one number" in explain_evaluate(NAMES, ("0.1", 0.9))
