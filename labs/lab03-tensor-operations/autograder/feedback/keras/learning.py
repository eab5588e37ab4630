"""Did training learn: the loss fell and the validation accuracy rose; when not, the evidence of why.

A cause is named only from evidence: inputs outside [0, 1] together with a first-epoch loss far above what
an untrained network scores by guessing evenly (ln of the number of classes), or an output layer or loss
read from the model's record that cannot give class probabilities. Without such evidence the finding says
what the curves show.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from .records import CROSS_ENTROPIES, accuracy_keys, as_record, is_history, loss_name, output_activation

GUESSING_FACTOR = 2.0
"""A first-epoch loss this many times ln(classes) shows outputs far more extreme than an even guess."""


def explain_learning(name: str, history: Any, *, min_accuracy: float, n_classes: int | None = None,
                     inputs: Any = None, inputs_name: str = "the inputs", model: Any = None) -> Finding | None:
    """The training loss went down and the last validation accuracy reached ``min_accuracy``.

    ``inputs`` (what fit trained on), ``n_classes`` and ``model`` are the evidence a cause is read from.
    """
    history = as_record(history, name)
    keys = accuracy_keys(history)
    if not is_history(history) or keys is None or keys[1] not in history.history or "loss" not in history.history:
        return Finding(FindingCode.NO_VALIDATION, f"`{name}` has no loss and validation accuracy to judge the "
                       "training by: fix what the quick checks say first.")
    loss, val_acc = history.history["loss"], history.history[keys[1]]
    if not loss or not val_acc:
        return Finding(FindingCode.EMPTY, f"`{name}` recorded no epoch.")
    if loss[-1] < loss[0] and np.isfinite(val_acc[-1]) and val_acc[-1] >= min_accuracy:
        return None
    if loss[-1] >= loss[0]:
        seen = f"The training loss in `{name}` did not go down (from {loss[0]:.3g} to {loss[-1]:.3g})"
    else:
        seen = f"After training, the model gets only {val_acc[-1]:.0%} of the validation samples right"
    why = _output_cause(as_record(model)) or _scale_cause(inputs, inputs_name, loss[0], n_classes)
    if why is not None:
        return Finding(FindingCode.VALUES, f"{seen}: {why}", confirmed=True)
    return Finding(FindingCode.VALUES, f"{seen}, far below what this network reaches: check the output activation, "
                   "the loss, the learning rate and that the inputs are scaled.")


def _output_cause(model: Any) -> str | None:
    activation, loss = output_activation(model), loss_name(model)
    if loss is not None and loss not in CROSS_ENTROPIES:
        return f"the model minimises '{loss}', which does not compare class probabilities with labels. Use a " \
               "cross-entropy loss."
    if loss in CROSS_ENTROPIES and activation is not None and activation not in ("softmax", "sigmoid"):
        return f"the model's last layer uses '{activation}', so its outputs are not probabilities, which a " \
               "cross-entropy loss needs. Use `activation='softmax'` on it."
    return None


def _scale_cause(inputs: Any, inputs_name: str, first_loss: float, n_classes: int | None) -> str | None:
    if not isinstance(inputs, np.ndarray) or inputs.dtype.kind not in "iuf" or not inputs.size or not n_classes:
        return None
    low, high = float(inputs.min()), float(inputs.max())
    guess = math.log(n_classes)
    if (high <= 1 + 1e-6 and low >= -1 - 1e-6) or not first_loss > GUESSING_FACTOR * guess:
        return None
    return (f"{inputs_name} run from {low:g} to {high:g}, not [0, 1], and the first epoch's loss, {first_loss:.3g}, is "
            f"far above ln({n_classes}) = {guess:.3g}, what an untrained network scores by guessing evenly: inputs "
            "that large make the first outputs extreme. Scale the inputs into [0, 1] and train again.")
