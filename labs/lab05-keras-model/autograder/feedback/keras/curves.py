"""Learning curves drawn from a History: which figure shows which curve, against which x, with a legend.

``figures`` is the grader's record of every figure drawn (``__figures__``): figures with axes, axes with
lines (``x``, ``y``) and legend texts. A line counts as a curve when its points are the history's values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from .records import as_record, is_history


def lines_matching(ax: Any, curve: Sequence[float], scale: float = 1.0) -> list[Any]:
    """The lines of ``ax`` whose points are ``curve`` (times ``scale``)."""
    want = np.asarray(curve, dtype=float) * scale
    found = []
    for line in getattr(ax, "lines", []) or []:
        y = np.asarray(getattr(line, "y", []), dtype=float)
        if y.shape == want.shape and np.allclose(y, want, rtol=1e-5, atol=1e-7):
            found.append(line)
    return found


def axes_of(figures: Any) -> list[Any]:
    return [ax for fig in figures or [] for ax in (getattr(fig, "axes", None) or [])]


def _not_together(axes: list[Any], train: Sequence[float], val: Sequence[float], what: str, plot: str) -> Finding:
    if any(lines_matching(ax, train, 100) and lines_matching(ax, val, 100) for ax in axes):
        return Finding(FindingCode.SCALE, f"The curves are drawn in percent: plot the {what} as the history holds it, "
                       "between 0 and 1.", confirmed=True)
    has_train = any(lines_matching(ax, train) for ax in axes)
    has_val = any(lines_matching(ax, val) for ax in axes)
    if has_train and has_val:
        return Finding(FindingCode.VALUES, f"The training and the validation {what} are in two different plots: draw "
                       "both in one plot, so that they can be compared epoch by epoch.")
    if has_train or has_val:
        missing = "validation" if has_train else "training"
        return Finding(FindingCode.MISSING, f"No plot shows the {missing} {what}: {plot}.")
    return Finding(FindingCode.MISSING, f"No plot shows the training and validation {what} of the history: {plot}.")


def explain_learning_curves(figures: Any, history: Any, keys: tuple[str, str], *, what: str = "accuracy",
                            names: tuple[str, str] = ("the training curve", "the validation curve")
                            ) -> Finding | None:
    """One plot shows both curves ``history.history[keys[i]]`` against the epochs 1, 2, ..., with a legend.

    Recognises no figure, one curve only, the curves in two plots, percentages, epochs counted from 0
    (``plt.plot(y)``, confirmed by the x values) and no legend. ``names`` are how the task calls the curves.
    """
    history = as_record(history, "history")
    if not is_history(history) or any(k not in history.history for k in keys):
        return Finding(FindingCode.MISSING, f"The plot cannot be checked: the history has no {what} curves yet.")
    train, val = (history.history[k] for k in keys)
    axes = axes_of(figures)
    plot = f"plot {names[0]} and {names[1]} in one plot against the epoch numbers, with a legend"
    if not axes:
        return Finding(FindingCode.MISSING, f"No figure was drawn: {plot}, then call `plt.show()`.")
    both = [ax for ax in axes if lines_matching(ax, train) and lines_matching(ax, val)]
    if not both:
        return _not_together(axes, train, val, what, plot)
    ax = both[0]
    epochs = np.arange(1, len(train) + 1, dtype=float)
    xs = [np.asarray(line.x, dtype=float) for line in (lines_matching(ax, train)[0], lines_matching(ax, val)[0])]
    if any(x.shape != epochs.shape or not np.allclose(x, epochs) for x in xs):
        if all(x.shape == epochs.shape and np.allclose(x, epochs - 1) for x in xs):
            return Finding(FindingCode.OFFSET, f"The {what} curves are drawn against 0, 1, 2, ...: `plt.plot(y)` "
                           "numbers the points from 0. Pass the epoch numbers as x, "
                           "`plt.plot(range(1, len(y) + 1), y, ...)`.", "x", confirmed=True)
        return Finding(FindingCode.VALUES, f"The {what} curves are not drawn against the epoch numbers 1, 2, ...: pass "
                       "them as x to `plt.plot`.", "x")
    legend = [text for text in (getattr(ax, "legend", None) or []) if str(text).strip()]
    if len(legend) < 2:
        return Finding(FindingCode.MISSING, "The plot has no legend naming both curves: give each `plt.plot(...)` a "
                       "`label=...` and call `plt.legend()`.", "legend")
    return None
