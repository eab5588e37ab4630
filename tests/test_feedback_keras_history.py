"""The History recognisers: is it one, fit's schedule (epochs/batch_size swapped confirmed from its params),
why fit did not return, values read from it, and whether training learned."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from autograder.feedback.keras import (
    explain_fit_failure,
    explain_history,
    explain_history_key,
    explain_learning,
)
from autograder.feedback.keras.history import batch_sizes_giving
from autograder.model import FindingCode
from autograder.transport import Record
from tests.test_feedback_keras import CATEGORICAL, failed, history, message, model, no_failures

__all__ = ["no_failures"]

SCHEDULES = [(20, 64, 1077), (10, 32, 1000), (5, 128, 60000), (8, 16, 1437), (3, 7, 50)]
"""(epochs, batch_size, training samples) as tasks ask for them."""


def steps(n: int, batch_size: int) -> int:
    return math.ceil(n / batch_size)


@pytest.mark.parametrize(("epochs", "batch_size", "n"), SCHEDULES)
def test_the_asked_fit_passes(epochs, batch_size, n):
    run = history(epochs, steps(n, batch_size))
    assert explain_history("h", run, epochs=epochs, batch_size=batch_size, n_samples=n, validation=True,
                           metric=("accuracy", "acc")) is None


@pytest.mark.parametrize(("epochs", "batch_size", "n"), SCHEDULES)
def test_epochs_and_batch_size_swapped_are_confirmed_from_the_params(epochs, batch_size, n):
    swapped = history(batch_size, steps(n, epochs))
    finding = explain_history("h", swapped, epochs=epochs, batch_size=batch_size, n_samples=n)
    assert finding.confirmed and finding.code == FindingCode.FIT_SETTINGS
    assert f"comes from a fit with {batch_size} epochs of {steps(n, epochs)} batches" in finding.message
    assert "epochs and batch_size swapped" in finding.message


@pytest.mark.parametrize(("epochs", "batch_size", "n"), SCHEDULES)
def test_as_many_epochs_as_the_batch_size_with_other_batches_is_not_called_a_swap(epochs, batch_size, n):
    other_steps = steps(n, epochs) + 3
    finding = explain_history("h", history(batch_size, other_steps), epochs=epochs, batch_size=batch_size, n_samples=n)
    assert not finding.confirmed and "swapped" not in finding.message
    assert finding.message.startswith(f"`h` holds {batch_size} epochs, which is not the number")


def test_without_the_sample_count_a_swap_is_only_described():
    finding = explain_history("h", history(64, 54), epochs=20, batch_size=64)
    assert not finding.confirmed and "swapped" not in finding.message
    assert finding.message.startswith("`h` holds 64 epochs, which is the batch size the task asks for")
    assert explain_history("h", history(steps=17), epochs=20, batch_size=64) is None


@pytest.mark.parametrize(("n", "batch_size"), [(1077, 64), (1000, 50), (60000, 512), (10, 4)])
def test_other_batch_sizes_are_described_by_the_range_the_steps_allow(n, batch_size):
    for used in (batch_size // 2, batch_size * 2, 32):
        if steps(n, used) == steps(n, batch_size):
            continue
        finding = explain_history("h", history(steps=steps(n, used)), epochs=20, batch_size=batch_size, n_samples=n)
        low, high = batch_sizes_giving(n, steps(n, used))
        assert low <= used <= (high or used) and finding.code == FindingCode.STEPS
        assert f"`h` shows {steps(n, used)} batches per epoch" in finding.message
        assert ("fit's default is 32" in finding.message) == (low <= 32 <= (high or 32))
        assert f"batches of {batch_size} " not in finding.message


def test_batch_sizes_giving_inverts_the_count():
    for n in (1, 7, 50, 1077):
        for b in range(1, n + 1, max(1, n // 13)):
            low, high = batch_sizes_giving(n, steps(n, b))
            assert low <= b <= (high or b)
            assert steps(n, low) == steps(n, high or 10 * n) == steps(n, b)
    assert batch_sizes_giving(5, 9) is None


def test_other_epoch_counts():
    assert message(explain_history("h", history(10), epochs=20)) == (
        "`h` holds 10 epochs, which is not the number of epochs the task asks for: pass it as `epochs=...`.")
    assert message(explain_history("h", history(1), epochs=20)).startswith("`h` holds a single epoch")
    stopped = message(explain_history("h", history(7, asked_epochs=20), epochs=20))
    assert stopped.startswith("`h` stopped after 7 of the 20 epochs fit was given")


def test_content_problems_are_reported_together():
    finding = explain_history("h", history(validation=False, metric="mse"), validation=True, metric="accuracy")
    assert finding.code == FindingCode.NO_VALIDATION
    assert "has no validation entries such as `val_loss`" in finding.message
    assert "records only 'loss', 'mse': compile with `metrics=['accuracy']`" in finding.message
    diverged = history()
    diverged.history["loss"][4:] = [math.nan] * 16
    assert "The 'loss' in `h` became NaN at epoch 5" in message(explain_history("h", diverged))


def test_what_is_not_a_history():
    assert message(explain_history("h", ...)) == "`h` is not set yet: keep what fit returns, `h = model.fit(...)`."
    assert message(explain_history("h", None)).startswith("`h` is not set yet")
    assert message(explain_history("h", {"loss": [1.0]})).startswith("`h` is a dict of per-epoch lists, as "
                                                                       "`history.history` is")
    assert message(explain_history("h", {"epochs": 3})).startswith("`h` is a dict, not the History")
    probe = type("Probe", (), {"__call__": lambda self: None, "__name__": "model.fit"})()
    assert explain_history("h", probe).confirmed
    assert "is the method `fit` itself" in message(explain_history("h", probe))
    assert message(explain_history("h", print)).startswith("`h` is a function, not the History")
    assert message(explain_history("h", 3)) == "`h` should be the History that `model.fit(...)` returns, not an int."
    assert message(explain_history("h", history(0))).startswith("`h` recorded no epoch")


def test_look_alikes_with_history_and_params_are_not_histories():
    real = history()
    expected = ("`h` is a SimpleNamespace with `history` and `params` attributes, not the History that `model.fit` "
                "returns: train the model and keep what fit returns, `h = model.fit(...)`.")
    assert message(explain_history("h", Record("types.SimpleNamespace", dict(real.attrs)), validation=True)) == expected
    live = SimpleNamespace(history=dict(real.history), params=dict(real.params), epoch=list(real.epoch))
    assert message(explain_history("h", live)) == expected


def test_a_history_whose_cell_raised_quotes_the_exception():
    failed(("history",), "ValueError: Unrecognized data type: x=[[...]]", "history = model.fit(x, y)")
    finding = explain_history("history", None)
    assert finding.code == FindingCode.RAISED and "ValueError: Unrecognized data type" in finding.message


# --- why fit did not return ------------------------------------------------------------------------


def test_fit_before_compile_is_named_from_keras_error():
    failed(("history",), "ValueError: You must call `compile()` before using the model.", "history = model.fit(x, y)")
    finding = explain_fit_failure("history", model(compiled=False))
    assert finding.confirmed and "fit ran before the model was compiled" in finding.message


@pytest.mark.parametrize("error", ["TypeError: Trainer.compile() got an unexpected keyword argument 'lr'",
                                   "ValueError: Argument(s) not recognized: {'lr': 0.005}"])
def test_fit_after_a_compile_that_raised_reports_the_compile_error(error):
    from autograder.feedback import exceptions
    from autograder.model import CellFailure

    exceptions.use_failures([
        CellFailure(("train_targets",), error, "model.compile(optimizer='rmsprop', lr=0.005)"),
        CellFailure(("history",), "ValueError: You must call `compile()` before using the model.",
                    "history = model.fit(x, y)"),
    ])
    finding = explain_fit_failure("history", model(compiled=False), compile_cell=("train_targets",))
    assert finding.confirmed and "the argument is called `learning_rate`" in finding.message
    assert "before" not in finding.message
    same_cell = explain_fit_failure("history", model(compiled=False), compile_cell=("history",))
    assert "fit ran before the model was compiled" in same_cell.message


def test_a_model_never_compiled_without_a_failure_is_described():
    finding = explain_fit_failure("history", model(compiled=False))
    assert not finding.confirmed and "compile has not run yet" in finding.message


@pytest.mark.parametrize("k", [3, 10])
def test_a_loss_that_does_not_fit_the_labels_is_why_fit_failed(k):
    labels = np.arange(12) % k
    failed(("history",), "ValueError: Arguments `target` and `output` must have the same rank (ndim).",
           "history = model.fit(x, y)")
    finding = explain_fit_failure("history", model(loss=CATEGORICAL), labels, k)
    assert finding.message.startswith("`history` is not set: `model.fit(...)` did not finish (it raised ValueError")
    assert "`train_targets` holds class numbers" in finding.message


def test_another_failure_of_fit_is_quoted():
    failed(("history",), "ValueError: Invalid input shape", "history = model.fit(x, y)")
    finding = explain_fit_failure("history", model(), np.arange(12) % 10, 10)
    assert finding.code == FindingCode.RAISED and "compile" not in finding.message


def test_no_failure_and_a_right_model_has_nothing_to_say():
    assert explain_fit_failure("history", model(), np.arange(12) % 10, 10) is None


# --- values read from the history -------------------------------------------------------------------


def test_a_key_error_is_named_from_the_cell_exception():
    run = history()
    failed(("acc_curve",), "KeyError: 'acc'", "acc_curve = history.history['acc']")
    finding = explain_history_key("acc_curve", None, run, "accuracy")
    assert finding.confirmed and "raised KeyError: 'acc'" in finding.message
    assert "`metrics=['accuracy']` gives 'accuracy'" in finding.message


def test_a_key_error_on_an_earlier_line_is_not_blamed_on_the_later_name():
    failed(("acc_curve", "val_acc_curve"), "KeyError: 'acc'", "acc_curve = history.history['acc']")
    later = explain_history_key("val_acc_curve", None, history(), "val_accuracy")
    assert later.message.startswith("The cell that sets `val_acc_curve` raised KeyError: 'acc'")
    assert "reading it raised" not in later.message
    first = explain_history_key("acc_curve", None, history(), "accuracy")
    assert "reading it raised KeyError: 'acc'" in first.message


def test_a_validation_key_without_validation_is_explained():
    failed(("val_curve",), "KeyError: 'val_loss'", "val_curve = history.history['val_loss']")
    finding = explain_history_key("val_curve", None, history(validation=False), "val_loss")
    assert "no 'val_' keys because fit ran without validation data" in finding.message


def test_a_missing_value_without_a_failure_names_no_key_error():
    finding = explain_history_key("acc_curve", None, history(), "accuracy")
    assert finding.code == FindingCode.MISSING and "KeyError" not in finding.message
    assert "'accuracy', 'loss', 'val_accuracy', 'val_loss'" in finding.message


def test_values_read_from_the_history():
    run = history()
    assert explain_history_key("acc_curve", run.history["accuracy"], run, "accuracy") is None
    assert explain_history_key("acc_curve", np.array(run.history["accuracy"]), run, "accuracy") is None
    other = explain_history_key("val_acc_curve", run.history["accuracy"], run, "val_accuracy")
    assert other.confirmed and other.message == (
        "`val_acc_curve` holds the 'accuracy' curve, not the one the task asks for: check the key you read.")
    last = explain_history_key("val_acc_curve", run.history["val_accuracy"][-1], run, "val_accuracy")
    assert last.message == ("`val_acc_curve` is a single number (the last entry of 'val_accuracy'): keep the whole "
                            "list, one value per epoch.")
    assert not explain_history_key("c", 0.123, run, "accuracy").confirmed
    assert "matches none of the curves" in message(explain_history_key("c", [0.1, 0.2], run, "accuracy"))
    assert "which is not a History" in message(explain_history_key("c", [0.1], None, "accuracy"))


# --- did training learn -----------------------------------------------------------------------------


def curves(first_loss: float, last_loss: float, last_val_acc: float) -> Record:
    run = history()
    run.history["loss"][0], run.history["loss"][-1] = first_loss, last_loss
    run.history["val_accuracy"][-1] = last_val_acc
    return run


def test_training_that_learned_passes():
    assert explain_learning("h", curves(1.0, 0.1, 0.95), min_accuracy=0.85) is None


@pytest.mark.parametrize(("k", "high"), [(10, 16.0), (3, 255.0), (26, 100.0)])
def test_unscaled_inputs_are_named_when_the_first_loss_shows_them(k, high):
    inputs = np.linspace(0, high, 40, dtype="float32").reshape(8, 5)
    big = 3 * math.log(k)
    finding = explain_learning("h", curves(big, big * 1.5, 0.2), min_accuracy=0.85, n_classes=k, inputs=inputs,
                               inputs_name="`X_train`")
    assert finding.confirmed and f"`X_train` run from 0 to {high:g}, not [0, 1]" in finding.message
    assert f"far above ln({k})" in finding.message
    usual = explain_learning("h", curves(0.9 * math.log(k), 0.1, 0.2), min_accuracy=0.85, n_classes=k, inputs=inputs)
    assert not usual.confirmed and "run from" not in usual.message
    scaled = explain_learning("h", curves(big, big * 1.5, 0.2), min_accuracy=0.85, n_classes=k, inputs=inputs / high)
    assert not scaled.confirmed and "Scale" not in scaled.message


def test_an_output_that_cannot_give_probabilities_is_read_from_the_record():
    linear = model(activations=("relu", "relu", "linear"))
    finding = explain_learning("h", curves(2.0, 2.5, 0.1), min_accuracy=0.85, model=linear)
    assert finding.confirmed and "last layer uses 'linear'" in finding.message
    assert finding.message.startswith("The training loss in `h` did not go down (from 2 to 2.5)")
    mse = explain_learning("h", curves(2.0, 1.0, 0.3), min_accuracy=0.85, model=model(loss="mse"))
    assert mse.message.startswith("After training, the model gets only 30% of the validation samples right")
    assert "'mean_squared_error'" in mse.message
    plain = explain_learning("h", curves(2.0, 1.0, 0.3), min_accuracy=0.85, model=model())
    assert not plain.confirmed
