"""The Keras recognisers on hand-made records: each mistake gets its own message, right answers none."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from autograder import protocol
from autograder.feedback.keras import (
    accuracy_keys,
    as_record,
    class_numbers,
    digits_split,
    explain_accuracy,
    explain_classes,
    explain_compile,
    explain_evaluate,
    explain_history,
    explain_history_key,
    explain_layers,
    explain_learning_curves,
    explain_loss_labels,
    explain_model,
    explain_param_count,
    explain_predictions,
    explain_trained,
    explain_validation,
    loss_name,
    scores,
)
from autograder.protocol import (
    AxesRecord,
    FigureRecord,
    HistoryRecord,
    KerasLayerRecord,
    KerasModelRecord,
    LineRecord,
    OptimizerRecord,
)
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
        "(0 parameters). Start it with `keras.Input(shape=(64,))` as the first entry of the list in "
        "`keras.Sequential([...])`."
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
        "entries after the metrics exactly as you write them in compile."
    )
    assert explain_compile(model(metrics=("acc",)), metric=("accuracy", "acc")) is None
    assert "reports the metric 'mse'" in explain_compile(model(metrics=("mse",)), metric=("accuracy", "acc"))
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
        "`history` has no 'val_' entries, so fit ran without validation data: hold out part of the training "
        "data, with `validation_split=...` or with `validation_data=(inputs, targets)` split off it yourself, so "
        "that fit measures it after every epoch."
    )


def test_swapped_epochs_and_batch_size_without_the_sample_count():
    assert "epochs and batch_size are swapped" in fit_check(history(epochs=64, steps=54), n_samples=None)
    assert fit_check(history(steps=17), n_samples=None) is None


def test_other_schedule_and_content_problems():
    assert fit_check(history(epochs=10)) == (
        "`history` holds 10 epochs, which is not the number of epochs the task asks for."
    )
    assert fit_check(history(steps=43)).startswith("`history` shows 43 batches per epoch, so fit used another batch")
    assert "records only 'acc', 'loss', 'val_acc', 'val_loss'" in fit_check(history(metric="acc"))
    assert fit_check(history(metric="acc"), metric=("accuracy", "acc")) is None
    broken = history()
    broken.history["loss"][-1] = float("nan")
    assert "became NaN" in fit_check(broken)


def test_reading_a_key_that_does_not_exist():
    assert explain_history_key("acc_curve", None, history(), "accuracy") == (
        "`acc_curve` is not set: reading it from `history.history` probably raised a KeyError, a key that does not "
        "exist. This history has the keys 'accuracy', 'loss', 'val_accuracy', 'val_loss'. The keys are the metric "
        "names exactly as compile got them: `metrics=['accuracy']` gives 'accuracy' and 'val_accuracy', "
        "`metrics=['acc']` gives 'acc' and 'val_acc'. List them with `history.history.keys()`."
    )
    message = explain_history_key("val_loss_curve", None, history(validation=False), "val_loss")
    assert "There are no 'val_' keys because fit ran without validation data." in message


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


# --- validation held out from the training data ---------------------------------------------------


def test_scores_and_class_numbers():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [1.0, 0.0]], dtype="float32")
    loss, acc = scores(probs, np.array([0, 0, 0]))
    assert acc == pytest.approx(2 / 3)
    assert loss == pytest.approx(-(np.log(0.9) + np.log(0.2)) / 3)
    clipped, _ = scores(probs, np.array([1, 1, 1]), clipped=True)
    assert clipped == pytest.approx(-(np.log(0.1) + np.log(0.8) + np.log(1e-7)) / 3, rel=1e-6)
    assert np.array_equal(class_numbers(ONE_HOT), LABELS)
    assert np.array_equal(class_numbers(LABELS.reshape(-1, 1).astype("float32")), LABELS)
    assert class_numbers(np.full((6, 10), 0.1)) is None and class_numbers([1, 2]) is None
    assert accuracy_keys(history()) == ("accuracy", "val_accuracy")
    assert accuracy_keys(history(metric="acc")) == ("acc", "val_acc")
    assert accuracy_keys(None) is None


def test_digits_split_is_the_labs_split():
    X_train, X_test, y_train, y_test = digits_split()
    assert (X_train.shape, X_test.shape, y_train.shape, y_test.shape) == ((1347, 64), (450, 64), (1347,), (450,))
    assert X_train.dtype == np.float32 and X_train.min() >= 0 and X_train.max() == 1
    X_train[0, 0] = 99
    assert digits_split()[0][0, 0] != 99, "each call gets its own copy"


N_TRAIN, BATCH = 20, 4
TRAIN = np.arange(N_TRAIN * 3, dtype="float32").reshape(N_TRAIN, 3) / 100
TRAIN_LABELS = np.random.default_rng(3).integers(0, 10, size=N_TRAIN)
TRAIN_PROBS = probabilities(N_TRAIN, seed=4)
TEST_LABELS = np.random.default_rng(5).integers(0, 10, size=8)
TEST_PROBS = probabilities(8, seed=6)


def fitted(rows=slice(16, None), steps=4, probs=TRAIN_PROBS, labels=TRAIN_LABELS, clipped=False) -> Record:
    """A History whose last validation numbers are the model's on ``rows``."""
    val_loss, val_acc = scores(probs[rows], labels[rows], clipped=clipped)
    hist = history(steps=steps)
    hist.history["val_loss"][-1], hist.history["val_accuracy"][-1] = val_loss, val_acc
    return hist


def validation(hist, **kwargs):
    options = {
        "train_inputs": TRAIN, "train_probs": TRAIN_PROBS, "train_labels": TRAIN_LABELS, "test_probs": TEST_PROBS,
        "test_labels": TEST_LABELS, "fraction": 0.2, "batch_size": BATCH,
    }
    return explain_validation(hist, **(options | kwargs))


def test_validation_split_and_an_explicit_split_pass():
    assert validation(fitted()) is None
    assert validation(fitted(clipped=True)) is None
    rows = [3, 7, 11, 15]
    rest = [i for i in range(N_TRAIN) if i not in rows]
    explicit = {"held_out": (TRAIN[rows], TRAIN_LABELS[rows]), "fit_part": (TRAIN[rest], TRAIN_LABELS[rest])}
    assert validation(fitted(rows), **explicit) is None
    one_hot = {"held_out": (TRAIN[rows], np.eye(10)[TRAIN_LABELS[rows]]), "fit_part": explicit["fit_part"]}
    assert validation(fitted(rows), **one_hot) is None


def test_validation_on_the_test_set_or_the_training_data():
    on_test = fitted(slice(None), probs=TEST_PROBS, labels=TEST_LABELS, steps=5)
    assert validation(on_test).startswith("`history` was validated on the test set.")
    assert validation(fitted(slice(None), steps=5)).startswith("`history` was validated on the training data itself.")
    assert validation(fitted(slice(0, 4), steps=5)).startswith(
        "fit trained on all 20 training pictures, so whatever it validated on was either trained on too"
    )
    assert "which is not a fifth held out of 20 pictures" in validation(fitted(steps=8))
    assert "not those of the trained model on the last fifth" in validation(fitted(slice(0, 4)))


def test_explicit_splits_that_are_wrong():
    rows, rest = [3, 7, 11, 15], [i for i in range(N_TRAIN) if i not in (3, 7, 11, 15)]
    held_out, fit_part = (TRAIN[rows], TRAIN_LABELS[rows]), (TRAIN[rest], TRAIN_LABELS[rest])
    hist = fitted(rows)
    assert "holds pictures that are not rows of `X_train`" in validation(hist, held_out=(TRAIN[rows] + 5, held_out[1]))
    assert "`val_targets` are not the labels" in validation(hist, held_out=(held_out[0], held_out[1] + 1))
    assert "holds 3 of the 20 training pictures" in validation(hist, held_out=(TRAIN[rows[:3]], held_out[1][:3]))
    assert "`X_fit` is not set to rows of `X_train`" in validation(hist, held_out=held_out)
    overlap = (TRAIN[[*rest, 3]], TRAIN_LABELS[[*rest, 3]])
    assert "`X_fit` and `X_val` share pictures" in validation(hist, held_out=held_out, fit_part=overlap)
    short = (TRAIN[rest[1:]], TRAIN_LABELS[rest[1:]])
    assert "leave out some training pictures" in validation(hist, held_out=held_out, fit_part=short)
    unlabelled = (fit_part[0], fit_part[1] * 0)
    assert "`fit_targets` are not the labels" in validation(hist, held_out=held_out, fit_part=unlabelled)
    assert "fit ran 5 batches per epoch" in validation(fitted(rows, steps=5), held_out=held_out, fit_part=fit_part)
    assert "not those of the trained model on `X_val`" in validation(
        fitted([0, 1, 2, 4]), held_out=held_out, fit_part=fit_part
    )


def test_validation_needs_a_history_with_validation_numbers():
    assert "is not the History" in validation(None)
    assert "has no validation loss and accuracy" in validation(history(validation=False))


def test_a_model_built_again_after_training():
    trained = history()
    right = np.eye(10, dtype="float32")[TRAIN_LABELS] * 0.9 + 0.01
    assert explain_trained("model", trained, right, TRAIN_LABELS) is None
    wrong = np.eye(10, dtype="float32")[(TRAIN_LABELS + 1) % 10]
    assert explain_trained("model", trained, wrong, TRAIN_LABELS) == (
        "`model` gets only 0% of the training pictures right, although its history ended at 99%: it is not the "
        "network that fit trained. It was probably built again after training (a cell run twice): run the cells "
        "once, from top to bottom."
    )
    assert explain_trained("model", None, wrong, TRAIN_LABELS) is None


# --- the learning-curve plot ---------------------------------------------------------------------


def axes(*lines: tuple[list, list], legend: tuple[str, ...] = ("training", "validation")) -> Record:
    records = [protocol.as_record(LineRecord(f"_child{i}", list(x), list(y)), LineRecord.TYPE_NAME)
               for i, (x, y) in enumerate(lines)]
    axes_record = AxesRecord("", "epoch", "", (0.0, 21.0), (0.0, 1.0), list(legend), records, 0)
    return protocol.as_record(axes_record, AxesRecord.TYPE_NAME)


def figure(*all_axes: Record) -> Record:
    return protocol.as_record(FigureRecord(3, "", list(all_axes)), FigureRecord.TYPE_NAME)


def plot_check(*figures: Record) -> str | None:
    return explain_learning_curves(list(figures), history(), ("accuracy", "val_accuracy"))


def test_learning_curves_plotted_right():
    hist, epochs = history(), list(range(1, 21))
    train, val = hist.history["accuracy"], hist.history["val_accuracy"]
    assert plot_check(figure(axes((epochs, train), (epochs, val)))) is None
    loss_plot = figure(axes((epochs, hist.history["loss"])))
    assert plot_check(loss_plot, figure(axes((epochs, val), (epochs, train)))) is None


def test_learning_curve_plot_mistakes():
    hist, epochs = history(), list(range(1, 21))
    train, val = hist.history["accuracy"], hist.history["val_accuracy"]
    assert plot_check().startswith("No figure was drawn: plot `acc_curve` and `val_acc_curve` in one plot")
    assert plot_check(figure(axes((epochs, train), (epochs, val), legend=()))).startswith(
        "The plot has no legend naming both curves"
    )
    assert "`plt.plot(y)` numbers the points from 0" in plot_check(figure(axes((range(20), train), (range(20), val))))
    assert "not drawn against the epoch numbers" in plot_check(figure(axes((range(5, 25), train), (epochs, val))))
    assert "in two different plots" in plot_check(figure(axes((epochs, train)), axes((epochs, val))))
    assert plot_check(figure(axes((epochs, train)))).startswith("No plot shows the validation accuracy")
    assert plot_check(figure(axes((epochs, val)))).startswith("No plot shows the training accuracy")
    percent = figure(axes((epochs, [100 * a for a in train]), (epochs, [100 * a for a in val])))
    assert plot_check(percent).startswith("The curves are drawn in percent")
    assert plot_check(figure(axes((epochs, hist.history["loss"])))).startswith(
        "No plot shows the training and validation accuracy of `history`"
    )
    assert "has no accuracy curves yet" in explain_learning_curves([], None, ("accuracy", "val_accuracy"))
