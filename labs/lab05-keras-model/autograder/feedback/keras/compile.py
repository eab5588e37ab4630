"""Compile settings read from the model's record: optimizer, learning rate, metrics, and the loss against the labels.

"Not compiled" is said only when the record shows compile never ran. When the cell that should compile
raised, its exception is the evidence: Keras's own "must call compile" error confirms fit ran first; an
unknown keyword (``lr=``) is named from the message; anything else is quoted as it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.model import CellFailure, Finding, FindingCode

from ..exceptions import error_hint, failure_of
from .model import not_a_model
from .records import (
    CATEGORICAL,
    DEFAULT_LEARNING_RATE,
    SPARSE,
    as_record,
    is_model,
    loss_name,
    number,
    one_hot_rows,
    what,
    whole_numbers,
)

COMPILE_FIRST = "must call `compile()`"
"""What Keras's error says when fit runs on a model that was never compiled."""


def explain_compile(name: str, model: Any, *, optimizer: str = "RMSprop", learning_rate: float | None = None,
                    metric: str | Sequence[str] = "accuracy", cell_names: Sequence[str] = ()) -> Finding | None:
    """Compiled, with the asked optimizer class and learning rate, reporting ``metric`` (or one of several names).

    ``cell_names`` are the other globals the compiling cell sets: when that cell raised, its exception says
    why the model is not compiled. Recognises compile never run, fit run before compile, compile that raised,
    another optimizer, the default learning rate, another rate, and a missing or renamed metric.
    """
    model = as_record(model, name)
    problem = not_a_model(name, model)
    if problem is not None:
        return problem
    if not model.compiled:
        return _not_compiled(name, cell_names)
    return _optimizer_problem(name, model, optimizer, learning_rate) or _metric_problem(
        name, list(model.attrs.get("metrics") or []), metric)


def _not_compiled(name: str, cell_names: Sequence[str]) -> Finding:
    failure = next((f for f in map(failure_of, cell_names) if f is not None), None)
    own = failure_of(name)
    if own is not None and (".compile(" in own.line or COMPILE_FIRST in own.error):
        failure = own
    if failure is None:
        return Finding(FindingCode.MISSING, f"`{name}` is not compiled: compile has not run on it. Call "
                       f"`{name}.compile(optimizer=..., loss=..., metrics=[...])`, and run that cell before fitting.")
    return compile_raised(name, failure)


def compile_raised(name: str, failure: CellFailure) -> Finding:
    """The cell that should compile ``name`` raised: what its exception proves."""
    line = failure.line.strip()
    at = f" at `{line}`" if line else ""
    if COMPILE_FIRST in failure.error:
        return Finding(FindingCode.RAISED, f"`{name}` is not compiled: its cell raised \"{failure.error}\"{at}. fit "
                       "ran before compile, so the cell stopped there and compile never ran: compile first, then "
                       "fit.", line, confirmed=True)
    hint = error_hint(failure.error)
    if ".compile(" in line:
        return Finding(FindingCode.RAISED, f"`{name}` is not compiled: `compile` raised {failure.error}{at}. "
                       f"{hint}".strip(), line, confirmed=bool(hint))
    return Finding(FindingCode.RAISED, f"`{name}` is not compiled: its cell raised {failure.error}{at}, and the "
                   f"lines after it did not run. {hint}".strip(), line)


def _optimizer_problem(name: str, model: Any, optimizer: str, learning_rate: float | None) -> Finding | None:
    opt = model.attrs.get("optimizer")
    got = opt.attrs.get("class_name") if opt is not None and hasattr(opt, "attrs") else None
    if got is None or got.lower() != optimizer.lower():
        return Finding(FindingCode.VALUES, f"`{name}` is compiled with the {got} optimizer, but the task asks for "
                       f"{optimizer}: pass `optimizer=keras.optimizers.{optimizer}(learning_rate=...)`.", "optimizer")
    rate = number(opt.attrs.get("learning_rate"))
    if learning_rate is None or (rate is not None and math.isclose(rate, learning_rate, rel_tol=1e-5)):
        return None
    if rate is not None and math.isclose(rate, DEFAULT_LEARNING_RATE, rel_tol=1e-5):
        return Finding(FindingCode.VALUES, f"`{name}` trains with {optimizer}'s default learning rate, "
                       f"{DEFAULT_LEARNING_RATE}: `optimizer='{optimizer.lower()}'` and `{optimizer}()` keep the "
                       f"default. Pass `keras.optimizers.{optimizer}(learning_rate=...)` with the rate the task asks "
                       "for.", "learning_rate")
    shown = "an unreadable learning rate" if rate is None else f"the learning rate {rate:g}"
    return Finding(FindingCode.VALUES, f"`{name}` trains with {shown}, which is not the one the task asks for: pass "
                   f"it as `keras.optimizers.{optimizer}(learning_rate=...)`.", "learning_rate")


def _metric_problem(name: str, metrics: list, metric: str | Sequence[str]) -> Finding | None:
    allowed = (metric,) if isinstance(metric, str) else tuple(metric)
    if any(m in metrics for m in allowed):
        return None
    if metrics:
        shown = ", ".join(f"'{m}'" for m in metrics)
        return Finding(FindingCode.VALUES, f"`{name}` reports the metric {shown}: the task asks for "
                       f"`metrics=['{allowed[0]}']`. Keras names the history entries after the metrics exactly as you "
                       "write them in compile.", "metrics")
    return Finding(FindingCode.MISSING, f"`{name}` is compiled without metrics: pass `metrics=['{allowed[0]}']` so "
                   "fit and evaluate report it.", "metrics")


# --- loss and labels -------------------------------------------------------------------


def _other_loss(loss: str) -> Finding:
    if loss == "binary_crossentropy":
        kind = "is for two classes (or independent yes/no labels)"
    else:
        kind = "does not compare class probabilities with labels, which a classifier needs"
    return Finding(FindingCode.VALUES, f"The loss '{loss}' {kind}. For one label out of several classes use "
                   "'sparse_categorical_crossentropy' with class numbers, or 'categorical_crossentropy' with one-hot "
                   "labels.", "loss")


def _sparse_labels(name: str, labels: np.ndarray, n_classes: int) -> Finding | None:
    if one_hot_rows(labels):
        return Finding(FindingCode.SHAPE, f"`{name}` is one-hot (shape {labels.shape}), but "
                       f"sparse_categorical_crossentropy expects class numbers of shape ({len(labels)},), and fit "
                       "raises a rank error. Keep the integer labels, or compile with "
                       "loss='categorical_crossentropy'.", "loss", confirmed=True)
    if not whole_numbers(labels):
        return Finding(FindingCode.SHAPE, f"`{name}` has shape {labels.shape} and is not whole class numbers: "
                       "sparse_categorical_crossentropy expects one class number per sample.")
    flat = labels.ravel()
    if flat.size and (flat.min() < 0 or flat.max() >= n_classes):
        return Finding(FindingCode.VALUES, f"`{name}` holds values from {flat.min():g} to {flat.max():g}, outside 0 "
                       f"to {n_classes - 1}: class numbers run from 0 to the number of classes minus 1.")
    return None


def _categorical_labels(name: str, labels: np.ndarray, n_classes: int) -> Finding | None:
    if one_hot_rows(labels) and labels.shape[1] == n_classes:
        return None
    if whole_numbers(labels):
        return Finding(FindingCode.SHAPE, f"`{name}` holds class numbers (shape {labels.shape}), but "
                       f"categorical_crossentropy expects one-hot rows of shape ({len(labels)}, {n_classes}), and fit "
                       f"raises a rank/shape error. One-hot encode with `keras.utils.to_categorical(labels, "
                       f"{n_classes})`, or compile with loss='sparse_categorical_crossentropy'.", "loss",
                       confirmed=True)
    if one_hot_rows(labels):
        return Finding(FindingCode.SHAPE, f"`{name}` is one-hot with {labels.shape[1]} columns, but there are "
                       f"{n_classes} classes: pass `num_classes={n_classes}` to `keras.utils.to_categorical`.")
    return Finding(FindingCode.SHAPE, f"`{name}` has shape {labels.shape}, which is not one-hot: build it with "
                   "`keras.utils.to_categorical`.")


def explain_loss_labels(loss: Any, labels: Any, n_classes: int, *, name: str = "train_targets") -> Finding | None:
    """The labels fit the loss: class numbers with sparse CE, one-hot rows with categorical CE.

    ``loss`` is a loss name, a loss object's name, or a model record (then "no loss" is said only when the
    record shows compile ran without one; an uncompiled model is :func:`explain_compile`'s finding).
    """
    if labels is None or labels is Ellipsis:
        return Finding(FindingCode.MISSING, f"`{name}` is not set yet: replace the `...` with your code and run the "
                       "cell.")
    if not isinstance(labels, np.ndarray):
        return Finding(FindingCode.NOT_ARRAY, f"`{name}` is {what(labels)}: keep the labels as a NumPy array.")
    model = as_record(loss)
    if is_model(model) and not model.compiled:
        return Finding(FindingCode.MISSING, "The model is not compiled yet, so its loss cannot be compared with "
                       f"`{name}`: compile it first.", "loss")
    name_of_loss = loss_name(model)
    if name_of_loss is None:
        if is_model(model):
            return Finding(FindingCode.MISSING, "The model is compiled without a loss, and fit needs one: pass "
                           "`loss=...` to compile.", "loss", confirmed=True)
        return None
    if name_of_loss == SPARSE:
        return _sparse_labels(name, labels, n_classes)
    if name_of_loss == CATEGORICAL:
        return _categorical_labels(name, labels, n_classes)
    return _other_loss(name_of_loss)
