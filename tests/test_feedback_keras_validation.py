"""What fit validated on (named only when the trained model reproduces the history's numbers on it), the model
being the trained one, and the learning-curve figure."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import protocol
from autograder.feedback.keras import (
    accuracy_keys,
    explain_learning_curves,
    explain_trained,
    explain_validation,
    scores,
)
from autograder.protocol import AxesRecord, FigureRecord, LineRecord
from autograder.transport import Record
from tests.test_feedback_keras import history, message
from tests.test_feedback_keras_predictions import probabilities

N_TRAIN, BATCH = 20, 4
TRAIN = np.arange(N_TRAIN * 3, dtype="float32").reshape(N_TRAIN, 3) / 100
TRAIN_LABELS = np.random.default_rng(3).integers(0, 10, size=N_TRAIN)
TRAIN_PROBS = probabilities(N_TRAIN, seed=4)
TEST_LABELS = np.random.default_rng(5).integers(0, 10, size=8)
TEST_PROBS = probabilities(8, seed=6)
ROWS = [3, 7, 11, 15]
REST = [i for i in range(N_TRAIN) if i not in ROWS]


def fitted(rows=slice(16, None), steps=4, probs=TRAIN_PROBS, labels=TRAIN_LABELS, clipped=False) -> Record:
    """A History whose last validation numbers are the model's on ``rows``."""
    val_loss, val_acc = scores(probs[rows], labels[rows], clipped=clipped)
    hist = history(steps=steps)
    hist.history["val_loss"][-1], hist.history["val_accuracy"][-1] = val_loss, val_acc
    return hist


def split(val_rows=ROWS, fit_rows=REST, val_targets=None, fit_targets=None) -> dict:
    return {
        "held_out": {"X_val": TRAIN[val_rows], "val_targets": TRAIN_LABELS[val_rows] if val_targets is None
                     else val_targets},
        "fit_part": {"X_fit": TRAIN[fit_rows], "fit_targets": TRAIN_LABELS[fit_rows] if fit_targets is None
                     else fit_targets},
    }


def validation(hist, **kwargs):
    options = {
        "train_inputs": TRAIN, "train_probs": TRAIN_PROBS, "train_labels": TRAIN_LABELS, "test_probs": TEST_PROBS,
        "test_labels": TEST_LABELS, "fraction": 0.2, "batch_size": BATCH,
    }
    return explain_validation("history", hist, **(options | kwargs))


def test_validation_split_and_an_explicit_split_pass():
    assert validation(fitted()) is None
    assert validation(fitted(clipped=True)) is None
    assert validation(fitted(ROWS), **split()) is None
    assert validation(fitted(ROWS), **split(val_targets=np.eye(10)[TRAIN_LABELS[ROWS]])) is None
    unused = {"held_out": {"X_val": None, "val_targets": None}, "fit_part": {"X_fit": None, "fit_targets": None}}
    assert validation(fitted(), **unused) is None


def test_validation_on_the_test_set_or_the_training_data_is_confirmed_by_its_numbers():
    on_test = validation(fitted(slice(None), probs=TEST_PROBS, labels=TEST_LABELS, steps=5))
    assert on_test.confirmed and on_test.message.startswith("`history` was validated on the test set.")
    on_train = validation(fitted(slice(None), steps=5))
    assert on_train.confirmed and on_train.message.startswith("`history` was validated on the training data itself.")
    some_rows = validation(fitted(slice(0, 4), steps=5))
    assert not some_rows.confirmed and some_rows.message.startswith("fit trained on all 20 training samples")
    assert "which is not 20% held out of 20 samples" in message(validation(fitted(steps=8)))
    other = validation(fitted(slice(0, 4)))
    assert not other.confirmed and "not those of the trained model on the last 20%" in other.message


def test_explicit_splits_that_are_wrong():
    hist = fitted(ROWS)
    moved = split()
    moved["held_out"]["X_val"] = TRAIN[ROWS] + 5
    assert "holds samples that are not rows of the training inputs" in message(validation(hist, **moved))
    assert "`val_targets` are not the labels" in message(validation(hist, **split(val_targets=TRAIN_LABELS[ROWS] + 1)))
    assert "holds 3 of the 20 training samples" in message(validation(hist, **split(val_rows=ROWS[:3])))
    gone = split()
    gone["fit_part"]["X_fit"] = None
    assert "`X_fit` is not set to rows of the training inputs" in message(validation(hist, **gone))
    overlap = validation(hist, **split(fit_rows=[*REST, 3]))
    assert overlap.confirmed and "`X_fit` and `X_val` share samples" in overlap.message
    assert "leave out some training samples" in message(validation(hist, **split(fit_rows=REST[1:])))
    assert "`fit_targets` are not the labels" in message(validation(hist, **split(fit_targets=TRAIN_LABELS[REST] * 0)))
    assert "fit ran 5 batches per epoch" in message(validation(fitted(ROWS, steps=5), **split()))
    assert "not those of the trained model on `X_val`" in message(validation(fitted([0, 1, 2, 4]), **split()))


def test_the_names_of_an_explicit_split_are_the_checks():
    named = {"held_out": {"x_val": TRAIN[ROWS] + 5, "y_val": TRAIN_LABELS[ROWS]},
             "fit_part": {"x_tr": TRAIN[REST], "y_tr": TRAIN_LABELS[REST]}}
    assert message(validation(fitted(ROWS), **named)).startswith("`x_val` holds samples")


def test_validation_needs_a_history_with_validation_numbers():
    assert "is not the History" in message(validation(None))
    assert "has no validation loss and accuracy" in message(validation(history(validation=False)))


@pytest.mark.parametrize("k", [10, 4])
def test_a_model_changed_after_training(k):
    labels = np.random.default_rng(k).integers(0, k, size=40)
    trained = history()
    right = np.eye(k, dtype="float32")[labels] * 0.9 + 0.1 / k
    assert explain_trained("model", trained, right, labels) is None
    wrong = np.eye(k, dtype="float32")[(labels + 1) % k]
    finding = explain_trained("model", trained, wrong, labels)
    assert finding.confirmed and finding.message.startswith("`model` gets only 0% of the training samples right, "
                                                            "although its history ended at 99%")
    guessing = np.full((40, k), 1 / k, dtype="float32")
    guessing[np.arange(40), labels] += np.where(np.arange(40) % k == 0, 0.01, -0.01)
    assert "about the" in message(explain_trained("model", trained, guessing, labels))
    assert explain_trained("model", None, wrong, labels) is None


# --- the learning-curve plot ---------------------------------------------------------------------


def axes(*lines: tuple, legend: tuple[str, ...] = ("training", "validation")) -> Record:
    records = [protocol.as_record(LineRecord(f"_child{i}", list(x), list(y)), LineRecord.TYPE_NAME)
               for i, (x, y) in enumerate(lines)]
    axes_record = AxesRecord("", "epoch", "", (0.0, 21.0), (0.0, 1.0), list(legend), records, 0)
    return protocol.as_record(axes_record, AxesRecord.TYPE_NAME)


def figure(*all_axes: Record) -> Record:
    return protocol.as_record(FigureRecord(3, "", list(all_axes)), FigureRecord.TYPE_NAME)


@pytest.mark.parametrize(("epochs", "metric"), [(20, "accuracy"), (5, "acc"), (1, "accuracy")])
def test_learning_curves_plotted_right(epochs, metric):
    hist = history(epochs, metric=metric)
    keys = accuracy_keys(hist)
    xs = list(range(1, epochs + 1))
    train, val = hist.history[keys[0]], hist.history[keys[1]]
    assert explain_learning_curves([figure(axes((xs, train), (xs, val)))], hist, keys) is None
    loss_plot = figure(axes((xs, hist.history["loss"])))
    assert explain_learning_curves([loss_plot, figure(axes((xs, val), (xs, train)))], hist, keys) is None


@pytest.mark.parametrize("epochs", [20, 6])
def test_learning_curve_plot_mistakes(epochs):
    hist, xs = history(epochs), list(range(1, epochs + 1))
    keys = ("accuracy", "val_accuracy")
    train, val = hist.history["accuracy"], hist.history["val_accuracy"]

    def check(*figures):
        return explain_learning_curves(list(figures), hist, keys, names=("`a`", "`b`"))

    assert message(check()).startswith("No figure was drawn: plot `a` and `b` in one plot")
    assert message(check(figure(axes((xs, train), (xs, val), legend=())))).startswith("The plot has no legend")
    from_zero = check(figure(axes((range(epochs), train), (range(epochs), val))))
    assert from_zero.confirmed and "`plt.plot(y)` numbers the points from 0" in from_zero.message
    shifted = check(figure(axes((range(5, 5 + epochs), train), (xs, val))))
    assert not shifted.confirmed and "not drawn against the epoch numbers" in shifted.message
    assert "in two different plots" in message(check(figure(axes((xs, train)), axes((xs, val)))))
    assert message(check(figure(axes((xs, train))))).startswith("No plot shows the validation accuracy")
    assert message(check(figure(axes((xs, val))))).startswith("No plot shows the training accuracy")
    percent = check(figure(axes((xs, [100 * a for a in train]), (xs, [100 * a for a in val]))))
    assert percent.confirmed and percent.message.startswith("The curves are drawn in percent")
    assert message(check(figure(axes((xs, hist.history["loss"]))))).startswith(
        "No plot shows the training and validation accuracy of the history")
    assert "has no accuracy curves yet" in message(explain_learning_curves([], None, keys))
