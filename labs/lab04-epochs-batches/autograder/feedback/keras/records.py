"""Reading the records of Keras objects: a model, its layers and optimizer, a History; live objects made records.

Checks receive the grader's ``Record`` of a Keras model (``class_name``, ``built``, ``layers``,
``input_shape``, ``compiled``, ``optimizer``, ``loss``, ``metrics``, ...) or of a History (``history``,
``params``, ``epoch``). Public checks also run in the student's own kernel, where the values are live Keras
objects: :func:`as_record` turns those into the same records first. Nothing here imports TensorFlow or Keras.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from autograder.records import HistoryRecord
from autograder.transport import Opaque, Record

SPARSE = "sparse_categorical_crossentropy"
CATEGORICAL = "categorical_crossentropy"
CROSS_ENTROPIES = (SPARSE, CATEGORICAL, "binary_crossentropy")
DEFAULT_LEARNING_RATE = 0.001
"""What Keras's optimizers use when given as a string or built without ``learning_rate``."""
DEFAULT_BATCH_SIZE = 32
"""What ``fit`` uses when no ``batch_size`` is given."""
_LOSS_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error"}


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


def is_model(value: Any) -> bool:
    """A record of a Keras model."""
    return isinstance(value, Record) and {"layers", "built", "compiled"} <= value.attrs.keys()


def is_history(value: Any) -> bool:
    """A record (or object) whose ``history`` is a dict of curves, as a History's is."""
    return isinstance(getattr(value, "history", None), dict)


def is_keras_history(value: Any) -> bool:
    """A real ``keras.callbacks.History`` (its record, or the live object), not a look-alike with the same fields."""
    if isinstance(value, Record):
        return value.type_name == HistoryRecord.TYPE_NAME
    return any(c.__name__ == "History" and c.__module__.startswith("keras") for c in type(value).__mro__)


def type_name(value: Any) -> str:
    """``module.Class`` of a student's object, read from its record when it crossed as data."""
    if isinstance(value, (Record, Opaque)):
        return value.type_name
    return f"{type(value).__module__}.{type(value).__qualname__}"


def what(value: Any) -> str:
    """'a dict', 'a SimpleNamespace': the class of a student's value, for a sentence."""
    short = value.type_name if isinstance(value, (Record, Opaque)) else type(value).__name__
    return f"{'an' if short[:1].lower() in 'aeiou' else 'a'} {short}"


def number(value: Any) -> float | None:
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


def output_activation(model: Any) -> str | None:
    """The activation of a model record's last layer, or None when it cannot be read."""
    if not is_model(model) or not model.layers:
        return None
    activation = model.layers[-1].attrs.get("activation")
    return activation if isinstance(activation, str) else None


def fit_params(history: Any) -> dict[str, Any]:
    """``history.params`` as a dict (empty when absent)."""
    params = getattr(history, "params", None)
    return params if isinstance(params, dict) else {}


def accuracy_keys(history: Any) -> tuple[str, str] | None:
    """The history's training and validation accuracy keys: ('accuracy', 'val_accuracy') or ('acc', 'val_acc')."""
    if not is_history(history):
        return None
    for key in ("accuracy", "acc"):
        if key in history.history:
            return key, f"val_{key}"
    return None


def one_hot_rows(labels: np.ndarray) -> bool:
    """True for a 2-D array of 0/1 rows with a single 1 each."""
    if labels.ndim != 2 or labels.dtype.kind not in "biuf" or labels.shape[1] < 2:
        return False
    return bool(np.isin(labels, (0, 1)).all() and np.allclose(labels.sum(axis=1), 1))


def whole_numbers(labels: np.ndarray) -> bool:
    """True for whole numbers, as a vector or a single column."""
    flat = labels.ravel() if labels.ndim == 2 and labels.shape[1] == 1 else labels
    return flat.ndim == 1 and labels.dtype.kind in "iuf" and bool(np.all(np.mod(flat, 1) == 0))


def class_numbers(targets: Any) -> np.ndarray | None:
    """Class numbers from a vector (or column) of them, or from one-hot rows; None for anything else."""
    if not isinstance(targets, np.ndarray) or targets.dtype.kind not in "biuf" or targets.ndim not in (1, 2):
        return None
    if one_hot_rows(targets):
        return targets.argmax(axis=1)
    if whole_numbers(targets):
        return targets.ravel().astype(np.int64)
    return None
