"""Facts of lab04-epochs-batches for its hidden checks: the runs its questions describe, unseen cases, choice texts.

``autograder build`` copies this module into the grading bundle, where hidden checks import it
(``from lab04_support import MNIST_RUN``); students never get it, so public checks do not import it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from autograder.feedback.counting import batches_needed, expected_count, split_point

MNIST_RUN = (60000, 512, 20)
"""Samples, batch size and epochs of the lesson's run (question 1)."""
DIGITS_RUN = (8, 16, 0.2)
"""Epochs, batch size and validation split of the digits run (section 4, questions 6 to 8)."""
Q10_RUN = (1050, 100, 3, 0.2)
"""Samples, batch size, epochs and validation split of the run question 10 describes."""
Q10_SHOWN = {"a": 3, "b": 9, "c": 24, "d": 26, "e": 27, "f": 33}
"""The numbers question 10's choices show, in order."""


def digits() -> tuple[np.ndarray, np.ndarray]:
    """The lab's data as its first cell sets it up: one row of 64 pixels scaled to [0, 1] per picture, and labels."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.data.astype("float32") / 16, data.target


# --- unseen cases, from the check's own seeded generator --------------------------------------------------------

CASE_KINDS = ("divisible", "small", "partial")
"""Kinds of counting case: the batch size divides the samples evenly, fewer samples than one batch, and a partly
filled last batch. Each catches other miscounts, so checks give the usual case and the edge cases their own
points."""


def unseen_count_cases(rng: np.random.Generator, *, with_epochs: bool = False,
                       kinds: Sequence[str] = ("partial",) * 4) -> list[tuple[int, ...]]:
    """(samples, batch_size[, epochs]) cases, one of each kind listed, in a shuffled order.

    The samples left over (a partly filled last batch, or all of them when fewer than one batch) alternate
    between more and less than half a batch within each kind, the first one more: rounding to the nearest then
    differs from rounding down on some case of every kind, so each habit shows as itself."""
    if any(kind not in CASE_KINDS for kind in kinds):
        raise ValueError(f"kinds must be among {CASE_KINDS}, not {list(kinds)}")
    cases, turns = [], {"small": 0, "partial": 0}
    for kind in rng.permutation(list(kinds)):
        b = int(rng.integers(8, 1025))
        if kind == "divisible":
            cases.append(_case(b * int(rng.integers(2, 300)), b, rng, with_epochs))
            continue
        low, high = (b // 2 + 1, b) if turns[kind] % 2 == 0 else (1, b // 2)
        turns[kind] += 1
        full = int(rng.integers(1, 200)) if kind == "partial" else 0
        cases.append(_case(b * full + int(rng.integers(low, high)), b, rng, with_epochs))
    return cases


def _case(n: int, b: int, rng: np.random.Generator, with_epochs: bool) -> tuple[int, ...]:
    return (n, b, int(rng.integers(2, 51))) if with_epochs else (n, b)


def unseen_split_cases(rng: np.random.Generator, count: int = 6) -> list[tuple[int, float]]:
    """(samples, validation_split) cases whose split falls between two samples, never on one: every right rule
    agrees on those, and rounding the wrong way always shows. The fraction of a sample at the split alternates
    between more and less than one half, the first more, so rounding down and rounding to the nearest differ
    on some case and each habit shows as itself."""
    splits = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
    cases: list[tuple[int, float]] = []
    while len(cases) < count:
        n, split = int(rng.integers(20, 5001)), float(rng.choice(splits))
        fraction = (n * split) % 1
        above = len(cases) % 2 == 0
        if 0.05 < (n * (1.0 - split)) % 1 < 0.95 and abs(fraction - 0.5) > 0.05 and (fraction > 0.5) == above:
            cases.append((n, split))
    return cases


def unseen_counter_run(rng: np.random.Generator) -> tuple[int, int, int, float]:
    """(samples, batch_size, epochs, validation_split) for the small fit that tries the student's counter class.

    The training part never divides evenly, every epoch has at least three training batches and one validation
    batch, and there are at least two epochs, so that each typical miscount leaves a different trace.
    """
    while True:
        n = int(rng.integers(24, 73))
        batch_size = int(rng.integers(3, 9))
        split = float(rng.choice((0.2, 0.25)))
        n_train = split_point(n, split)
        if n_train % batch_size and batches_needed(n_train, batch_size) >= 3 and n - n_train >= 1:
            return n, batch_size, int(rng.integers(2, 4)), split


# --- the multiple-choice questions ---------------------------------------------------------------------------

Q9_RIGHT = "c"
Q9_REASONS = {
    "a": "Each batch gives one update, however many samples it holds. With twice as many samples in each batch, the "
    "same training samples fill fewer batches, so an epoch makes fewer updates, not more.",
    "b": "An epoch is indeed one pass over the training samples, whatever the batch size, but the weights change "
    "once per batch, and how many batches that pass takes depends on the batch size.",
    "d": "Not for every number of samples: the batches of an epoch are rounded up to a whole number. Ten samples "
    "make 5 batches of 2 but 3 batches of 4 (4, 4 and 2), and 3 is not half of 5.",
}
"""Why each wrong choice of question 9 (doubling the batch size) is wrong."""


def q10_miscounts() -> dict[int, str]:
    """What each typical miscount of question 10's run gives, re-enacted from its settings, and what it means."""
    n, batch_size, epochs, split = Q10_RUN
    n_train = split_point(n, split)
    return {
        epochs: "That is one update per epoch, but the weights change after every batch, many times per epoch.",
        batches_needed(n_train, batch_size): "That is the updates of a single epoch: the run has several epochs, "
        "each with as many updates.",
        n_train // batch_size * epochs: "That count rounds the batches of each epoch down, dropping the last, "
        "partly filled batch; Keras trains on those leftover samples too, in one smaller batch per epoch.",
        math.ceil(n_train * epochs / batch_size): "That count runs the epochs together as one stream of samples, "
        "but every epoch starts with a fresh batch and ends with its own partly filled one.",
        batches_needed(n, batch_size) * epochs: "That count deals all the samples into batches, but "
        "`validation_split` holds some of them out: they are only measured after each epoch, never trained on.",
    }


def q10_choices() -> tuple[str, dict[str, str]]:
    """The right letter of question 10 and, for each other letter, the miscount its number is."""
    n, batch_size, epochs, split = Q10_RUN
    right = expected_count(split_point(n, split), batch_size, epochs, "updates")
    miscounts = q10_miscounts()
    letters = [letter for letter, number in Q10_SHOWN.items() if number == right]
    reasons = {letter: miscounts[number] for letter, number in Q10_SHOWN.items() if number in miscounts}
    if len(letters) != 1 or len(reasons) != len(Q10_SHOWN) - 1:
        raise ValueError("the choices of question 10 do not fit its run")
    return letters[0], reasons
