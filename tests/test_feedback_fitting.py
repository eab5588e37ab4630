"""Tests for autograder.feedback.fitting: fit settings read from history.params, batch-counting callbacks (their
totals and their traces through a fresh fit), and the block validation_split holds out."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.feedback import Finding
from autograder.feedback.counting import batches_needed, split_point
from autograder.feedback.fitting import (
    KERAS_DEFAULT_BATCH_SIZE,
    counter_slips,
    explain_counter,
    explain_counter_trace,
    explain_fit_params,
    explain_held_out,
    explain_tried_counter,
    fit_settings_slips,
    trace_slips,
)
from autograder.transport import Record


def message(finding: Finding | None) -> str:
    assert finding is not None, "expected a finding, got None"
    return finding.message


def params(epochs: int, steps: int) -> dict:
    return {"verbose": 0, "epochs": epochs, "steps": steps}


# --- fit settings -------------------------------------------------------------------------------------------

SWAPPED = "`epochs` and `batch_size` are swapped: by position, `fit(x, y, ...)` takes `batch_size` before `epochs`."
NO_SPLIT = "`fit` trained on all the samples, none held out: pass `validation_split=`"
DEFAULT_BATCH = "That is what batches of 32 samples give, the size `fit` uses when it gets no `batch_size`"


@pytest.mark.parametrize(
    ("epochs", "steps", "expected"),
    [
        (16, 180, f"`history.params` shows 16 epochs of 180 batches. {SWAPPED}"),
        (16, 225, f"`history.params` shows 16 epochs of 225 batches. {SWAPPED}"),
        (8, 45, f"`history.params` shows 8 epochs of 45 batches. {DEFAULT_BATCH}"),
        (1, 90, "`history.params` shows 1 epoch of 90 batches. `fit` ran a single epoch, what it does when it gets no"),
        (8, 113, f"`history.params` shows 8 epochs of 113 batches. {NO_SPLIT}"),
        (8, 57, f"`history.params` shows 8 epochs of 57 batches. {DEFAULT_BATCH}"),
        (5, 90, "`history.params` shows 5 epochs of 90 batches. That is not the number of epochs the task asks for"),
        (8, 96, "`history.params` shows 8 epochs of 96 batches. That many batches per epoch does not fit"),
    ],
)
def test_fit_params_mistakes(epochs, steps, expected):
    assert message(explain_fit_params(params(epochs, steps), 8, 16, 1797, validation_split=0.2)).startswith(expected)


def test_a_double_slip_names_both_parts():
    text = message(explain_fit_params(params(16, 225), 8, 16, 1797, validation_split=0.2))
    assert SWAPPED in text and NO_SPLIT in text


@pytest.mark.parametrize(("epochs", "batch_size", "n", "split"),
                         [(8, 16, 1797, 0.2), (3, 64, 1000, None), (20, 512, 60000, 0.1), (5, 7, 50, 0.25)])
def test_every_settings_slip_is_named_only_when_it_alone_gives_the_params(epochs, batch_size, n, split):
    n_train = split_point(n, split) if split else n
    want = (epochs, batches_needed(n_train, batch_size))
    slips = fit_settings_slips(epochs, batch_size, n, split)
    for slip in slips:
        if slip.value == want:
            continue
        finding = explain_fit_params(params(*slip.value), epochs, batch_size, n, validation_split=split)
        givers = {s.message for s in slips if s.value == slip.value}
        assert finding.confirmed == (len(givers) == 1)
        if finding.confirmed:
            assert finding.message.endswith(slip.message)


def test_a_near_miss_of_the_swap_is_not_called_a_swap():
    # 16 epochs but batches of 16 (not 8): the epochs are off, the batches are right, nothing was swapped
    finding = explain_fit_params(params(16, 90), 8, 16, 1797, validation_split=0.2)
    assert not finding.confirmed and "swapped" not in message(finding)


def test_fit_params_right_and_without_split():
    assert explain_fit_params(params(8, 90), 8, 16, 1797, validation_split=0.2) is None
    assert explain_fit_params(params(8, 113), 8, 16, 1797) is None
    assert message(explain_fit_params(None, 8, 16, 1797)).startswith("`history.params` is missing")
    # with the default batch size asked for, leaving it out is not a mistake
    assert explain_fit_params(params(3, 45), 3, KERAS_DEFAULT_BATCH_SIZE, 1437) is None


# --- a batch-counting callback, after the run ------------------------------------------------------------------


def counter(batches, run=None) -> Record:
    return Record("__main__.BatchCounter", {"batches": batches, "params": run or {}})


@pytest.mark.parametrize(
    ("batches", "expected"),
    [
        (0, "`counter.batches` is 0 after the fit: it never went up. Check that the counting method is named exactly "
         "`on_train_batch_end` and that `fit` got `callbacks=[counter]`."),
        (8, "`counter.batches` equals the number of epochs: it counts epochs, not batches."),
        (90, "`counter.batches` holds the batches of one epoch only: keep adding 1 across the epochs"),
        (89, "`counter.batches` is the position of the last batch within its epoch"),
        (32040, "`counter.batches` adds up the `batch` positions: add 1 per batch instead."),
        (32760, "`counter.batches` adds `batch + 1` after every batch: add 1 instead."),
        (1440, "`counter.batches` is twice the training batches of the run"),
        (904, "`counter.batches` counts the validation batches too: count only in `on_train_batch_end`"),
        (721, "`counter.batches` is 721, which is not the right value. Add 1 in `on_train_batch_end`."),
        (2.5, "`counter.batches` is 2.5, which is not a whole number"),
    ],
)
def test_counter_totals(batches, expected):
    assert message(explain_counter("counter", counter(batches), 8, 90, val_steps=23)).startswith(expected)


def test_counter_totals_on_other_runs_are_named_only_when_unique():
    for epochs, steps, val_steps in [(2, 3, 1), (3, 4, 2), (5, 12, 3), (8, 90, 23), (2, 2, 2)]:
        slips = counter_slips("c.batches", epochs, steps, val_steps)
        for slip in slips:
            if slip.value in (epochs * steps, 0):
                continue
            finding = explain_counter("c", counter(slip.value), epochs, steps, val_steps=val_steps)
            givers = {s.message for s in slips if s.value == slip.value}
            assert finding.confirmed == (len(givers) == 1), (epochs, steps, slip)


def test_counter_right_missing_and_without_the_attribute():
    assert explain_counter("counter", counter(720), 8, 90, val_steps=23) is None
    assert explain_counter("counter", counter(np.int64(720)), 8, 90) is None
    assert message(explain_counter("counter", None, 8, 90)).startswith("`counter` is not set yet")
    assert message(explain_counter("counter", Record("__main__.C", {"count": 720}), 8, 90)) == (
        "`counter` has no `batches` attribute: set `self.batches = 0` in `__init__` and add 1 to it in "
        "`on_train_batch_end`."
    )


def test_counter_must_have_watched_the_run():
    run = params(8, 90)
    assert explain_counter("counter", counter(720, dict(run)), 8, 90, run_params=run) is None
    stand_in = Record("types.SimpleNamespace", {"batches": 720, "params": dict(run)})
    assert message(explain_counter("counter", stand_in, 8, 90, run_params=run)) == (
        "`counter` is a SimpleNamespace: it should be an instance of your callback class, `counter = BatchCounter()`, "
        "passed to `fit` with `callbacks=[counter]`."
    )
    unused = Record("__main__.BatchCounter", {"batches": 720, "params": None})
    assert message(explain_counter("counter", unused, 8, 90, run_params=run)).startswith(
        "`counter` never took part in a fit: when training starts, Keras hands every callback"
    )
    other = counter(720, params(8, 113))
    assert message(explain_counter("counter", other, 8, 90, run_params=run)).startswith(
        "`counter` watched another fit than the one whose result is in `history`"
    )
    # without run_params, only the count matters
    assert explain_counter("counter", stand_in, 8, 90) is None


def test_a_live_counter_in_the_students_kernel():
    class BatchCounter:
        def __init__(self):
            self.batches, self.params = 720, params(8, 90)

    BatchCounter.__module__ = "__main__"
    assert explain_counter("counter", BatchCounter(), 8, 90, run_params=params(8, 90)) is None


# --- a counting callback watched through a fresh fit ------------------------------------------------------------


def trace(epochs, steps, step=lambda e, k, g: g + 1):
    return [step(e, k, e * steps + k) for e in range(epochs) for k in range(steps)]


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        ([0] * 12, "In a fresh fit, `batches` of a new `BatchCounter` stayed 0 through every training batch: Keras "
         "never called your counting method."),
        ([12] * 12, "In a fresh fit, `batches` of a new `BatchCounter` stayed 12 from the first training batch to "
         "the last: it must go up by 1 after every batch, as it happens."),
        (trace(3, 4, lambda e, k, g: e), "In a fresh fit, `batches` of a new `BatchCounter` counts epochs, not "
         "batches: it only goes up when an epoch ends."),
        (trace(3, 4, lambda e, k, g: e + 1), "In a fresh fit, `batches` of a new `BatchCounter` counts epochs, not "
         "batches: it goes up once when each epoch begins."),
        (trace(3, 4, lambda e, k, g: k + 1), "In a fresh fit, `batches` of a new `BatchCounter` starts again from 1 "
         "in every epoch"),
        (trace(3, 4, lambda e, k, g: k), "In a fresh fit, `batches` of a new `BatchCounter` holds the `batch` "
         "argument"),
        ([0, 1, 3, 6, 6, 7, 9, 12, 12, 13, 15, 18], "In a fresh fit, `batches` of a new `BatchCounter` adds up the "
         "`batch` positions"),
        (trace(3, 4, lambda e, k, g: g + 1 + 2 * e), "In a fresh fit, `batches` of a new `BatchCounter` also counts "
         "the validation batches"),
        (trace(3, 4, lambda e, k, g: 2 * g + 2), "In a fresh fit, `batches` of a new `BatchCounter` goes up by 2 "
         "per training batch"),
        (trace(3, 4, lambda e, k, g: g + 1 + (g >= 5)), "In a fresh fit, `batches` of a new `BatchCounter` was 7 "
         "after the 2nd training batch of the 2nd epoch: it should start at 0 and go up by exactly 1"),
        ([None] * 12, "A new `BatchCounter` has no `batches` attribute while it trains"),
        (["1"] * 12, "During a fresh fit, `batches` of a new `BatchCounter` was '1': it should be a count"),
        ([1, 2, 3], "The fresh fit that tests `BatchCounter` did not report one count per training batch"),
    ],
)
def test_counter_trace_mistakes(readings, expected):
    assert message(explain_counter_trace("BatchCounter", readings, 3, 4, val_steps=2)).startswith(expected)


@pytest.mark.parametrize(("epochs", "steps", "val_steps"), [(2, 3, 1), (3, 4, 2), (2, 5, 1), (3, 7, 3)])
def test_each_trace_miscount_is_named_on_every_run_shape(epochs, steps, val_steps):
    for slip in trace_slips(epochs, steps, val_steps):
        finding = explain_counter_trace("C", slip.value, epochs, steps, val_steps=val_steps)
        assert finding.confirmed and finding.message.endswith(slip.message)
        # one reading off spoils the match: the first wrong reading is described instead
        spoiled = [*slip.value[:-1], slip.value[-1] + 100]
        assert slip.message not in message(explain_counter_trace("C", spoiled, epochs, steps, val_steps=val_steps))


def test_counter_trace_right_in_any_number_type():
    assert explain_counter_trace("C", trace(3, 4), 3, 4, val_steps=2) is None
    assert explain_counter_trace("C", [np.int64(v) for v in trace(2, 3)], 2, 3) is None
    assert explain_counter_trace("C", [float(v) for v in trace(2, 3)], 2, 3) is None


def test_tried_counter_reads_what_try_counter_reported():
    n, batch_size, epochs, split = 36, 7, 2, 0.25  # 27 training samples: 4 batches per epoch, 2 validation
    run = {"verbose": 0, "epochs": 2, "steps": 4}
    assert explain_tried_counter("C", {"after_each_batch": trace(2, 4), "params": run}, n, batch_size, epochs,
                                 split) is None
    counted_validation = trace(2, 4, lambda e, k, g: g + 1 + 2 * e)
    assert "also counts the validation batches" in message(
        explain_tried_counter("C", {"after_each_batch": counted_validation, "params": run}, n, batch_size, epochs,
                              split))
    assert message(explain_tried_counter("C", [1, 2], n, batch_size, epochs, split)).startswith(
        "`try_counter` did not report what a new `C` counted")
    wrong_run = {"after_each_batch": trace(2, 4), "params": {"epochs": 2, "steps": 5}}
    assert message(explain_tried_counter("C", wrong_run, n, batch_size, epochs, split)).startswith(
        "`try_counter` did not train with the settings it was given")


# --- the held-out block -----------------------------------------------------------------------------------------

DATA = np.arange(40, dtype="float32").reshape(20, 2)  # 20 samples; split 0.33 keeps 13, holds out 7


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        (DATA[:7], "`v` holds the first samples: Keras holds out the last ones, taken before any shuffling."),
        (DATA[:13], "`v` holds the training part, the samples before the split point"),
        (DATA[:6], "`v` holds the first samples: Keras holds out the last ones, taken before any shuffling. Its size"),
        (DATA[14:], "`v` holds the last samples, but too few of them, as if the training part were rounded up."),
        (DATA[:3], "`v` holds the first samples"),
        (DATA[13:][::-1], "`v` holds the values of the last samples, but in another order: keep their order."),
        (DATA[12:19], "`v` holds consecutive samples, but its block stops 1 sample before the end of the data"),
        (DATA[5:12], "`v` holds consecutive samples, but its block stops 8 samples before the end of the data"),
        (DATA[[13, 15, 16, 17, 18, 19, 2]], "`v` is not the last samples of the data: slice them off its end"),
        (DATA[13:, :1], "`v` has shape (7, 1): it should be some rows of the data, all columns."),
        (DATA[13:].astype("float64"), "`v` has dtype float64: slice the data itself, it is float32."),
        (DATA[13:].tolist(), "`v` is a list, but it should be a NumPy array"),
    ],
)
def test_held_out_mistakes(got, expected):
    assert message(explain_held_out("v", got, DATA, 0.33)).startswith(expected)


@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8"])
@pytest.mark.parametrize(("n", "split"), [(20, 0.33), (1797, 0.2), (101, 0.3), (10, 0.25)])
def test_held_out_slips_on_other_data(dtype, n, split):
    data = (np.arange(n * 3) % 251).astype(dtype).reshape(n, 3)
    cut = split_point(n, split)
    assert explain_held_out("v", data[cut:], data, split) is None
    assert message(explain_held_out("v", data[: n - cut], data, split)).startswith("`v` holds the first samples")
    labels = np.random.default_rng(n).permutation(n).astype(dtype if dtype != "uint8" else "int64")
    shifted = explain_held_out("y", labels[cut - 1:-1], labels, split)
    assert not shifted.confirmed and "stops 1 sample before the end of the data" in message(shifted)


def test_held_out_right_answers_and_public_mode():
    assert explain_held_out("v", DATA[13:], DATA, 0.33) is None
    assert explain_held_out("v", DATA[-3:], DATA, 0.33, check_values=False) is None
    assert message(explain_held_out("v", DATA[-3:], DATA, 0.33)).startswith(
        "`v` holds the last 3 samples, but that is not how many Keras holds out")
    assert explain_held_out("y", np.arange(20)[13:], np.arange(20), 0.33) is None
    assert message(explain_held_out("v", None, DATA, 0.33)).startswith("`v` is not set yet")


def test_no_held_out_message_shows_the_expected_size():
    for n, split in [(1797, 0.2), (101, 0.3), (250, 0.35), (4999, 0.15)]:
        data = np.arange(n)
        cut = split_point(n, split)
        for got in (data[cut - 3:], data[n - 2:], data[cut:][::-1], data[: n - cut], data[: cut - 1], data[cut - 1:-1]):
            text = message(explain_held_out("v", got, data, split))
            assert str(n - cut) not in text.replace(str(len(got)), ""), (n, split, len(got), text)
