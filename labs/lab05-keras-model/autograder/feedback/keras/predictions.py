"""What comes out of a trained model: predicted probabilities, classes, an accuracy by hand, evaluate's numbers.

Slips are re-enacted on the student's own predictions (argmax over another axis, a count instead of a
share, the (n, 1) against (n,) broadcast). A cause read from values alone, such as "no softmax", is named
only when the model's record shows it; otherwise the finding says what the values look like.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from ..exceptions import failure_of, raised_finding
from ..ladder import explain
from ..slips import Slip, reenact
from .records import as_record, number, output_activation, what

EPSILON = 1e-7
"""Keras clips probabilities to [epsilon, 1 - epsilon] before the log, unless it can read a softmax's logits."""

_ACTIVATION_EFFECT = {
    "linear": "has no activation (linear), so its outputs are raw scores",
    "relu": "uses relu, whose outputs are 0 or above but not probabilities",
    "sigmoid": "uses sigmoid, which squashes each output on its own",
    "tanh": "uses tanh, whose outputs lie between -1 and 1",
}


_ONE_SAMPLE = re.compile(r"\.predict\(\s*([\w.]+)\[\s*(-?\d+)\s*\]\s*[,)]")
"""``model.predict(X_test[0])``: the argument is one row of an array, picked by a single index."""


def _missing(name: str, value: Any, model: Any = None, sample: Any = None) -> Finding:
    if value is Ellipsis:
        return Finding(FindingCode.MISSING, f"`{name}` is not set yet: replace the `...` with your code and run the "
                       "cell.")
    failure = failure_of(name)
    if failure is None:
        return Finding(FindingCode.MISSING, f"`{name}` is not set yet: run the cell that sets it.")
    picked = _ONE_SAMPLE.search(failure.line)
    if picked is not None and _one_sample_raises(model, sample):
        data, index = picked.groups()
        first_line = failure.error.splitlines()[0]
        return Finding(FindingCode.MISSING_AXIS, f"`{name}` is not set: `predict` raised {first_line} "
                       f"on `{data}[{index}]`, which is one sample without the batch axis (predicting on one sample "
                       f"that way raises here too). Predict on a batch holding that one sample, `{data}[{index}:"
                       f"{int(index) + 1 or ''}]`, which keeps the axis.", failure.line.strip(), confirmed=True)
    return raised_finding(name, failure)


def _one_sample_raises(model: Any, sample: Any) -> bool:
    """Re-enacted: ``predict`` on one sample without its batch axis raises, on a batch of it it does not."""
    predict = getattr(model, "predict", None)
    if predict is None or not isinstance(sample, np.ndarray) or sample.ndim != 1:
        return False
    try:
        predict(sample[None], verbose=0)
    except Exception:
        return False
    try:
        predict(sample, verbose=0)
    except Exception:
        return True
    return False


def _prediction_shape(name: str, shape: tuple, n_samples: int, n_classes: int) -> Finding | None:
    want = (n_samples, n_classes)
    if shape == want:
        return None
    if n_samples == 1 and shape == (n_classes,):
        return Finding(FindingCode.MISSING_AXIS, f"`{name}` has shape {shape}: the batch axis is gone. Keep the result "
                       f"of predicting on a batch of one, `x[:1]`, which has shape {want}.")
    if shape == (n_samples,):
        return Finding(FindingCode.SHAPE, f"`{name}` has one number per sample: keep the class probabilities that "
                       "`predict` returns, one row each.")
    if len(shape) == 2 and shape[0] == n_samples:
        return Finding(FindingCode.SHAPE, f"`{name}` has {shape[1]} columns, but there are {n_classes} classes: the "
                       "output layer needs one unit per class.", "axis 1")
    if len(shape) == 2 and shape[1] == n_classes:
        return Finding(FindingCode.SHAPE, f"`{name}` holds predictions for {shape[0]} samples, but it should cover "
                       f"all {n_samples}.", "axis 0")
    return Finding(FindingCode.SHAPE, f"`{name}` has shape {shape}, but it should have shape {want}: one row of class "
                   "probabilities per sample.")


def _probability_problem(name: str, pred: np.ndarray, model: Any) -> Finding | None:
    if np.isnan(pred).any():
        return Finding(FindingCode.VALUES, f"`{name}` holds NaN: the network's weights diverged during training "
                       "(check the learning rate and that the inputs are scaled), or the loss did not fit the labels.")
    low, high = float(pred.min()), float(pred.max())
    sums = pred.sum(axis=1)
    outside = low < -1e-6 or high > 1 + 1e-6
    if not outside and np.allclose(sums, 1, atol=1e-3):
        return None
    if outside:
        seen = f"`{name}` runs from {low:.3g} to {high:.3g}, outside [0, 1], so these are not probabilities"
    else:
        seen = f"The rows of `{name}` sum to between {sums.min():.3g} and {sums.max():.3g}, not 1"
    activation = output_activation(as_record(model))
    if activation is not None and activation != "softmax":
        effect = _ACTIVATION_EFFECT.get(activation, f"uses {activation}")
        return Finding(FindingCode.VALUES, f"{seen}: the last layer of the model {effect}. Use "
                       "`activation='softmax'` on it, which gives rows of probabilities summing to 1, and train again.",
                       confirmed=True)
    return Finding(FindingCode.VALUES, f"{seen}. A softmax output layer gives rows of probabilities that lie in "
                   "[0, 1] and sum to 1: keep what `predict` returns for such a model.")


def explain_predictions(name: str, pred: Any, n_samples: int, n_classes: int, *, model: Any = None,
                        sample: Any = None) -> Finding | None:
    """Class probabilities from ``predict``: shape (n_samples, n_classes), in [0, 1], rows summing to 1.

    With ``model`` (its record or the live object) an output that is not a softmax is named from the record.
    A value that is missing because the cell's ``predict`` got one row ``x[i]`` is named when predicting on
    ``sample`` (one row of the data, without the batch axis) raises too, and on a batch of it does not.
    """
    if pred is None or pred is Ellipsis:
        return _missing(name, pred, model, sample)
    if not isinstance(pred, np.ndarray) or pred.dtype.kind not in "biuf":
        return Finding(FindingCode.NOT_ARRAY, f"`{name}` is {what(pred)}: keep the NumPy array that "
                       "`model.predict(...)` returns.")
    return _prediction_shape(name, pred.shape, n_samples, n_classes) or _probability_problem(name, pred, model)


def class_slips(name: str, probs: np.ndarray) -> list[Slip]:
    """Ways of reading classes from ``probs`` that give something else than the argmax across each row."""
    want = probs.argmax(axis=1)
    found = [
        reenact(f"`{name}` takes the argmax down each column (axis=0), one per class: use `axis=1`, across the "
                "classes of each sample.", lambda: probs.argmax(axis=0), FindingCode.AXES_PERMUTED),
        reenact(f"`{name}` is one number: without an axis, argmax indexes the flattened array. Use `axis=1`.",
                lambda: probs.argmax(), FindingCode.SHAPE),
        reenact(f"`{name}` has shape {(len(probs), 1)}: compared with labels of shape ({len(probs)},), NumPy "
                "broadcasts it to a table of every pair. Drop `keepdims=True`, or flatten it with `.ravel()`.",
                lambda: want[:, None], FindingCode.EXTRA_AXIS),
        reenact(f"`{name}` holds the largest probability of each sample, not its class: use argmax, not max.",
                lambda: probs.max(axis=1), FindingCode.CANDIDATE),
        reenact(f"`{name}` holds the least likely class of each sample: use argmax, not argmin.",
                lambda: probs.argmin(axis=1), FindingCode.CANDIDATE),
    ]
    return [s for s in found if s is not None]


def explain_classes(name: str, classes: Any, probs: Any, *, check_values: bool = True) -> Finding | None:
    """Predicted classes, the index of the largest probability in each row of ``probs`` (the student's own)."""
    if classes is None or classes is Ellipsis:
        return _missing(name, classes)
    if not isinstance(probs, np.ndarray) or probs.ndim != 2:
        return None
    return explain(name, classes, probs.argmax(axis=1), candidates=class_slips(name, probs), check_dtype=False,
                   check_values=check_values)


def accuracy_slips(name: str, pred: np.ndarray, truth: np.ndarray) -> list[Slip]:
    """An accuracy by hand gone wrong, each re-enacted on these predictions and labels."""
    hits = pred == truth
    share = float(np.mean(hits))
    found = [
        Slip(f"`{name}` counts the correct predictions: divide by their number, or use `np.mean`.",
             float(np.sum(hits))),
        Slip(f"`{name}` is a percentage: give the share as a fraction between 0 and 1.", 100 * share),
        Slip(f"`{name}` is the share of WRONG predictions: compare with `==`, not `!=`.", 1 - share),
    ]
    if share not in (0.0, 1.0):
        found.append(Slip(f"`{name}` compares a column of shape (n, 1) with labels of shape (n,): NumPy broadcasts "
                          "them to an (n, n) table of every pair, so the mean is meaningless. Compare two vectors of "
                          "shape (n,) (`.ravel()`, or argmax without keepdims).",
                          float(np.mean(pred[:, None] == truth[None, :]))))
    return found


def explain_accuracy(name: str, acc: Any, pred_classes: Any, labels: Any, *, check_values: bool = True
                     ) -> Finding | None:
    """An accuracy computed by hand: the share of ``pred_classes`` equal to ``labels``."""
    if acc is None or acc is Ellipsis:
        return _missing(name, acc)
    if isinstance(acc, np.ndarray) and acc.ndim > 0:
        return Finding(FindingCode.SHAPE, f"`{name}` is an array of shape {acc.shape}: take `np.mean(...)` of the "
                       "comparison to get one number.")
    value = number(acc)
    if value is None:
        return Finding(FindingCode.TYPE, f"`{name}` should be one number between 0 and 1, but it is {what(acc)}.")
    truth = np.asarray(labels).ravel()
    if not isinstance(pred_classes, np.ndarray) or pred_classes.size != truth.size:
        return Finding(FindingCode.MISSING, f"`{name}` cannot be checked: it needs the predicted classes, one per "
                       f"sample ({truth.size} here), and those are missing or have another size. Fix them first, then "
                       "compare them with the labels.")
    pred = pred_classes.ravel()
    finding = explain(name, value, float(np.mean(pred == truth)), candidates=accuracy_slips(name, pred, truth),
                      check_values=check_values, rtol=1e-5)
    if finding is None and not 0 <= value <= 1:
        return Finding(FindingCode.VALUES, f"`{name}` is {value:g}: an accuracy lies between 0 and 1.")
    if finding is not None and not finding.confirmed:
        return Finding(FindingCode.VALUES, f"`{name}` is not the share of the predicted classes that equal the labels: "
                       "compare the two vectors with `==` and take the mean of the comparison.")
    return finding


def scores(probs: Any, labels: Any, *, clipped: bool = False) -> tuple[float, float]:
    """(cross-entropy, accuracy) of class probabilities against class numbers, as Keras computes them.

    After a softmax output Keras takes the cross-entropy from the logits, which is ``-log(p)`` exactly;
    ``clipped=True`` gives the other way it has, with p clipped to [1e-7, 1 - 1e-7] first.
    """
    labels = np.asarray(labels).astype(np.int64)
    if not len(labels):
        return math.nan, math.nan
    probs = np.asarray(probs, dtype=np.float64)
    chosen, right = probs[np.arange(len(labels)), labels], probs.argmax(axis=1) == labels
    if clipped:
        chosen = np.clip(chosen, EPSILON, 1 - EPSILON)
    with np.errstate(divide="ignore"):
        loss = float(-np.mean(np.log(chosen)))
    return loss, float(np.mean(right))


def _evaluate_pair(names: tuple[str, str], got: tuple[Any, Any]) -> tuple[float, float] | Finding:
    for name, value in zip(names, got, strict=True):
        if value is None or value is Ellipsis:
            return _missing(name, value)
        if isinstance(value, (list, tuple, np.ndarray)) and np.size(value) == 2:
            return Finding(FindingCode.SHAPE, f"`{name}` is the whole list that `evaluate` returns, [loss, accuracy]: "
                           f"unpack it, `{names[0]}, {names[1]} = model.evaluate(...)`.", confirmed=True)
        if number(value) is None:
            return Finding(FindingCode.TYPE, f"`{name}` should be one number, but it is {what(value)}.")
    return number(got[0]), number(got[1])


def _close_pair(a: Sequence[float], b: Sequence[float]) -> bool:
    return all(math.isclose(float(x), float(y), rel_tol=1e-4, abs_tol=1e-6) for x, y in zip(a, b, strict=False))


def explain_evaluate(names: tuple[str, str], got: tuple[Any, Any], expected: Sequence[float] | None = None, *,
                     others: Mapping[str, Sequence[float]] | None = None) -> Finding | None:
    """``(loss, accuracy)`` as ``model.evaluate`` gives them; ``expected`` is that result when known.

    Without ``expected`` only the form is checked. ``others`` maps a description ("the training data") to
    the (loss, accuracy) the student would hold had they measured that instead; one that alone matches is named.
    """
    pair = _evaluate_pair(names, got)
    if isinstance(pair, Finding):
        return pair
    loss, acc = pair
    both = f"`{names[0]}` and `{names[1]}`"
    if expected is not None and _close_pair(pair, expected):
        return None
    if expected is not None and _close_pair((acc, loss), expected):
        return Finding(FindingCode.SWAPPED, f"{both} are swapped: `evaluate` returns the loss first, then the "
                       "metrics.", confirmed=True)
    if not 0 <= acc <= 1 or loss < 0:
        seen = [f"`{names[1]}` is {acc:.4g}, but an accuracy lies between 0 and 1"] * (not 0 <= acc <= 1)
        seen += [f"`{names[0]}` is {loss:.4g}, but a loss is never negative"] * (loss < 0)
        return Finding(FindingCode.VALUES, f"{'; '.join(seen)}. `evaluate` returns [loss, accuracy], in that order.")
    matching = [label for label, numbers in (others or {}).items()
                if numbers is not None and _close_pair(pair, numbers)]
    if len(matching) == 1 and expected is not None:
        return Finding(FindingCode.CANDIDATE, f"{both} are the numbers of {matching[0]}, not what `model.evaluate` "
                       "gives on the data the task names: check what you measure them on.", confirmed=True)
    if expected is not None:
        return Finding(FindingCode.VALUES, f"{both} do not match what `model.evaluate` gives on that data for "
                       "your model: evaluate the trained model on the right inputs and targets, and do not retrain "
                       "after it.")
    return None
