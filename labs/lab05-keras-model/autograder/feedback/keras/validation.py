"""What fit validated on, and whether the model is still the one it trained.

Read from the last epoch's validation loss and accuracy: a data set is named as the one fit validated on
only when the trained model reproduces those numbers on it (the test set, the whole training data, the
held-out rows). An explicit split is checked row by row against the training inputs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from .history import batches
from .predictions import scores
from .records import accuracy_keys, as_record, class_numbers, is_history

_NO_CHANGE = "do not change the model after fitting"


def same_scores(probs: Any, labels: Any, recorded: tuple[float, float]) -> bool:
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


class _Run:
    """One fit: its last validation numbers, its batches per epoch, the trained model's predictions."""

    def __init__(self, history: Any, inputs: np.ndarray, probs: np.ndarray, labels: np.ndarray, batch_size: int):
        keys = accuracy_keys(history)
        curves = history.history
        self.recorded = (curves["val_loss"][-1], curves[keys[1]][-1])
        self.steps = (history.attrs.get("params") or {}).get("steps")
        self.inputs, self.probs, self.labels, self.batch_size = inputs, probs, labels, batch_size

    def batches(self, n: int) -> int:
        return batches(n, self.batch_size)

    def measured_on(self, rows: Sequence[int] | slice) -> bool:
        return same_scores(self.probs[rows], self.labels[rows], self.recorded)


def _no_validation(name: str, history: Any) -> Finding | None:
    if not is_history(history):
        return Finding(FindingCode.TYPE, f"`{name}` is not the History that `model.fit(...)` returns: fix what the "
                       "quick checks say first.")
    keys = history.history
    if "val_loss" not in keys or not keys["val_loss"] or accuracy_keys(history) is None:
        return Finding(FindingCode.NO_VALIDATION, f"`{name}` has no validation loss and accuracy: hold out part of the "
                       "training data for validation, with `validation_split=...` or with your own split passed as "
                       "`validation_data`.")
    if accuracy_keys(history)[1] not in keys:
        return Finding(FindingCode.NO_VALIDATION, f"`{name}` has no validation accuracy: compile with the accuracy "
                       "metric before fitting.")
    return None


def _labels_of(targets: Any, rows: list[int], run: _Run) -> bool:
    labels = class_numbers(targets)
    return labels is not None and labels.shape == (len(rows),) and np.array_equal(labels, run.labels[rows])


def _explicit_split(run: _Run, held_out: Mapping[str, Any], fit_part: Mapping[str, Any],
                    fraction: float) -> Finding | None:
    """The student's own split: carved from the training inputs, disjoint, covering them, and fit used it."""
    n, n_features = run.inputs.shape
    index = _row_index(run.inputs)
    (val_name, x_val), (val_targets_name, val_targets) = held_out.items()
    (fit_name, x_fit), (fit_targets_name, fit_targets) = fit_part.items()
    val_rows = _rows_in(x_val, index, n_features)
    if val_rows is None or None in val_rows:
        return Finding(FindingCode.VALUES, f"`{val_name}` holds samples that are not rows of the training inputs: "
                       "carve the validation data out of the training data, never out of the test set.", val_name)
    if not _labels_of(val_targets, val_rows, run):
        return Finding(FindingCode.VALUES, f"`{val_targets_name}` are not the labels of the samples in `{val_name}`, "
                       "in their order: split them together.", val_targets_name)
    if not math.floor(n * fraction) <= len(val_rows) <= math.ceil(n * fraction):
        return Finding(FindingCode.SIZE, f"`{val_name}` holds {len(val_rows)} of the {n} training samples, which is "
                       f"not {fraction:.0%} of them.", val_name)
    fit_rows = _rows_in(x_fit, index, n_features)
    if fit_rows is None or None in fit_rows:
        return Finding(FindingCode.MISSING, f"`{fit_name}` is not set to rows of the training inputs: with your own "
                       f"split, name the part you train on `{fit_name}` (and its labels `{fit_targets_name}`), and "
                       "train on it.", fit_name)
    if set(fit_rows) & set(val_rows) or len(set(fit_rows)) != len(fit_rows):
        return Finding(FindingCode.VALUES, f"`{fit_name}` and `{val_name}` share samples, so the network validates on "
                       "samples it trains on: every training sample goes to exactly one of them.", fit_name,
                       confirmed=True)
    if len(fit_rows) + len(val_rows) != n:
        return Finding(FindingCode.SIZE, f"`{fit_name}` and `{val_name}` together leave out some training samples: "
                       "split all of them between the two.", fit_name)
    if not _labels_of(fit_targets, fit_rows, run):
        return Finding(FindingCode.VALUES, f"`{fit_targets_name}` are not the labels of the samples in `{fit_name}`, "
                       "in their order: split them together.", fit_targets_name)
    if run.steps is not None and run.steps != run.batches(len(fit_rows)):
        return Finding(FindingCode.STEPS, f"fit ran {run.steps} batches per epoch, which is not `{fit_name}` in "
                       f"batches of the asked size: train on `{fit_name}` and `{fit_targets_name}`, with "
                       "`batch_size=...`.", "steps")
    if not run.measured_on(val_rows):
        return Finding(FindingCode.VALUES, f"The validation numbers in the history are not those of the trained model "
                       f"on `{val_name}`: pass `validation_data=({val_name}, {val_targets_name})` to fit, and "
                       f"{_NO_CHANGE}.")
    return None


def explain_validation(name: str, history: Any, *, train_inputs: np.ndarray, train_probs: np.ndarray,
                       train_labels: np.ndarray, test_probs: np.ndarray, test_labels: np.ndarray,
                       held_out: Mapping[str, Any] | None = None, fit_part: Mapping[str, Any] | None = None,
                       fraction: float = 0.2, batch_size: int = 32) -> Finding | None:
    """The fit validated on data held out from the training data, and trained on the rest in the asked batches.

    ``train_probs`` and ``test_probs`` are the trained model's predictions. Accepts ``validation_split`` (the
    last ``fraction`` of the training rows) and an explicit split: ``held_out`` maps the names of the
    validation inputs and targets to their values (``{"X_val": ..., "val_targets": ...}``), ``fit_part`` those
    of the part trained on. Validation on the test set, on the training data itself, on data it also trained
    on, and another batch size are named only when the history's numbers are reproduced.
    """
    history = as_record(history, name)
    problem = _no_validation(name, history)
    if problem is not None:
        return problem
    run = _Run(history, train_inputs, train_probs, train_labels, batch_size)
    n = len(train_labels)
    if same_scores(test_probs, test_labels, run.recorded):
        return Finding(FindingCode.VALIDATION_LEAK, f"`{name}` was validated on the test set. The validation "
                       "numbers decide how long to train, and a set that helped choose the model no longer measures "
                       f"how it does on unseen data: hold out part of the training data "
                       f"(`validation_split={fraction:g}`) and keep the test set for the final evaluation.",
                       confirmed=True)
    explicit = None
    if held_out and fit_part and next(iter(held_out.values())) is not None:
        explicit = _explicit_split(run, held_out, fit_part, fraction)
        if explicit is None:
            return None
    cut = int(n * (1 - fraction))
    if run.steps == run.batches(cut) and run.measured_on(slice(cut, None)):
        return None
    return explicit or _split_problem(name, run, n, cut, fraction)


def _split_problem(name: str, run: _Run, n: int, cut: int, fraction: float) -> Finding:
    split = f"`validation_split={fraction:g}`"
    if run.steps == run.batches(n):
        if run.measured_on(slice(None)):
            return Finding(FindingCode.VALIDATION_LEAK, f"`{name}` was validated on the training data itself. The "
                           "network has learned those samples, so they look better than new ones: hold out part of the "
                           f"training data with {split}.", confirmed=True)
        return Finding(FindingCode.NO_VALIDATION, f"fit trained on all {n} training samples, so whatever it validated "
                       f"on was either trained on too or not training data: let {split} hold out part of the "
                       "training data, or split it off yourself.", "steps")
    if run.steps is not None and run.steps != run.batches(cut):
        return Finding(FindingCode.STEPS, f"`{name}` shows {run.steps} batches per epoch, which is not "
                       f"{fraction:.0%} held out of {n} samples in batches of the asked size: check `batch_size=...` "
                       f"and {split}.", "steps")
    return Finding(FindingCode.VALUES, "The validation numbers in the history are not those of the trained model on "
                   f"the last {fraction:.0%} of the training data, which {split} holds out: validate that way, and "
                   f"{_NO_CHANGE}.")


def explain_trained(name: str, history: Any, probs: np.ndarray, labels: np.ndarray) -> Finding | None:
    """The model is the network whose training the history records, not one changed or built again afterwards."""
    keys = accuracy_keys(as_record(history, "history"))
    if keys is None or not history.history[keys[0]]:
        return None
    reached = history.history[keys[0]][-1]
    _, now = scores(probs, labels)
    if reached < 0.5 or now >= reached - 0.25:
        return None
    chance = probs.shape[1] if np.ndim(probs) == 2 else 0
    level = (f", about the {1 / chance:.0%} of guessing, as an untrained network does" if chance
             and abs(now - 1 / chance) < 0.1 else "")
    return Finding(FindingCode.VALUES, f"`{name}` gets only {now:.0%} of the training samples right{level}, although "
                   f"its history ended at {reached:.0%}: it is not the network in the state fit left it. It was built "
                   "again or changed after training: run the cells once, from top to bottom.",
                   confirmed=True)
