"""Lab 3's set-up mirrored for its hidden checks, and the few findings only this lab's tasks call for.

The arrays are rebuilt exactly as the notebook builds them (fresh copies on every call, so no check can change
another's); the generic slips come from ``autograder.feedback``. Public checks never import this module:
students do not get it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.feedback import Finding, explain
from autograder.feedback.products import dense_slips
from autograder.feedback.slips import Slip
from autograder.model import FindingCode


def shop() -> tuple[np.ndarray, np.ndarray]:
    """``prices`` and ``quantities``: four days (rows) of three products (columns)."""
    prices = np.array([[2.0, 0.5, 3.0], [2.0, 0.5, 3.5], [2.5, 0.5, 3.5], [2.5, 0.75, 4.0]])
    quantities = np.array([[10, 40, 3], [12, 35, 5], [8, 50, 4], [15, 30, 6]])
    return prices, quantities


def signal() -> np.ndarray:
    """The raw layer outputs of question 1."""
    return np.array([[-1.5, 0.0, 2.0, -0.5, 3.0], [4.0, -2.0, 0.5, 1.0, -3.5], [0.25, -0.75, -1.0, 2.5, 1.5]])


def offsets() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``M`` (4 x 3), ``row_offsets`` (one per column) and ``col_offsets`` (one per row)."""
    return np.arange(12).reshape(4, 3), np.array([10, 20, 30]), np.array([100, 200, 300, 400])


def features() -> np.ndarray:
    """The digits, one flattened image per row: shape (1797, 64)."""
    from sklearn.datasets import load_digits

    return load_digits().data


def operands() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``v`` (3,), ``A`` (4 x 3) and ``C`` (3 x 2) of question 6."""
    return np.array([1, 2, 3]), np.arange(12).reshape(4, 3), np.array([[1, 0], [0, 1], [2, -1]])


PRODUCT_SHAPES = {"X": (5, 2), "Y": (2, 7), "u": (2,), "w": (5,), "X.T": (2, 5)}
"""The operand shapes of question 7."""

PRODUCTS = ["X @ Y", "Y @ X", "X @ u", "u @ X", "w @ X", "X.T @ X", "Y @ Y"]
"""The products of question 7, in the order of the notebook's dictionary."""


def pixel_stacks() -> tuple[np.ndarray, np.ndarray]:
    """``first_three`` and ``last_three``: digit images on the 0 to 255 scale, in uint8."""
    from sklearn.datasets import load_digits

    pixels = np.round(load_digits().images[:6] * 255 / 16).astype(np.uint8)
    return pixels[:3], pixels[3:]


def dense_batch() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``X`` (5 x 4), ``W`` (4 x 3) and ``b`` (3,), in float32, from the notebook's seed."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 4)).astype(np.float32)
    w = rng.normal(size=(4, 3)).astype(np.float32)
    b = rng.normal(size=3).astype(np.float32)
    return x, w, b


def keras_slips(name: str, x: Any, w: Any, b: Any) -> list[Slip]:
    """The dense layer's slips, where a Keras ``Dense`` layer left without activation is what gives no ReLU."""
    linear = (f"`{name}` has negative values: the Dense layer has no activation, so it stays linear. Create it with "
              '`activation="relu"`.')
    return dense_slips(name, x, w, b, unactivated=linear)


def unseen_finding(call: str, got: Any, want: Any, slips: list[Slip], shape_rule: str, **options: Any
                   ) -> Finding | None:
    """``explain`` on inputs the student has not seen, saying what the shape should follow rather than printing it.

    A confirmed slip is kept as it is; a generic shape finding would print the unseen inputs' shape, so it is
    replaced by ``shape_rule``, e.g. "it should keep the shape of `x`".
    """
    finding = explain(call, got, want, candidates=slips, check_dtype=False, **options)
    if finding is not None and not finding.confirmed and np.shape(got) != np.shape(want):
        return Finding(FindingCode.SHAPE, f"`{call}` has shape {np.shape(got)}, but {shape_rule}.")
    return finding
