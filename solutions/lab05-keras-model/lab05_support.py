"""Lab 5's set-up mirrored for its hidden checks: the digits split, the asked network, fit and compile settings.

The check process puts this folder first on ``sys.path``, so a hidden check imports it as ``lab05_support``.
Public checks never do: students do not get this file.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

import numpy as np

from autograder.feedback import Slip
from autograder.feedback.transforms import divisor_slips

N_FEATURES, N_CLASSES = 64, 10
"""One digit is 8 x 8 = 64 pixels; the digits 0 to 9 are ten classes."""
BRIGHTEST = 16
"""The largest brightness of ``digits.data``: question 1 divides by it."""
UNITS, ACTIVATIONS = (64, 32, N_CLASSES), ("relu", "relu", "softmax")
"""Question 2's Dense layers."""
OPTIMIZER, LEARNING_RATE, METRICS = "RMSprop", 0.005, ("accuracy", "acc")
"""Question 3's compile settings; Keras knows the accuracy metric by both names."""
EPOCHS, BATCH_SIZE, FRACTION = 20, 64, 0.2
"""Question 4's fit: 20 epochs in batches of 64, a fifth of the training data held out."""
MIN_VAL_ACCURACY = 0.85
"""What this network reaches on the validation data, with a margin (it ends above 0.9)."""
FIT_NAMES = {"held_out": ("X_val", "val_targets"), "fit_part": ("X_fit", "fit_targets")}
"""The names question 4 asks an explicit split to use."""


class Split(NamedTuple):
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


@functools.cache
def _digits_split(random_state: int) -> tuple[np.ndarray, ...]:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    return tuple(train_test_split((digits.data / BRIGHTEST).astype("float32"), digits.target,
                                  random_state=random_state))


def digits_split(random_state: int = 0) -> Split:
    """``X_train, X_test, y_train, y_test`` of the scaled digits, as the lab makes them (loaded once per process)."""
    return Split(*(part.copy() for part in _digits_split(random_state)))


def usable_split(X_train: Any, X_test: Any, y_train: Any, y_test: Any) -> Split:
    """The student's own parts where they have the lab's shapes, the lab's split elsewhere.

    The checks of later questions grade the model on the data it was trained with, but never fail because an
    earlier question's part is missing or malformed (that question's own checks say so).
    """
    fresh = digits_split()
    given = (X_train, X_test, y_train, y_test)
    usable = [isinstance(v, np.ndarray) and v.shape == f.shape and v.dtype.kind in "iuf"
              for v, f in zip(given, fresh, strict=True)]
    return Split(*(v if ok else f for v, f, ok in zip(given, fresh, usable, strict=True)))


def trained_predictions(model: Any, split: Split) -> tuple[np.ndarray, np.ndarray]:
    """The model's class probabilities for the training and the test inputs, in one call of ``predict``."""
    assert hasattr(model, "predict"), "`model` is not a Keras model yet: fix question 2 first."
    probs = model.predict(np.concatenate([split.X_train, split.X_test]), verbose=0)
    return probs[: len(split.X_train)], probs[len(split.X_train):]


def pixel_slips(data: np.ndarray) -> list[Slip]:
    """Question 1's scaling gone wrong: another divisor (255 among them), no scaling, floor division, float64."""
    return divisor_slips("X", data, BRIGHTEST, dtype="float32", others=(255,))


def fit_samples(X_train: Any, X_fit: Any) -> tuple[int, ...]:
    """How many samples fit may have trained on: `X_fit`, what `validation_split` keeps of `X_train`, all of it.

    Which one fit used is what question 4's validation check finds out; the History check only needs to know
    that its batches per epoch fit one of them.
    """
    n = len(X_train) if isinstance(X_train, np.ndarray) else len(digits_split().X_train)
    own = (len(X_fit),) if isinstance(X_fit, np.ndarray) and X_fit.ndim == 2 else ()
    return (*own, int(n * (1 - FRACTION)), n)


@functools.cache
def _other_splits() -> tuple[tuple[str, tuple[np.ndarray, ...]], ...]:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X, y = (digits.data / BRIGHTEST).astype("float32"), digits.target
    ways = [(f"a split with random_state={seed}, another seed than the task's",
             {"random_state": seed}) for seed in (1, 2, 42)]
    ways += [(f"a split with test_size={size}, not the default test size", {"test_size": size, "random_state": 0})
             for size in (0.2, 0.3)]
    ways.append(("a split without shuffling (`shuffle=False`)", {"shuffle": False}))
    return tuple((text, tuple(train_test_split(X, y, **options))) for text, options in ways)


def split_slips(index: int) -> list[Slip]:
    """Question 1's split made another way, for part ``index`` of ``X_train, X_test, y_train, y_test``."""
    name = Split._fields[index]
    return [Slip(f"`{name}` is the part of {text}: split with the arguments the task gives.", parts[index])
            for text, parts in _other_splits()]
