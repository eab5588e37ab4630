"""What a trained model gives: probabilities (a non-softmax output named only from the record), classes, an
accuracy by hand and evaluate's numbers, each slip re-enacted on several shapes."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.feedback.keras import (
    explain_accuracy,
    explain_classes,
    explain_evaluate,
    explain_predictions,
    scores,
)
from autograder.model import FindingCode
from tests.test_feedback_keras import failed, message, model, no_failures

__all__ = ["no_failures"]

SHAPES = [(6, 10), (1, 10), (25, 3), (9, 26)]


def probabilities(n: int = 6, k: int = 10, seed: int = 0) -> np.ndarray:
    logits = np.random.default_rng(seed).normal(size=(n, k))
    return (np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)).astype("float32")


@pytest.mark.parametrize(("n", "k"), SHAPES)
def test_right_predictions_pass(n, k):
    assert explain_predictions("probs", probabilities(n, k), n, k) is None
    assert explain_predictions("probs", probabilities(n, k), n, k, model=model((8, k))) is None


@pytest.mark.parametrize(("n", "k"), SHAPES)
def test_scores_outside_the_unit_range_name_the_output_only_from_the_record(n, k):
    raw = np.random.default_rng(n).normal(size=(n, k)).astype("float32") * 3
    described = explain_predictions("probs", raw, n, k)
    assert not described.confirmed and described.message.startswith("`probs` runs from ")
    assert "outside [0, 1], so these are not probabilities" in described.message
    assert "linear" not in described.message and "no softmax" not in described.message
    named = explain_predictions("probs", raw, n, k, model=model((8, k), ("relu", "linear")))
    assert named.confirmed and "the last layer of the model has no activation (linear)" in named.message


@pytest.mark.parametrize(("n", "k"), [(6, 10), (25, 3), (9, 26)])
def test_rows_not_summing_to_one_name_sigmoid_only_from_the_record(n, k):
    squashed = np.full((n, k), 0.9, dtype="float32")
    sigmoid = explain_predictions("probs", squashed, n, k, model=model((8, k), ("relu", "sigmoid")))
    assert sigmoid.confirmed and "uses sigmoid, which squashes each output on its own" in sigmoid.message
    assert sigmoid.message.startswith(f"The rows of `probs` sum to between {0.9 * k:.3g} and {0.9 * k:.3g}, not 1")
    softmax = explain_predictions("probs", squashed, n, k, model=model((8, k)))
    assert not softmax.confirmed and "sigmoid" not in softmax.message


class Network:
    """Stands in for a model's ``predict``: it takes only batches of ``n_features`` columns, as Keras does."""

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features

    def predict(self, x: np.ndarray, verbose: int = 0) -> np.ndarray:
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError("Exception encountered when calling Sequential.call().")
        return probabilities(len(x), 10)


ERROR = "ValueError: Exception encountered when calling Sequential.call().\n\nCannot take the length of shape"


@pytest.mark.parametrize(("line", "shown"), [("first_probs = model.predict(X_test[0], verbose=0)", "X_test[0:1]"),
                                             ("first_probs = model.predict(x[-1])", "x[-1:]")])
def test_predicting_one_sample_without_a_batch_axis_is_named_when_re_enacted(line, shown):
    failed(("probs", "pred_classes", "first_probs"), ERROR, line)
    for n_features in (64, 4):
        sample = np.zeros(n_features, dtype="float32")
        finding = explain_predictions("first_probs", None, 1, 10, model=Network(n_features), sample=sample)
        assert finding.confirmed and finding.code == FindingCode.MISSING_AXIS
        assert "which is one sample without the batch axis" in finding.message and f"`{shown}`" in finding.message


def test_a_failed_predict_that_the_re_enactment_does_not_reproduce_is_only_quoted():
    failed(("first_probs",), ERROR, "first_probs = model.predict(X_test[0], verbose=0)")
    assert explain_predictions("first_probs", None, 1, 10).code == FindingCode.RAISED
    wider = explain_predictions("first_probs", None, 1, 10, model=Network(5), sample=np.zeros(4))
    assert wider.code == FindingCode.RAISED and "batch axis" not in wider.message
    failed(("first_probs",), ERROR, "first_probs = model.predict(X_test[:1], verbose=0)")
    batch = explain_predictions("first_probs", None, 1, 10, model=Network(4), sample=np.zeros(4))
    assert batch.code == FindingCode.RAISED and "batch axis" not in batch.message


def test_a_missing_prediction_without_that_exception_names_no_batch_axis():
    assert message(explain_predictions("first_probs", None, 1, 10)) == (
        "`first_probs` is not set yet: run the cell that sets it.")
    assert "is not set yet: replace the `...`" in message(explain_predictions("first_probs", ..., 1, 10))
    failed(("first_probs",), "NameError: name 'X_tset' is not defined", "first_probs = model.predict(X_tset[:1])")
    finding = explain_predictions("first_probs", None, 1, 10)
    assert finding.code == FindingCode.RAISED and "batch axis" not in finding.message


@pytest.mark.parametrize("k", [10, 3])
def test_prediction_shapes(k):
    one = explain_predictions("first_probs", probabilities(1, k)[0], 1, k)
    assert one.message.startswith(f"`first_probs` has shape ({k},): the batch axis is gone")
    assert "one number per sample" in message(explain_predictions("probs", np.zeros(6), 6, k))
    assert f"has {k - 1} columns, but there are {k} classes" in message(
        explain_predictions("probs", probabilities(6, k - 1), 6, k))
    assert "predictions for 3 samples, but it should cover all 6" in message(
        explain_predictions("probs", probabilities(3, k), 6, k))
    nan = probabilities(6, k)
    nan[0, 0] = np.nan
    assert "holds NaN" in message(explain_predictions("probs", nan, 6, k))
    assert "keep the NumPy array" in message(explain_predictions("probs", [[0.5, 0.5]], 6, k))


# --- classes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "k"), [(12, 10), (7, 3), (30, 26)])
def test_predicted_class_slips_are_re_enacted(n, k):
    probs = probabilities(n, k, seed=n)
    assert explain_classes("pred_classes", probs.argmax(axis=1), probs) is None
    assert explain_classes("pred_classes", probs.argmax(axis=-1), probs) is None
    named = {
        "takes the argmax down each column (axis=0)": probs.argmax(axis=0),
        f"has shape ({n}, 1): compared with labels": probs.argmax(axis=1, keepdims=True),
        "not its class: use argmax": probs.max(axis=1),
        "is one number: without an axis": probs.argmax(),
        "the least likely class": probs.argmin(axis=1),
    }
    for phrase, value in named.items():
        finding = explain_classes("pred_classes", value, probs)
        assert finding.confirmed and phrase in finding.message, (phrase, finding)
    shuffled = np.roll(probs.argmax(axis=1), 1)
    assert explain_classes("pred_classes", shuffled, probs, check_values=False) is None
    near = explain_classes("pred_classes", shuffled, probs)
    assert near is not None and not near.confirmed


# --- an accuracy by hand -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 37, 5])
def test_accuracy_slips_are_re_enacted(size):
    rng = np.random.default_rng(size)
    labels = rng.integers(0, 10, size=size)
    pred = labels.copy()
    pred[: size // 3] = (pred[: size // 3] + 1) % 10
    share = float(np.mean(pred == labels))
    assert explain_accuracy("manual_acc", share, pred, labels) is None
    assert explain_accuracy("manual_acc", np.float32(share), pred, labels) is None
    named = {
        "counts the correct predictions": float(np.sum(pred == labels)),
        "is a percentage": 100 * share,
        "share of WRONG predictions": 1 - share,
        "NumPy broadcasts them to an (n, n) table": float(np.mean(pred.reshape(-1, 1) == labels)),
    }
    for phrase, value in named.items():
        finding = explain_accuracy("manual_acc", value, pred, labels)
        assert finding.confirmed and phrase in finding.message, (phrase, finding)
    near = explain_accuracy("manual_acc", share / 2, pred, labels)
    assert not near.confirmed and f"{share / 2:g}" not in near.message


def test_accuracy_forms():
    pred, labels = np.arange(10), np.array([0, 1, 2, 3, 4, 5, 6, 7, 0, 0])
    assert "take `np.mean(...)`" in message(explain_accuracy("manual_acc", pred == labels, pred, labels))
    assert explain_accuracy("manual_acc", 0.7, pred, labels, check_values=False) is None
    assert "an accuracy lies between 0 and 1" in message(explain_accuracy("manual_acc", 3.5, pred, labels,
                                                                          check_values=False))
    assert "one per sample (10 here)" in message(explain_accuracy("manual_acc", 0.7, None, labels))
    assert "or have another size" in message(explain_accuracy("manual_acc", 0.7, pred[:5], labels))
    assert "is not set yet" in message(explain_accuracy("manual_acc", ..., pred, labels))


# --- evaluate ------------------------------------------------------------------------------------------

NAMES = ("test_loss", "test_acc")


def test_evaluate_results():
    assert explain_evaluate(NAMES, (0.09, 0.97)) is None
    assert explain_evaluate(NAMES, (0.09, 0.97), [0.09, 0.97]) is None
    assert message(explain_evaluate(NAMES, ([0.09, 0.97], 0.97))) == (
        "`test_loss` is the whole list that `evaluate` returns, [loss, accuracy]: unpack it, "
        "`test_loss, test_acc = model.evaluate(...)`."
    )
    swapped = explain_evaluate(NAMES, (0.97, 0.09), [0.09, 0.97])
    assert swapped.confirmed and "are swapped: `evaluate` returns the loss first" in swapped.message
    out_of_range = message(explain_evaluate(NAMES, (0.09, 1.5)))
    assert "`test_acc` is 1.5, but an accuracy lies between 0 and 1" in out_of_range and "0.09" not in out_of_range
    assert "`test_loss` is -0.3, but a loss is never negative" in message(explain_evaluate(NAMES, (-0.3, 0.9)))
    assert "do not match what `model.evaluate` gives" in message(explain_evaluate(NAMES, (0.3, 0.9), [0.09, 0.97]))
    assert "is not set yet" in message(explain_evaluate(NAMES, (None, 0.9)))
    assert "should be one number" in message(explain_evaluate(NAMES, ("0.1", 0.9)))


def test_numbers_of_another_data_set_are_named_only_when_one_alone_matches():
    others = {"the training data": (0.02, 0.99), "the last validation epoch in `history`": (0.11, 0.95)}
    for label, pair in others.items():
        finding = explain_evaluate(NAMES, pair, [0.09, 0.97], others=others)
        assert finding.confirmed and f"are the numbers of {label}" in finding.message
    both = {"the training data": (0.02, 0.99), "the validation data": (0.02, 0.99)}
    assert not explain_evaluate(NAMES, (0.02, 0.99), [0.09, 0.97], others=both).confirmed


def test_scores_are_keras_cross_entropy_and_accuracy():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [1.0, 0.0]], dtype="float32")
    loss, acc = scores(probs, np.array([0, 0, 0]))
    assert acc == pytest.approx(2 / 3)
    assert loss == pytest.approx(-(np.log(0.9) + np.log(0.2)) / 3)
    clipped, _ = scores(probs, np.array([1, 1, 1]), clipped=True)
    assert clipped == pytest.approx(-(np.log(0.1) + np.log(0.8) + np.log(1e-7)) / 3, rel=1e-6)
