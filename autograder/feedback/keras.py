"""Recognise the usual mistakes of a first Keras workflow: build, compile, fit, read, predict, evaluate.

Each ``explain_*`` function looks at one aspect and returns a message for the student, or None when that
aspect looks right. They work on what the checks receive: the grader's ``Record`` of a Keras model
(``class_name``, ``built``, ``layers``, ``input_shape``, ``compiled``, ``optimizer``, ``loss``,
``metrics``, ...) or of a History (``history``, ``params``, ``epoch``), plus NumPy arrays. Public checks
also run in the student's own kernel, where the values are live Keras objects: :func:`as_record`
turns those into the same records first. Nothing here imports TensorFlow or Keras.

Messages name what the student most likely did and how to fix it. They may quote the student's own
values and the facts stated in the task (the number of classes and features), never an expected answer.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.transport import Opaque, Record

from .ladder import explain

__all__ = [
    "accuracy_keys",
    "as_record",
    "class_numbers",
    "digits_split",
    "explain_accuracy",
    "explain_classes",
    "explain_compile",
    "explain_evaluate",
    "explain_history",
    "explain_history_key",
    "explain_layers",
    "explain_learning_curves",
    "explain_loss_labels",
    "explain_model",
    "explain_param_count",
    "explain_predictions",
    "explain_trained",
    "explain_validation",
    "loss_name",
    "scores",
]

SPARSE = "sparse_categorical_crossentropy"
CATEGORICAL = "categorical_crossentropy"
_DEFAULT_LEARNING_RATE = 0.001
_LOSS_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error"}


# --- reading records -----------------------------------------------------------------


def as_record(value: Any, name: str = "model") -> Any:
    """The grader's Record of a live Keras model or History; any other value is returned unchanged.

    Public checks run in the student's kernel too, where ``model`` is the real object. Its
    ``predict`` and ``evaluate`` stay the live methods, so checks call them the same way as probes.
    """
    if value is None or isinstance(value, Record) or not type(value).__module__.startswith("keras"):
        return value
    from autograder.inside.describe import exportable

    record = exportable(name, value)
    if isinstance(record, Record) and "predict" in record.attrs:
        live = {"predict": value.predict, "evaluate": value.evaluate}
        record = Record(record.type_name, {**record.attrs, **live})
    return record


def _is_model(value: Any) -> bool:
    return isinstance(value, Record) and {"layers", "built", "compiled"} <= value.attrs.keys()


def _is_history(value: Any) -> bool:
    return isinstance(value, Record) and isinstance(value.attrs.get("history"), dict)


def _what(value: Any) -> str:
    """A short description of an unexpected value, for a sentence."""
    if isinstance(value, (Record, Opaque)):
        return f"a {value.type_name}"
    type_name = type(value).__name__
    return f"{'an' if type_name[:1].lower() in 'aeiou' else 'a'} {type_name}"


def _missing(name: str, value: Any) -> str | None:
    if value is None or value is Ellipsis:
        return (
            f"`{name}` is not set yet: replace the `...` with your code and run the cell "
            "(if the cell raised an error, fix that first)."
        )
    return None


def _number(value: Any) -> float | None:
    """A real number given as a Python or NumPy scalar (or 0-d array), else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        return float(value)
    return None


def loss_name(loss: Any) -> str | None:
    """A loss as snake_case name: ``'SparseCategoricalCrossentropy'`` becomes ``'sparse_categorical_crossentropy'``."""
    if isinstance(loss, Record):
        loss = loss.attrs.get("loss")
    if not isinstance(loss, str):
        return None
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", loss).lower()
    return _LOSS_ALIASES.get(snake, snake)


# --- architecture ----------------------------------------------------------------------


def _not_a_model(name: str, model: Any) -> str | None:
    missing = _missing(name, model)
    if missing:
        return missing
    if not _is_model(model):
        return (
            f"`{name}` is {_what(model)}, not a Keras model: build it with "
            "`keras.Sequential([...])` (note the parentheses) and keep the model itself in the variable."
        )
    if not model.layers:
        return f"`{name}` has no layers yet: add the Dense layers, in order, inside `keras.Sequential([...])`."
    return None


def _input_fix(n_features: int | None) -> str:
    shape = f"({n_features},)" if n_features else "(n_features,)"
    return f"`keras.Input(shape={shape})` as the first entry of the list in `keras.Sequential([...])`"


def _unbuilt(name: str, n_features: int | None) -> str:
    return (
        f"`{name}` is not built: no layer knows the shape of the input, so the model has no weights yet "
        f"(0 parameters). Start it with {_input_fix(n_features)}."
    )


def _wrong_input(name: str, input_shape: tuple, n_features: int) -> str:
    sample = tuple(input_shape[1:])
    if int(np.prod(sample)) == n_features and len(sample) > 1:
        extra = "each sample here is a flat vector, so flatten the images first or use"
    elif len(sample) > 1 and sample[-1] == n_features:
        extra = "the input shape is the shape of ONE sample, without the number of samples: use"
    else:
        extra = f"each sample here has {n_features} features: use"
    return f"`{name}` expects inputs of shape {input_shape}, but {extra} {_input_fix(n_features)}."


_ACTIVATION_TIPS = {
    "linear": "has no activation (linear), so it gives raw scores that can be negative and do not sum to 1",
    "relu": "uses relu, which gives scores that are 0 or above but do not sum to 1",
    "sigmoid": "uses sigmoid, which squashes each output on its own, so a row of outputs does not sum to 1",
}


def _wrong_output(name: str, last: Record, n_classes: int, activation: str) -> str | None:
    if last.attrs.get("units") is None:
        return f"The last layer of `{name}` is a {last.class_name}: end with a Dense layer, one unit per class."
    if last.units != n_classes:
        return (
            f"The last layer of `{name}` has {last.units} units, but there are {n_classes} classes: the output "
            "layer needs exactly one unit per class (digits 0 to 9 are ten classes)."
        )
    if last.activation != activation:
        tip = _ACTIVATION_TIPS.get(last.activation, f"uses {last.activation}")
        return (
            f"The last layer of `{name}` {tip}. A cross-entropy loss needs class probabilities: use "
            f"`activation='{activation}'` on the output layer."
        )
    return None


def explain_model(
    name: str,
    model: Any,
    n_classes: int,
    *,
    n_features: int | None = None,
    output_activation: str = "softmax",
) -> str | None:
    """A built classifier for ``n_features`` inputs with one ``output_activation`` unit per class.

    Recognises: not a model, no layers, unbuilt (no input shape), an input shape that includes the
    number of samples or is not flat, wrong output units, and a linear/relu/sigmoid output.
    """
    problem = _not_a_model(name, model)
    if problem:
        return problem
    if not model.built or not model.attrs.get("count_params"):
        return _unbuilt(name, n_features)
    input_shape = model.attrs.get("input_shape")
    if n_features and isinstance(input_shape, tuple) and tuple(input_shape[1:]) != (n_features,):
        return _wrong_input(name, input_shape, n_features)
    return _wrong_output(name, model.layers[-1], n_classes, output_activation)


def explain_layers(name: str, model: Any, units: Sequence[int], activations: Sequence[str]) -> str | None:
    """The model's layers have the asked units and activations, in order; expected numbers are never printed."""
    problem = _not_a_model(name, model)
    if problem:
        return problem
    layers = model.layers
    if len(layers) != len(units):
        return (
            f"`{name}` has {len(layers)} layers, which is not the number the task asks for: count the Dense "
            "layers (`keras.Input` does not count as a layer)."
        )
    for number, (layer, want_units, want_act) in enumerate(zip(layers, units, activations, strict=True), start=1):
        if layer.attrs.get("units") != want_units:
            return (
                f"Layer {number} of `{name}` ({layer.class_name} `{layer.name}`) has {layer.attrs.get('units')} "
                "units, which is not what the task asks for: check the layer sizes and their order."
            )
        if layer.attrs.get("activation") != want_act:
            return (
                f"Layer {number} of `{name}` uses the activation '{layer.attrs.get('activation')}', which is not "
                "the one the task asks for: pass it with `activation=...`."
            )
    return None


def explain_param_count(name: str, n_params: Any, model: Any, *, n_features: int | None = None) -> str | None:
    """``n_params`` read with ``model.count_params()`` once the model was built; the count is never printed."""
    if n_params is Ellipsis:
        return _missing(name, n_params)
    if n_params is None:
        return (
            f"`{name}` is not set: `model.count_params()` raises ValueError on a model that is not built yet, "
            "which is what happens when no layer knows the input shape. Start the model with "
            f"{_input_fix(n_features)}, then count again."
        )
    count = _number(n_params)
    if count is None or not count.is_integer():
        return f"`{name}` should be a whole number, the result of `model.count_params()`, but it is {_what(n_params)}."
    if count == 0:
        return _unbuilt("model", n_features)
    if _is_model(model) and model.built and count != model.count_params:
        return (
            f"`{name}` is {int(count)}, which is not what `model.count_params()` gives: read it from the model "
            "rather than computing it by hand, and run the cell again after changing the model."
        )
    return None


# --- compile ---------------------------------------------------------------------------


def _optimizer_problem(name: str, model: Record, optimizer: str, learning_rate: float | None) -> str | None:
    opt = model.attrs.get("optimizer")
    got = opt.attrs.get("class_name") if isinstance(opt, Record) else None
    if got is None or got.lower() != optimizer.lower():
        return (
            f"`{name}` is compiled with the {got} optimizer, but the task asks for {optimizer}: pass "
            f"`optimizer=keras.optimizers.{optimizer}(learning_rate=...)`."
        )
    rate = _number(opt.attrs.get("learning_rate"))
    if learning_rate is None or (rate is not None and math.isclose(rate, learning_rate, rel_tol=1e-5)):
        return None
    if rate is not None and math.isclose(rate, _DEFAULT_LEARNING_RATE, rel_tol=1e-5):
        return (
            f"`{name}` trains with {optimizer}'s default learning rate, 0.001: `optimizer='{optimizer.lower()}'` "
            f"and `{optimizer}()` keep the default. Pass `keras.optimizers.{optimizer}(learning_rate=...)` with "
            "the rate the task asks for."
        )
    return (
        f"`{name}` trains with the learning rate {rate:g}, which is not the one the task asks for: pass it as "
        f"`keras.optimizers.{optimizer}(learning_rate=...)` (the argument is `learning_rate`, not `lr`)."
    )


def _names(metric: str | Sequence[str]) -> tuple[str, ...]:
    return (metric,) if isinstance(metric, str) else tuple(metric)


def _metric_problem(name: str, metrics: list, metric: str | Sequence[str]) -> str | None:
    allowed = _names(metric)
    if any(m in metrics for m in allowed):
        return None
    if metrics:
        shown = ", ".join(f"'{m}'" for m in metrics)
        return (
            f"`{name}` reports the metric {shown}: the task asks for `metrics=['{allowed[0]}']`. Keras names the "
            "history entries after the metrics exactly as you write them in compile."
        )
    return f"`{name}` is compiled without metrics: pass `metrics=['{allowed[0]}']` so fit and evaluate report it."


def explain_compile(
    model: Any,
    *,
    optimizer: str = "RMSprop",
    learning_rate: float | None = None,
    metric: str | Sequence[str] = "accuracy",
    name: str = "model",
) -> str | None:
    """Compiled, with the asked optimizer class and learning rate, reporting ``metric`` (or one of several names).

    Recognises: compile never ran (also after ``fit`` was called first and raised), another optimizer,
    the default learning rate from ``'rmsprop'``, another rate, and a missing or renamed metric.
    """
    problem = _not_a_model(name, model)
    if problem:
        return problem
    if not model.compiled:
        return (
            f"`{name}` is not compiled: call `{name}.compile(optimizer=..., loss=..., metrics=[...])` before "
            f"`{name}.fit(...)`. Calling fit first raises 'You must call `compile()` before using the model', "
            "and the lines after it in that cell never run."
        )
    return _optimizer_problem(name, model, optimizer, learning_rate) or _metric_problem(
        name, list(model.attrs.get("metrics") or []), metric
    )


# --- loss and labels -------------------------------------------------------------------


def _one_hot_columns(labels: np.ndarray) -> bool:
    """True for a 2-D array of 0/1 rows with a single 1 each."""
    if labels.ndim != 2 or labels.dtype.kind not in "biuf" or labels.shape[1] < 2:
        return False
    return bool(np.isin(labels, (0, 1)).all() and np.allclose(labels.sum(axis=1), 1))


def _class_numbers(labels: np.ndarray) -> bool:
    """True for whole numbers, as a vector or a single column."""
    flat = labels.ravel() if labels.ndim == 2 and labels.shape[1] == 1 else labels
    return flat.ndim == 1 and labels.dtype.kind in "iuf" and bool(np.all(np.mod(flat, 1) == 0))


def _other_loss(loss: str | None) -> str:
    if loss is None:
        return "The model has no loss: compile it with `loss=...` first."
    if loss == "binary_crossentropy":
        kind = "is for two classes (or independent yes/no labels)"
    else:
        kind = "measures distances between numbers, which suits regression, not classes"
    return (
        f"The loss '{loss}' {kind}. For one label out of several classes use 'sparse_categorical_crossentropy' "
        "with class numbers, or 'categorical_crossentropy' with one-hot labels."
    )


def _sparse_labels_problem(name: str, labels: np.ndarray, n_classes: int) -> str | None:
    if _one_hot_columns(labels):
        return (
            f"`{name}` is one-hot (shape {labels.shape}), but sparse_categorical_crossentropy expects class "
            f"numbers of shape ({len(labels)},), and fit raises a rank error. Keep the integer labels, or "
            "compile with loss='categorical_crossentropy'."
        )
    if not _class_numbers(labels):
        return f"`{name}` has shape {labels.shape}: sparse_categorical_crossentropy expects one class number each."
    if labels.min() < 0 or labels.max() >= n_classes:
        return f"`{name}` holds values outside 0 to {n_classes - 1}: class numbers run from 0 to n_classes - 1."
    return None


def _categorical_labels_problem(name: str, labels: np.ndarray, n_classes: int) -> str | None:
    if _one_hot_columns(labels) and labels.shape[1] == n_classes:
        return None
    if _class_numbers(labels):
        return (
            f"`{name}` holds class numbers (shape {labels.shape}), but categorical_crossentropy expects "
            f"one-hot rows of shape ({len(labels)}, {n_classes}), and fit raises a rank/shape error. One-hot "
            f"encode with `keras.utils.to_categorical(labels, {n_classes})`, or compile with "
            "loss='sparse_categorical_crossentropy'."
        )
    if _one_hot_columns(labels):
        return (
            f"`{name}` is one-hot with {labels.shape[1]} columns, but there are {n_classes} classes: pass "
            f"`num_classes={n_classes}` to `keras.utils.to_categorical`."
        )
    return f"`{name}` has shape {labels.shape}, which is not one-hot: build it with `keras.utils.to_categorical`."


def explain_loss_labels(loss: Any, labels: Any, n_classes: int, *, name: str = "train_targets") -> str | None:
    """The labels fit the loss: class numbers with sparse CE, one-hot rows with categorical CE.

    ``loss`` is a loss name, a loss object's name, or a model Record. Recognises categorical CE with
    integer labels, sparse CE with one-hot labels, wrong one-hot width and non-classification losses.
    """
    missing = _missing(name, labels)
    if missing:
        return missing
    if not isinstance(labels, np.ndarray):
        return f"`{name}` is {_what(labels)}: keep the labels as a NumPy array."
    loss = loss_name(loss)
    if loss == SPARSE:
        return _sparse_labels_problem(name, labels, n_classes)
    if loss == CATEGORICAL:
        return _categorical_labels_problem(name, labels, n_classes)
    return _other_loss(loss)


# --- fit and the history ------------------------------------------------------------------


def _fit_failed(name: str, model: Any, targets: Any, n_classes: int) -> str:
    prefix = f"`{name}` is not set: `model.fit(...)` did not finish."
    if _is_model(model) and not model.compiled:
        return (
            f"{prefix} The model is not compiled, and fit raises 'You must call `compile()` before using the "
            "model': run `model.compile(...)` first, then fit."
        )
    if _is_model(model) and targets is not None:
        problem = explain_loss_labels(model, targets, n_classes)
        if problem:
            return f"{prefix} {problem}"
    return f"{prefix} Fix the error the fit cell shows, and keep what fit returns: `{name} = model.fit(...)`."


def _swapped(params: dict, epochs: int, batch_size: int | None, n_samples: int | None) -> bool:
    if batch_size is None or epochs == batch_size or params.get("epochs") != batch_size:
        return False
    steps = params.get("steps")
    return n_samples is None or steps is None or steps == math.ceil(n_samples / epochs)


def _schedule_problems(name: str, history: Record, epochs: int, batch_size: int | None, n: int | None) -> list[str]:
    params = history.attrs.get("params") or {}
    ran = len(history.history.get("loss", []))
    if _swapped(params, epochs, batch_size, n):
        return [
            f"`{name}` comes from a fit with {params['epochs']} epochs of {params.get('steps')} batches: epochs "
            "and batch_size are swapped. Pass both by name, `epochs=...` and `batch_size=...` (by position, "
            "fit takes batch_size before epochs)."
        ]
    found = []
    if ran != epochs:
        found.append(f"`{name}` holds {ran} epochs, which is not the number of epochs the task asks for.")
    steps = params.get("steps")
    if batch_size and n and steps is not None and steps != math.ceil(n / batch_size):
        found.append(
            f"`{name}` shows {steps} batches per epoch, so fit used another batch size than the task's "
            "(batches per epoch = samples / batch_size, rounded up): pass `batch_size=...`."
        )
    return found


def _content_problems(name: str, history: Record, validation: bool, metric: str | Sequence[str]) -> list[str]:
    keys = history.history
    found = []
    if validation and not any(k.startswith("val_") for k in keys):
        found.append(
            f"`{name}` has no 'val_' entries, so fit ran without validation data: hold out part of the training "
            "data, with `validation_split=...` or with `validation_data=(inputs, targets)` split off it yourself, "
            "so that fit measures it after every epoch."
        )
    allowed = _names(metric)
    if not any(m in keys for m in allowed):
        shown = ", ".join(f"'{k}'" for k in sorted(keys))
        found.append(f"`{name}` records only {shown}: compile with `metrics=['{allowed[0]}']` before fitting.")
    if any(np.isnan(v).any() for v in keys.values() if len(v)):
        found.append(f"The loss in `{name}` became NaN: training diverged, often from a too large learning rate.")
    return found


def explain_history(
    history: Any,
    *,
    epochs: int,
    batch_size: int | None = None,
    n_samples: int | None = None,
    validation: bool = True,
    metric: str | Sequence[str] = "accuracy",
    model: Any = None,
    targets: Any = None,
    n_classes: int = 10,
    name: str = "history",
) -> str | None:
    """The History of one fit with the asked epochs and batch size, validation data and metric.

    When ``history`` is missing, ``model`` and ``targets`` tell why fit failed (fit before compile, a
    loss that does not fit the labels). Otherwise recognises the dict instead of the History, epochs and
    batch_size swapped, other epochs or batch size, no validation data, a missing metric, NaN losses.
    Up to two problems are reported together.
    """
    if history is Ellipsis:
        return _missing(name, history)
    if history is None:
        return _fit_failed(name, model, targets, n_classes)
    if isinstance(history, dict):
        return (
            f"`{name}` is the dictionary `.history` of the fit result: keep the History object itself, "
            f"`{name} = model.fit(...)`, and read `{name}.history` where needed."
        )
    if not _is_history(history):
        return f"`{name}` is {_what(history)}, not the History object that `model.fit(...)` returns."
    found = _schedule_problems(name, history, epochs, batch_size, n_samples)
    found += _content_problems(name, history, validation, metric)
    return " ".join(found[:2]) or None


def _curve_match(value: np.ndarray, curves: dict[str, list]) -> str | None:
    for key, curve in curves.items():
        if value.shape == (len(curve),) and np.allclose(value, curve, rtol=1e-6, atol=1e-9):
            return key
    return None


def _missing_key(name: str, history: Record, key: str) -> str:
    keys = sorted(history.history)
    shown = ", ".join(f"'{k}'" for k in keys)
    why = ""
    if key.startswith("val_") and not any(k.startswith("val_") for k in keys):
        why = " There are no 'val_' keys because fit ran without validation data."
    elif "acc" in key:
        why = (
            " The keys are the metric names exactly as compile got them: `metrics=['accuracy']` gives 'accuracy' "
            "and 'val_accuracy', `metrics=['acc']` gives 'acc' and 'val_acc'."
        )
    return (
        f"`{name}` is not set: reading it from `history.history` probably raised a KeyError, a key that does "
        f"not exist. This history has the keys {shown}.{why} List them with `history.history.keys()`."
    )


def explain_history_key(name: str, value: Any, history: Any, key: str) -> str | None:
    """``value`` is the list ``history.history[key]``, one entry per epoch.

    Recognises a key that does not exist ('acc' for 'accuracy', 'val_...' without validation data),
    another curve than asked (training for validation, loss for accuracy), and only the last value.
    """
    if not _is_history(history):
        return f"`{name}` is read from `history`, which is not a History from `model.fit(...)` yet: fix that first."
    if value is None or value is Ellipsis:
        return _missing_key(name, history, key)
    number = _number(value)
    curves = history.history
    if number is not None:
        last = [k for k, v in curves.items() if v and math.isclose(number, v[-1], rel_tol=1e-6)]
        tip = " (the last entry)" if last else ""
        return f"`{name}` is a single number{tip}: keep the whole list, one value per epoch."
    if not isinstance(value, (list, tuple, np.ndarray)):
        return f"`{name}` is {_what(value)}: it should be the list of values, one per epoch."
    arr = np.asarray(value, dtype=float) if np.asarray(value).dtype.kind in "biuf" else None
    match = _curve_match(arr, curves) if arr is not None else None
    if match == key:
        return None
    if match is not None:
        return f"`{name}` holds the '{match}' curve, not the one the task asks for: check the key you read."
    return f"`{name}` matches none of the curves in `history.history`: read the list from it as it is."


# --- predictions -----------------------------------------------------------------------------


def _prediction_shape(name: str, shape: tuple, n_samples: int, n_classes: int) -> str | None:
    want = (n_samples, n_classes)
    if shape == want:
        return None
    if n_samples == 1 and shape == (n_classes,):
        return (
            f"`{name}` has shape {shape}: the batch axis is gone. Keep the result of predicting on a batch of "
            f"one, `x[:1]`, which has shape {want}."
        )
    if shape == (n_samples,):
        return f"`{name}` has one number per sample: keep the class probabilities that `predict` returns, one row each."
    if len(shape) == 2 and shape[0] == n_samples:
        return (
            f"`{name}` has {shape[1]} columns, but there are {n_classes} classes: the output layer needs one "
            "unit per class."
        )
    if len(shape) == 2 and shape[1] == n_classes:
        return f"`{name}` holds predictions for {shape[0]} samples, but it should cover all {n_samples}."
    return f"`{name}` has shape {shape}, but it should have shape {want}: one row of class probabilities per sample."


def _probability_problem(name: str, pred: np.ndarray) -> str | None:
    if np.isnan(pred).any():
        return f"`{name}` holds NaN: training diverged (a too large learning rate?) or the loss did not fit the labels."
    low, high = float(pred.min()), float(pred.max())
    if low < -1e-6 or high > 1 + 1e-6:
        return (
            f"`{name}` runs from {low:.3g} to {high:.3g}, outside [0, 1], so these are not probabilities: the "
            "output layer has no softmax (a linear or relu output). Use `activation='softmax'` on it and train again."
        )
    sums = pred.sum(axis=1)
    if not np.allclose(sums, 1, atol=1e-3):
        return (
            f"The rows of `{name}` sum to between {sums.min():.3g} and {sums.max():.3g}, not 1: each output is "
            "squashed on its own (sigmoid) instead of a softmax across the classes. Use `activation='softmax'`."
        )
    return None


def explain_predictions(name: str, pred: Any, n_samples: int, n_classes: int) -> str | None:
    """Class probabilities from ``predict``: shape (n_samples, n_classes), in [0, 1], rows summing to 1.

    With ``n_samples == 1``, a value missing after an error, or a lost batch axis, is explained as
    ``predict(x[0])``.
    """
    if pred is None and n_samples == 1:
        return (
            f"`{name}` is not set, so its cell probably raised. `model.predict(x[0])` raises ValueError because "
            "`x[0]` is one sample without the batch axis: predict on `x[:1]`, a batch holding one sample."
        )
    missing = _missing(name, pred)
    if missing:
        return missing
    if not isinstance(pred, np.ndarray) or pred.dtype.kind not in "biuf":
        return f"`{name}` is {_what(pred)}: keep the NumPy array that `model.predict(...)` returns."
    return _prediction_shape(name, pred.shape, n_samples, n_classes) or _probability_problem(name, pred)


def explain_classes(name: str, classes: Any, probs: Any, *, check_values: bool = True) -> str | None:
    """Predicted classes, the index of the largest probability in each row of ``probs``.

    Candidates built from the student's own ``probs``: argmax over the wrong axis or no axis, a kept
    axis (shape (n, 1)), the largest probability instead of its index.
    """
    missing = _missing(name, classes)
    if missing or not isinstance(probs, np.ndarray) or probs.ndim != 2:
        return missing
    want = probs.argmax(axis=1)
    candidates = {
        f"`{name}` takes the argmax down each column (axis=0), one per class: use `axis=1`, across the "
        "classes of each sample.": probs.argmax(axis=0),
        f"`{name}` is one number: without an axis, argmax indexes the flattened array. Use `axis=1`.": probs.argmax(),
        f"`{name}` has shape {(len(probs), 1)}: compared with labels of shape ({len(probs)},), NumPy broadcasts "
        "it to a table of every pair. Drop `keepdims=True`, or flatten it with `.ravel()`.": want[:, None],
        f"`{name}` holds the largest probability of each sample, not its class: use argmax, not max.": probs.max(
            axis=1
        ),
    }
    finding = explain(name, classes, want, candidates=candidates, check_dtype=False, check_values=check_values)
    return finding.message if finding else None


def explain_accuracy(name: str, acc: Any, pred_classes: Any, labels: Any, *, check_values: bool = True) -> str | None:
    """An accuracy computed by hand: the share of ``pred_classes`` equal to ``labels``.

    Recognises the (n, 1) against (n,) broadcast to an (n, n) table, a count instead of a share, a
    percentage, the error rate, and an array instead of one number.
    """
    missing = _missing(name, acc)
    if missing:
        return missing
    if isinstance(acc, np.ndarray) and acc.ndim > 0:
        return f"`{name}` is an array of shape {acc.shape}: take `np.mean(...)` of the comparison to get one number."
    value = _number(acc)
    if value is None:
        return f"`{name}` should be one number between 0 and 1, but it is {_what(acc)}."
    truth = np.asarray(labels).ravel()
    if not isinstance(pred_classes, np.ndarray) or pred_classes.size != truth.size:
        return (
            f"`{name}` cannot be checked: it needs the predicted classes, one per sample ({truth.size} here), "
            "and those are missing or have another size. Fix them first, then compare them with the labels."
        )
    pred = pred_classes.ravel()
    share, count = float(np.mean(pred == truth)), float(np.sum(pred == truth))
    candidates = {
        f"`{name}` compares a column of shape (n, 1) with labels of shape (n,): NumPy broadcasts them to an (n, n) "
        "table of every pair, so the mean is far too low. Compare two vectors of shape (n,) (`.ravel()` or "
        "argmax without keepdims).": float(np.mean(pred[:, None] == truth[None, :])),
        f"`{name}` counts the correct predictions: divide by their number, or use `np.mean`.": count,
        f"`{name}` is a percentage: give the share as a fraction between 0 and 1.": 100 * share,
        f"`{name}` is the share of WRONG predictions: compare with `==`, not `!=`.": 1 - share,
    }
    if share in (0.0, 1.0):
        candidates.pop(next(iter(candidates)), None)
    finding = explain(name, value, share, candidates=candidates, check_values=check_values, rtol=1e-5)
    if finding is None and not 0 <= value <= 1:
        return f"`{name}` is {value:g}: an accuracy lies between 0 and 1."
    return finding.message if finding else None


# --- evaluate ----------------------------------------------------------------------------------


def _evaluate_pair(names: tuple[str, str], got: tuple[Any, Any]) -> tuple[float, float] | str:
    """The student's (loss, accuracy) as numbers, or a message saying why they are not."""
    for name, value in zip(names, got, strict=True):
        missing = _missing(name, value)
        if missing:
            return missing
        if isinstance(value, (list, tuple, np.ndarray)) and np.size(value) == 2:
            return (
                f"`{name}` is the whole list that `evaluate` returns, [loss, accuracy]: unpack it, "
                f"`{names[0]}, {names[1]} = model.evaluate(...)`."
            )
        if _number(value) is None:
            return f"`{name}` should be one number, but it is {_what(value)}."
    return _number(got[0]), _number(got[1])


def _close_pair(a: tuple[float, float], b: Sequence[float]) -> bool:
    return all(math.isclose(x, float(y), rel_tol=1e-4, abs_tol=1e-6) for x, y in zip(a, b, strict=False))


def explain_evaluate(
    names: tuple[str, str],
    got: tuple[Any, Any],
    expected: Sequence[float] | None = None,
    *,
    other: Sequence[float] | None = None,
) -> str | None:
    """``(loss, accuracy)`` as ``model.evaluate`` gives them; ``expected`` is that result when known.

    Without ``expected`` only the form is checked (two numbers, accuracy in [0, 1], loss not negative).
    Recognises the unpacked list, loss and accuracy swapped, and (with ``other``, evaluate's result on
    the other data set) train and test mixed up.
    """
    pair = _evaluate_pair(names, got)
    if isinstance(pair, str):
        return pair
    loss, acc = pair
    if expected is not None and _close_pair(pair, expected):
        return None
    if expected is not None and _close_pair((acc, loss), expected):
        return f"`{names[0]}` and `{names[1]}` are swapped: `evaluate` returns the loss first, then the metrics."
    if not 0 <= acc <= 1 or loss < 0:
        return (
            f"`{names[1]}` is {acc:.4g} and `{names[0]}` is {loss:.4g}: an accuracy lies between 0 and 1 and a "
            "loss is never negative. `evaluate` returns [loss, accuracy], in that order."
        )
    if other is not None and _close_pair(pair, other):
        return f"`{names[0]}` and `{names[1]}` were measured on the other data set: check the arrays you passed."
    if expected is not None:
        return (
            f"`{names[0]}` and `{names[1]}` do not match what `model.evaluate` gives on that data for your "
            "model: evaluate the trained model on the right inputs and targets, and do not retrain after it."
        )
    return None


# --- validation held out from the training data ---------------------------------------------------

_EPSILON = 1e-7
"""Keras clips probabilities to [epsilon, 1 - epsilon] before the log, unless it can read a softmax's logits."""


@functools.cache
def _digits_split(random_state: int) -> tuple[np.ndarray, ...]:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    return tuple(train_test_split((digits.data / 16).astype("float32"), digits.target, random_state=random_state))


def digits_split(random_state: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``X_train, X_test, y_train, y_test`` of the scaled digits, as the lab makes them (loaded once per process)."""
    return tuple(part.copy() for part in _digits_split(random_state))


def accuracy_keys(history: Any) -> tuple[str, str] | None:
    """The history's training and validation accuracy keys: ('accuracy', 'val_accuracy') or ('acc', 'val_acc')."""
    if not _is_history(history):
        return None
    for key in ("accuracy", "acc"):
        if key in history.history:
            return key, f"val_{key}"
    return None


def class_numbers(targets: Any) -> np.ndarray | None:
    """Class numbers from a vector (or column) of them, or from one-hot rows; None for anything else."""
    if not isinstance(targets, np.ndarray) or targets.dtype.kind not in "biuf" or targets.ndim not in (1, 2):
        return None
    if _one_hot_columns(targets):
        return targets.argmax(axis=1)
    if _class_numbers(targets):
        return targets.ravel().astype(np.int64)
    return None


def _picked(probs: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64)
    return probs[np.arange(len(labels)), labels], probs.argmax(axis=1) == labels


def scores(probs: Any, labels: Any, *, clipped: bool = False) -> tuple[float, float]:
    """(cross-entropy, accuracy) of class probabilities against class numbers, as Keras computes them.

    After a softmax output Keras takes the cross-entropy from the logits, which is ``-log(p)`` exactly;
    ``clipped=True`` gives the other way it has, with p clipped to [1e-7, 1 - 1e-7] first.
    """
    if not len(labels):
        return math.nan, math.nan
    chosen, right = _picked(probs, labels)
    if clipped:
        chosen = np.clip(chosen, _EPSILON, 1 - _EPSILON)
    with np.errstate(divide="ignore"):
        loss = float(-np.mean(np.log(chosen)))
    return loss, float(np.mean(right))


def _same_scores(probs: Any, labels: Any, recorded: tuple[float, float]) -> bool:
    """Whether Keras would have recorded ``recorded`` (loss, accuracy) for these predictions and labels."""
    for clipped in (False, True):
        loss, acc = scores(probs, labels, clipped=clipped)
        if math.isclose(loss, recorded[0], rel_tol=2e-4, abs_tol=1e-6) and math.isclose(acc, recorded[1], abs_tol=1e-5):
            return True
    return False


def _row_index(inputs: np.ndarray) -> dict[bytes, int]:
    return {np.ascontiguousarray(row, dtype=np.float32).tobytes(): i for i, row in enumerate(inputs)}


def _rows_in(part: Any, index: dict[bytes, int], n_features: int) -> list[int | None] | None:
    """Where each row of ``part`` sits in the indexed inputs (None for a row that is not there)."""
    if not isinstance(part, np.ndarray) or part.ndim != 2 or part.dtype.kind not in "iuf":
        return None
    if part.shape[1] != n_features:
        return None
    return [index.get(np.ascontiguousarray(row, dtype=np.float32).tobytes()) for row in part]


class _Validation:
    """What the checks know about one fit: its last validation numbers, its batches and the candidate sets."""

    def __init__(self, history: Record, inputs: np.ndarray, probs: np.ndarray, labels: np.ndarray, batch_size: int):
        keys = accuracy_keys(history)
        curves = history.history
        self.recorded = (curves["val_loss"][-1], curves[keys[1]][-1])
        self.steps = (history.attrs.get("params") or {}).get("steps")
        self.inputs, self.probs, self.labels, self.batch_size = inputs, probs, labels, batch_size

    def batches(self, n: int) -> int:
        return math.ceil(n / self.batch_size)

    def measured_on(self, rows: Sequence[int] | slice) -> bool:
        return _same_scores(self.probs[rows], self.labels[rows], self.recorded)


def _no_validation(name: str, history: Any) -> str | None:
    if not _is_history(history):
        return f"`{name}` is not the History that `model.fit(...)` returns: fix what the quick checks say first."
    keys = history.history
    if "val_loss" not in keys or not keys["val_loss"] or accuracy_keys(history) is None:
        return (
            f"`{name}` has no validation loss and accuracy: hold out a fifth of the training data for validation, "
            "with `validation_split=0.2` or with your own split passed as `validation_data`."
        )
    if f"val_{accuracy_keys(history)[0]}" not in keys:
        return f"`{name}` has no validation accuracy: compile with the accuracy metric before fitting."
    return None


def _explicit_split(run: _Validation, held_out: tuple[Any, Any], fit_part: tuple[Any, Any],
                    fraction: float) -> str | None:
    """The student's own split: X_val and X_fit carved from X_train, disjoint, covering it, and fit used them."""
    n, n_features = run.inputs.shape
    index = _row_index(run.inputs)
    (x_val, val_targets), (x_fit, fit_targets) = held_out, fit_part
    val_rows = _rows_in(x_val, index, n_features)
    if val_rows is None or None in val_rows:
        return (
            "`X_val` holds pictures that are not rows of `X_train`: carve the validation data out of the training "
            "data, never out of the test set."
        )
    labels = class_numbers(val_targets)
    if labels is None or labels.shape != (len(val_rows),) or not np.array_equal(labels, run.labels[val_rows]):
        return "`val_targets` are not the labels of the pictures in `X_val`, in their order: split them together."
    if not math.floor(n * fraction) <= len(val_rows) <= math.ceil(n * fraction):
        return f"`X_val` holds {len(val_rows)} of the {n} training pictures, which is not a fifth of them."
    fit_rows = _rows_in(x_fit, index, n_features)
    if fit_rows is None or None in fit_rows:
        return (
            "`X_fit` is not set to rows of `X_train`: with your own split, name the part you train on `X_fit` "
            "(and its labels `fit_targets`), and train on it."
        )
    if set(fit_rows) & set(val_rows) or len(set(fit_rows)) != len(fit_rows):
        return (
            "`X_fit` and `X_val` share pictures, so the network validates on pictures it trains on: every training "
            "picture goes to exactly one of them."
        )
    if len(fit_rows) + len(val_rows) != n:
        return "`X_fit` and `X_val` together leave out some training pictures: split all of `X_train` between them."
    labels = class_numbers(fit_targets)
    if labels is None or labels.shape != (len(fit_rows),) or not np.array_equal(labels, run.labels[fit_rows]):
        return "`fit_targets` are not the labels of the pictures in `X_fit`, in their order: split them together."
    if run.steps is not None and run.steps != run.batches(len(fit_rows)):
        return (
            f"fit ran {run.steps} batches per epoch, which is not `X_fit` in batches of the asked size: train on "
            "`X_fit` and `fit_targets`, with `batch_size=...`."
        )
    if not run.measured_on(val_rows):
        return (
            "The validation numbers in the history are not those of the trained model on `X_val`: pass "
            "`validation_data=(X_val, val_targets)` to fit, and do not change the model after fitting."
        )
    return None


def explain_validation(
    history: Any,
    *,
    train_inputs: np.ndarray,
    train_probs: np.ndarray,
    train_labels: np.ndarray,
    test_probs: np.ndarray,
    test_labels: np.ndarray,
    held_out: tuple[Any, Any] = (None, None),
    fit_part: tuple[Any, Any] = (None, None),
    fraction: float = 0.2,
    batch_size: int = 64,
    name: str = "history",
) -> str | None:
    """The fit validated on data held out from the training data, and trained on the rest in the asked batches.

    Read from the last epoch's validation loss and accuracy, which the trained model must reproduce on the
    held-out rows (``train_probs`` and ``test_probs`` are its predictions). Accepts ``validation_split``
    (the last ``fraction`` of the training rows) and an explicit split into ``held_out`` = (X_val,
    val_targets) and ``fit_part`` = (X_fit, fit_targets). Recognises validation on the test set, on the
    training data itself, on data it also trained on, and another batch size.
    """
    problem = _no_validation(name, history)
    if problem:
        return problem
    run = _Validation(history, train_inputs, train_probs, train_labels, batch_size)
    n = len(train_labels)
    if _same_scores(test_probs, test_labels, run.recorded):
        return (
            f"`{name}` was validated on the test set. The validation numbers decide how long to train, and a set "
            "that helped choose the model no longer measures how it does on unseen digits: hold out part of the "
            "training data (`validation_split=0.2`) and keep the test set for the final evaluation."
        )
    explicit = None
    if held_out[0] is not None:
        explicit = _explicit_split(run, held_out, fit_part, fraction)
        if explicit is None:
            return None
    cut = int(n * (1 - fraction))
    if run.steps == run.batches(cut) and run.measured_on(slice(cut, None)):
        return None
    if explicit is not None:
        return explicit
    if run.steps == run.batches(n):
        if run.measured_on(slice(None)):
            return (
                f"`{name}` was validated on the training data itself. The network has learned those pictures, so "
                "they look better than new ones: hold out part of the training data with `validation_split=0.2`."
            )
        return (
            f"fit trained on all {n} training pictures, so whatever it validated on was either trained on too or "
            "not training data: let `validation_split=0.2` hold out a fifth of the training data, or split it "
            "off yourself into `X_fit` and `X_val`."
        )
    if run.steps is not None and run.steps != run.batches(cut):
        return (
            f"`{name}` shows {run.steps} batches per epoch, which is not a fifth held out of {n} pictures in "
            "batches of the asked size: check `batch_size=...` and `validation_split=0.2`."
        )
    return (
        "The validation numbers in the history are not those of the trained model on the last fifth of the "
        "training data, which `validation_split=0.2` holds out: validate that way, and do not change the model "
        "after fitting."
    )


def explain_trained(name: str, history: Any, probs: np.ndarray, labels: np.ndarray) -> str | None:
    """The model is the network whose training the history records, not a copy built again afterwards."""
    keys = accuracy_keys(history)
    if keys is None or not history.history[keys[0]]:
        return None
    reached = history.history[keys[0]][-1]
    _, now = scores(probs, labels)
    if reached >= 0.5 and now < reached - 0.25:
        return (
            f"`{name}` gets only {now:.0%} of the training pictures right, although its history ended at "
            f"{reached:.0%}: it is not the network that fit trained. It was probably built again after training "
            "(a cell run twice): run the cells once, from top to bottom."
        )
    return None


# --- the learning-curve plot ---------------------------------------------------------------------


def _lines_matching(ax: Any, curve: Sequence[float], scale: float = 1.0) -> list[Any]:
    want = np.asarray(curve, dtype=float) * scale
    found = []
    for line in getattr(ax, "lines", []) or []:
        y = np.asarray(getattr(line, "y", []), dtype=float)
        if y.shape == want.shape and np.allclose(y, want, rtol=1e-5, atol=1e-7):
            found.append(line)
    return found


def _axes_of(figures: Any) -> list[Any]:
    return [ax for fig in figures or [] for ax in (getattr(fig, "axes", None) or [])]


def explain_learning_curves(figures: Any, history: Any, keys: tuple[str, str], *, what: str = "accuracy",
                            names: tuple[str, str] = ("acc_curve", "val_acc_curve")) -> str | None:
    """One plot shows both curves ``history.history[keys[i]]`` against the epochs 1, 2, ..., with a legend.

    ``figures`` is the grader's record of every figure drawn (``__figures__``). Recognises no figure, one curve
    only, the curves in two plots, percentages, epochs counted from 0 (``plt.plot(y)``) and no legend.
    """
    if not _is_history(history) or any(k not in history.history for k in keys):
        return f"The plot cannot be checked: `history` has no {what} curves yet. Fix question 4 first."
    train, val = (history.history[k] for k in keys)
    axes = _axes_of(figures)
    plot = f"plot `{names[0]}` and `{names[1]}` in one plot against the epoch numbers, with a legend"
    if not axes:
        return f"No figure was drawn: {plot}, then call `plt.show()`."
    both = [ax for ax in axes if _lines_matching(ax, train) and _lines_matching(ax, val)]
    if not both:
        if any(_lines_matching(ax, train, 100) and _lines_matching(ax, val, 100) for ax in axes):
            return f"The curves are drawn in percent: plot the {what} as the history holds it, between 0 and 1."
        has_train = any(_lines_matching(ax, train) for ax in axes)
        has_val = any(_lines_matching(ax, val) for ax in axes)
        if has_train and has_val:
            return (
                f"The training and the validation {what} are in two different plots: draw both in one plot, so "
                "that they can be compared epoch by epoch."
            )
        if has_train or has_val:
            missing = "validation" if has_train else "training"
            return f"No plot shows the {missing} {what}: {plot}."
        return f"No plot shows the training and validation {what} of `history`: {plot}."
    ax = both[0]
    epochs = np.arange(1, len(train) + 1, dtype=float)
    xs = [np.asarray(line.x, dtype=float) for line in (_lines_matching(ax, train)[0], _lines_matching(ax, val)[0])]
    if any(x.shape != epochs.shape or not np.allclose(x, epochs) for x in xs):
        if all(x.shape == epochs.shape and np.allclose(x, epochs - 1) for x in xs):
            return (
                f"The {what} curves are drawn against 0, 1, 2, ...: `plt.plot(y)` numbers the points from 0. Pass "
                "the epoch numbers as x, `plt.plot(range(1, len(y) + 1), y, ...)`."
            )
        return f"The {what} curves are not drawn against the epoch numbers 1, 2, ...: pass them as x to `plt.plot`."
    legend = [text for text in (getattr(ax, "legend", None) or []) if str(text).strip()]
    if len(legend) < 2:
        return (
            "The plot has no legend naming both curves: give each `plt.plot(...)` a `label=...` and call "
            "`plt.legend()`."
        )
    return None
