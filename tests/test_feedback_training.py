"""Tests for autograder.feedback.training: the arithmetic, each recogniser's message, and that none leaks."""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograder import protocol
from autograder.feedback import Finding
from autograder.feedback.training import (
    CASE_KINDS,
    batches_needed,
    count_mistakes,
    describe_count_case,
    expected_count,
    explain_calls,
    explain_choice,
    explain_count,
    explain_count_function,
    explain_counter,
    explain_counter_trace,
    explain_fit_params,
    explain_held_out,
    explain_history,
    explain_split_function,
    explain_split_sizes,
    explain_tried_counter,
    split_point,
    unseen_count_cases,
    unseen_counter_run,
    unseen_split_cases,
)
from autograder.protocol import HistoryRecord
from autograder.transport import Record


def message(finding: Finding | None) -> str:
    assert finding is not None, "expected a finding, got None"
    return finding.message


# --- the arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "batch_size", "epochs", "batches", "last", "updates"),
    [
        (60000, 512, 20, 118, 96, 2360),
        (10, 4, 3, 3, 2, 9),
        (8, 4, 5, 2, 4, 10),
        (3, 10, 4, 1, 3, 4),
        (7, 1, 2, 7, 1, 14),
    ],
)
def test_expected_counts(n, batch_size, epochs, batches, last, updates):
    assert batches_needed(n, batch_size) == batches
    assert expected_count(n, batch_size) == batches
    assert expected_count(n, batch_size, quantity="last_batch") == last
    assert expected_count(n, batch_size, epochs, "updates") == updates


def test_expected_count_rejects_bad_requests():
    with pytest.raises(ValueError, match="needs the number of epochs"):
        expected_count(10, 4, quantity="updates")
    with pytest.raises(ValueError, match="quantity must be one of"):
        expected_count(10, 4, quantity="samples")


@pytest.mark.parametrize(("n", "split", "train"), [(1797, 0.2, 1437), (10, 0.25, 7), (7, 0.5, 3), (100, 0.1, 90)])
def test_split_point_rounds_the_training_part_down(n, split, train):
    assert split_point(n, split) == train


@pytest.mark.slow
def test_split_point_matches_keras():
    """The rule Keras 3 applies in `fit(validation_split=...)`, read from Keras itself."""
    from keras.src.trainers.data_adapters.array_slicing import train_validation_split

    for n, split in [
        (1797, 0.2),
        (10, 0.25),
        (7, 0.5),
        (1000, 0.1),
        (999, 0.33),
        *unseen_split_cases(np.random.default_rng(3)),
    ]:
        (train, _), _ = train_validation_split((np.arange(n), None), validation_split=split)
        assert split_point(n, split) == len(train), (n, split)


# --- counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("got", "quantity", "start"),
    [
        (117, "batches", "`c` is 117, as `n // batch_size` gives: floor division drops the last, partly filled batch."),
        (117.1875, "batches", "`c` is 117.1875, a fraction, as `n / batch_size` gives: batches come whole"),
        (60000, "batches", "`c` is 60000, the number of samples"),
        (512, "last_batch", "`c` is 512, the batch size, but the samples do not fill the last batch"),
        (416, "last_batch", "`c` is 416, the number of samples the last batch is short of a full one"),
        (118, "last_batch", "`c` is 118, the number of batches: the question asks how many samples"),
        (20, "updates", "`c` is 20, the number of epochs, as if one epoch made one update."),
        (118, "updates", "`c` is 118, the updates of a single epoch: multiply by the number of epochs."),
        (1200000, "updates", "`c` is 1200000, one update per sample in every epoch"),
        (2340, "updates", "`c` is 2340, as `n // batch_size` batches per epoch give"),
        (2343.75, "updates", "`c` is 2343.75, a fraction: count whole batches per epoch"),
        (2344, "updates", "`c` is 2344, as if the epochs ran together as one stream of samples."),
    ],
)
def test_count_mistakes_are_named(got, quantity, start):
    for check_values in (True, False):
        assert message(explain_count("c", got, 60000, 512, 20, quantity, check_values=check_values)).startswith(start)


def test_even_division_mistakes():
    assert message(explain_count("c", 3, 8, 4)).startswith("`c` is 3, one batch too many when the batch size divides")
    assert message(explain_count("c", 0, 8, 4, quantity="last_batch")) == (
        "`c` is 0, as `n % batch_size` gives when the batch size divides the samples evenly: then nothing is left "
        "over and the last batch is a full one."
    )


def test_right_counts_pass_even_when_they_equal_a_wrong_formula():
    # With an even division, n // batch_size and n / batch_size are right; with fewer samples than a
    # batch, the epochs are the updates: no candidate may reject a right answer.
    assert explain_count("c", 2, 8, 4, check_values=False) is None
    assert explain_count("c", 2.0, 8, 4) is None
    assert explain_count("c", np.int64(4), 8, 4, quantity="last_batch") is None
    assert explain_count("c", 4, 3, 10, 4, "updates", check_values=False) is None
    for quantity in ("batches", "last_batch", "updates"):
        for n, b, e in unseen_count_cases(np.random.default_rng(7), 12, with_epochs=True):
            want = expected_count(n, b, e, quantity)
            assert all(not np.isclose(v, want) for v in count_mistakes("c", n, b, e, quantity).values())


def test_public_mode_accepts_unknown_whole_numbers_but_not_fractions_or_text():
    assert explain_count("c", 119, 60000, 512, check_values=False) is None
    assert "not a whole number" in message(explain_count("c", 118.5, 60000, 512, check_values=False))
    assert message(explain_count("c", "118", 60000, 512)) == (
        "`c` should be a single number, but it is a str: write the number without quotes."
    )
    assert message(explain_count("c", ..., 60000, 512)).startswith("`c` is not set yet")


def test_counts_of_zero_or_less_are_never_right():
    # in public mode too: a right-typed non-answer must not pass as an unknown whole number
    for quantity in ("batches", "last_batch", "updates"):
        for got in (0, -3, 0.0):
            text = message(explain_count("c", got, 60000, 512, 20, quantity, check_values=False))
            assert text.startswith(f"`c` is {got}, but ") and "at least" in text
    # a known mistake that happens to be 0 keeps its own message
    assert message(explain_count("c", 0, 8, 4, quantity="last_batch")).startswith("`c` is 0, as `n % batch_size`")


def test_generic_wrong_count_gets_the_hint():
    assert message(explain_count("c", 119, 60000, 512)) == (
        "`c` is 119, which is not the right value. A batch holds at most `batch_size` samples, and every sample "
        "is used once per epoch."
    )


def test_counts_with_validation_split_recognise_a_forgotten_split():
    assert explain_count("steps", 90, 1797, 16, validation_split=0.2) is None
    assert explain_count("updates", 720, 1797, 16, 8, "updates", validation_split=0.2) is None
    assert message(explain_count("steps", 113, 1797, 16, validation_split=0.2, check_values=False)).startswith(
        "`steps` is 113, a count over all the samples: with `validation_split`, fit trains only on the training part"
    )
    # 999 samples keep 899 = 29 * 31 for training; one more, 900, needs a 32nd batch in each of 3 epochs
    assert message(explain_count("u", 96, 999, 29, 3, "updates", validation_split=0.1)).startswith(
        "`u` is 96, a count over a training part rounded the wrong way: Keras keeps"
    )


def test_extra_candidates_join_the_known_ones():
    extra = {"`c` counts the pixels.": 64}
    assert message(explain_count("c", 64, 60000, 512, extra=extra)) == "`c` counts the pixels."


# --- the student's functions --------------------------------------------------------------


def test_explain_calls_on_shown_and_unseen_cases():
    def floor(n, batch_size):
        return n // batch_size

    shown = explain_count_function("f", floor, [(8, 4), (10, 4)], "batches", show_inputs=True)
    assert message(shown).startswith("`f(10, 4)` is 2, as `n // batch_size` gives")
    unseen = explain_count_function("f", floor, [(8, 4), (10, 4)], "batches")
    assert message(unseen).startswith(
        "On unseen case 2 of 2 (the last batch is only partly filled): `f(...)` is 2, as `n // batch_size` gives"
    )
    assert (
        explain_count_function("f", lambda n, b: -(-n // b), unseen_count_cases(np.random.default_rng(1)), "batches")
        is None
    )


def test_explain_calls_reports_missing_non_functions_none_and_errors():
    cases = [(10, 4)]
    assert message(explain_count_function("f", None, cases, "batches")) == (
        "`f` is not defined yet: run the cell that defines it."
    )
    assert message(explain_count_function("f", 3, cases, "batches")) == (
        "`f` should be a function defined with `def f(...)`, not an int."
    )
    assert message(explain_count_function("f", lambda n, b: None, cases, "batches", show_inputs=True)) == (
        "`f(10, 4)` returned None: give the answer back with a `return` statement."
    )

    def broken(n, batch_size):
        raise ValueError("calling `f` failed: ZeroDivisionError: division by zero")

    assert message(explain_count_function("f", broken, cases, "batches")) == (
        "On unseen case 1 of 1 (the last batch is only partly filled): calling `f` failed: ZeroDivisionError: "
        "division by zero"
    )
    assert message(explain_count_function("f", broken, cases, "batches", show_inputs=True)).startswith("`f(10, 4)`: ")


def test_explain_calls_takes_any_judge():
    def judge(call, got, a):
        return None if got == a else Finding("values", f"`{call}` is off.")

    assert explain_calls("g", lambda a: a, [(1,), (2,)], judge) is None
    assert message(explain_calls("g", lambda a: a + 1, [(1,)], judge, show_inputs=True)) == "`g(1)` is off."


@pytest.mark.parametrize(
    ("case", "kind"),
    [
        ((8, 4), "the batch size divides the samples evenly"),
        ((3, 10), "fewer samples than one batch"),
        ((10, 4, 2), "the last batch is only partly filled"),
    ],
)
def test_describe_count_case(case, kind):
    assert describe_count_case(case) == kind


def test_unseen_count_cases_are_seeded_and_mix_every_kind():
    first = unseen_count_cases(np.random.default_rng(5), with_epochs=True)
    assert first == unseen_count_cases(np.random.default_rng(5), with_epochs=True)
    assert first != unseen_count_cases(np.random.default_rng(6), with_epochs=True)
    kinds = {describe_count_case(c) for c in first}
    assert len(kinds) == 3 and all(len(c) == 3 and all(type(v) is int for v in c) for c in first)


def test_unseen_count_cases_of_chosen_kinds():
    kinds = ["divisible", "small", "divisible", "small"]
    cases = unseen_count_cases(np.random.default_rng(3), kinds=kinds)
    assert sorted(describe_count_case(c) for c in cases) == sorted(
        ["the batch size divides the samples evenly", "fewer samples than one batch"] * 2
    )
    partial = unseen_count_cases(np.random.default_rng(3), with_epochs=True, kinds=["partial"] * 4)
    assert {describe_count_case(c) for c in partial} == {"the last batch is only partly filled"} and len(partial) == 4
    assert set(CASE_KINDS) == {"divisible", "small", "partial"}
    with pytest.raises(ValueError, match="kinds must be among"):
        unseen_count_cases(np.random.default_rng(3), kinds=["even"])


def test_unseen_split_cases_never_split_on_a_sample():
    for n, split in unseen_split_cases(np.random.default_rng(9), 20):
        assert n - int(n * split) != split_point(n, split)


# --- validation_split --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        ((8, 2), "`s` is (8, 2): it rounds the validation part down (`int(n * validation_split)`)."),
        ((3, 7), "`s` is (3, 7): it has the two parts the wrong way round"),
        ((7.5, 2.5), "`s` is (7.5, 2.5): it holds fractions: sample counts are whole."),
        ((10, 3), "`s` is (10, 3): it counts all the samples as training"),
        ((6, 3), "`s` is (6, 3), whose parts do not add up to the 10 samples."),
        (7, "`s` should be a pair (training samples, validation samples), not an int."),
        ((7, 2, 1), "`s` should be a pair (training samples, validation samples), not a tuple."),
    ],
)
def test_split_size_mistakes(got, expected):
    assert message(explain_split_sizes("s", got, 10, 0.25, check_values=False)).startswith(expected)


def test_split_sizes_right_and_generic():
    assert explain_split_sizes("s", (7, 3), 10, 0.25) is None
    assert explain_split_sizes("s", [np.int64(1437), 360], 1797, 0.2) is None
    assert explain_split_sizes("s", (6, 4), 10, 0.25, check_values=False) is None
    assert message(explain_split_sizes("s", (6, 4), 10, 0.25)) == (
        "`s` is (6, 4), which splits the samples at another point than Keras does: it keeps "
        "`int(n * (1 - validation_split))` samples for training and holds out the rest."
    )
    # Rounding the validation part to the nearest whole number is right, or the same as rounding it down.
    assert message(explain_split_sizes("s", (7, 3), 10, 0.32)).startswith("`s` is (7, 3): it rounds the validation")


def test_split_function():
    def wrong(n, split):
        val = int(n * split)
        return n - val, val

    assert message(explain_split_function("g", wrong, [(10, 0.25)], show_inputs=True)).startswith(
        "`g(10, 0.25)` is (8, 2): it rounds the validation part down"
    )
    assert message(explain_split_function("g", wrong, unseen_split_cases(np.random.default_rng(2)))).startswith(
        "On unseen case 1 of 6: `g(...)` is ("
    )
    assert explain_split_function("g", lambda n, s: (int(n * (1 - s)), n - int(n * (1 - s))), [(10, 0.25)]) is None


DATA = np.arange(40, dtype="float32").reshape(20, 2)  # 20 samples; split 0.33 keeps 13, holds out 7


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        (DATA[:7], "`v` holds the first samples: Keras holds out the last fraction of the samples, taken before any"),
        (DATA[:13], "`v` holds the training part, the samples before the split point: validation is the rest."),
        (
            DATA[:6],
            "`v` holds the first samples: Keras holds out the last fraction of the samples, taken before any "
            "shuffling. Its size is rounded the wrong way, too.",
        ),
        (DATA[14:], "`v` rounds the validation part down: Keras keeps `int(n * (1 - validation_split))` samples"),
        (DATA[:3], "`v` holds the first samples"),
        (DATA[13:][::-1], "`v` holds the last samples, but shuffled: keep their order."),
        (DATA[5:12], "`v` is not the last samples of the data: slice them off its end, in order."),
        (DATA[13:, :1], "`v` has shape (7, 1): it should be some rows of the data, all columns."),
        (DATA[13:].astype("float64"), "`v` has dtype float64: slice the data itself, it is float32."),
        (DATA[13:].tolist(), "`v` is a list, but it should be a NumPy array"),
    ],
)
def test_held_out_mistakes(got, expected):
    assert message(explain_held_out("v", got, DATA, 0.33)).startswith(expected)


def test_held_out_right_answers_and_public_mode():
    assert explain_held_out("v", DATA[13:], DATA, 0.33) is None
    assert explain_held_out("v", DATA[-3:], DATA, 0.33, check_values=False) is None
    assert message(explain_held_out("v", DATA[-3:], DATA, 0.33)).startswith(
        "`v` holds the last 3 samples, but that is not how many Keras holds out"
    )
    assert explain_held_out("y", np.arange(20)[13:], np.arange(20), 0.33) is None
    assert message(explain_held_out("v", None, DATA, 0.33)).startswith("`v` is not set yet")


# --- a training run -------------------------------------------------------------------------


def history(epochs=8, steps=90, keys=("loss", "accuracy", "val_loss", "val_accuracy")) -> Record:
    logs = {key: [0.5] * epochs for key in keys}
    params = {"verbose": 0, "epochs": epochs, "steps": steps}
    return protocol.as_record(HistoryRecord(logs, params, list(range(epochs))), HistoryRecord.TYPE_NAME)


def test_explain_history():
    assert explain_history("h", history(), validation=True) is None
    assert message(explain_history("h", history(keys=("loss",)), validation=True)) == (
        "`h` has no validation entries such as `val_loss`: pass `validation_split=` to `fit`."
    )
    assert message(explain_history("h", {"loss": [1.0]})).startswith("`h` is a dict, perhaps `history.history`")
    assert message(explain_history("h", print)).startswith("`h` is a function, perhaps `model.fit` itself")
    assert message(explain_history("h", 3)) == "`h` should be the History that `model.fit(...)` returns, not an int."
    assert message(explain_history("h", history(epochs=0))).startswith("`h` recorded no epoch")
    assert message(explain_history("h", ...)).startswith("`h` is not set yet: keep what fit returns")


def test_explain_history_rejects_look_alikes_with_history_and_params():
    from types import SimpleNamespace

    real = history()
    stand_in = Record("types.SimpleNamespace", dict(real.attrs))
    expected = (
        "`h` is a SimpleNamespace with `history` and `params` attributes, not the History that `model.fit` returns: "
        "train the model and keep what fit returns, `h = model.fit(...)`."
    )
    assert message(explain_history("h", stand_in, validation=True)) == expected
    # in the student's own kernel (public checks) the object itself arrives, not a record
    live = SimpleNamespace(history=dict(real.history), params=dict(real.params), epoch=list(real.epoch))
    assert message(explain_history("h", live)) == expected


@pytest.mark.parametrize(
    ("epochs", "steps", "expected"),
    [
        (16, 180, "`history.params` shows 16 epochs of 180 batches: `epochs` and `batch_size` are swapped in `fit`."),
        (
            16,
            225,
            "`epochs` and `batch_size` are swapped in `fit`. Pass both by name, `model.fit(x, y, epochs=..., "
            "batch_size=...)`: by position, `fit` takes `batch_size` before `epochs`. `fit` trained on all the samples",
        ),
        (8, 45, "`history.params` shows 8 epochs of 45 batches: `batch_size` was not given, so Keras used its default"),
        (1, 90, "`history.params` shows 1 epochs of 90 batches: `epochs` was not given, so Keras trained for 1 epoch."),
        (8, 113, "`fit` trained on all the samples: pass `validation_split=` so that it holds some out."),
        (
            8,
            57,
            "`fit` trained on all the samples: pass `validation_split=` so that it holds some out. `batch_size` "
            "was not given",
        ),
        (5, 90, "`history.params` shows 5 epochs of 90 batches: train for the number of epochs the task asks for"),
        (8, 96, "`history.params` shows 8 epochs of 96 batches: that many batches per epoch does not fit"),
    ],
)
def test_fit_params_mistakes(epochs, steps, expected):
    found = message(explain_fit_params(history(epochs, steps).params, 8, 16, 1797, validation_split=0.2))
    assert expected in found


def test_fit_params_right_and_without_split():
    assert explain_fit_params(history(8, 90).params, 8, 16, 1797, validation_split=0.2) is None
    assert explain_fit_params(history(8, 113).params, 8, 16, 1797) is None
    assert message(explain_fit_params(None, 8, 16, 1797)).startswith("`history.params` is missing")
    # with the default batch size asked for, leaving it out is not a mistake
    assert explain_fit_params(history(3, 45).params, 3, 32, 1437) is None


def counter(batches) -> Record:
    return Record("__main__.BatchCounter", {"batches": batches, "params": {}})


@pytest.mark.parametrize(
    ("batches", "expected"),
    [
        (
            0,
            "`counter.batches` is 0: `on_train_batch_end` never ran. Check the method's spelling and that `fit` got "
            "`callbacks=[counter]`.",
        ),
        (8, "`counter.batches` counts epochs: count in `on_train_batch_end`, which runs after every batch."),
        (90, "`counter.batches` holds the batches of one epoch only: keep adding 1 across epochs, never reset it."),
        (89, "`counter.batches` is the index of the last batch, which restarts at 0 every epoch: add 1 per batch."),
        (32040, "`counter.batches` adds up the `batch` indices: add 1 per batch instead."),
        (1440, "`counter.batches` counted two fits: create a new counter right before each `fit`."),
        (904, "`counter.batches` counts validation batches too: count only in `on_train_batch_end`"),
        (721, "`counter.batches` is 721, which is not the right value. Add 1 in `on_train_batch_end`."),
        (2.5, "`counter.batches` is 2.5, which is not a whole number"),
    ],
)
def test_counter_mistakes(batches, expected):
    assert message(explain_counter("counter", counter(batches), 8, 90, val_steps=23)).startswith(expected)


def test_counter_right_missing_and_without_the_attribute():
    assert explain_counter("counter", counter(720), 8, 90, val_steps=23) is None
    assert explain_counter("counter", counter(np.int64(720)), 8, 90) is None
    assert message(explain_counter("counter", None, 8, 90)).startswith("`counter` is not set yet")
    assert message(explain_counter("counter", Record("__main__.C", {"count": 720}), 8, 90)) == (
        "`counter` has no `batches` attribute: set `self.batches = 0` in `__init__` and add 1 to it in "
        "`on_train_batch_end`."
    )


def test_counter_must_have_watched_the_run():
    params = {"verbose": 0, "epochs": 8, "steps": 90}
    watched = Record("__main__.BatchCounter", {"batches": 720, "params": dict(params)})
    assert explain_counter("counter", watched, 8, 90, run_params=params) is None
    stand_in = Record("types.SimpleNamespace", {"batches": 720, "params": dict(params)})
    assert message(explain_counter("counter", stand_in, 8, 90, run_params=params)) == (
        "`counter` is a SimpleNamespace: it should be an instance of your callback class, `counter = BatchCounter()`, "
        "passed to `fit` with `callbacks=[counter]`."
    )
    unused = Record("__main__.BatchCounter", {"batches": 720, "params": None})
    assert message(explain_counter("counter", unused, 8, 90, run_params=params)).startswith(
        "`counter` never took part in a fit: when training starts, Keras hands every callback"
    )
    other = Record("__main__.BatchCounter", {"batches": 720, "params": {"verbose": 0, "epochs": 8, "steps": 113}})
    assert message(explain_counter("counter", other, 8, 90, run_params=params)).startswith(
        "`counter` watched another fit than the one whose result is in `history`"
    )
    # without run_params, only the count matters (as before)
    assert explain_counter("counter", stand_in, 8, 90) is None


# --- a counting callback watched through a fresh fit ------------------------------------------


def test_unseen_counter_runs_make_every_miscount_visible():
    runs = [unseen_counter_run(np.random.default_rng(seed)) for seed in range(40)]
    assert runs[0] == unseen_counter_run(np.random.default_rng(0))
    for n, batch_size, epochs, split in runs:
        n_train = split_point(n, split)
        assert n_train % batch_size and batches_needed(n_train, batch_size) >= 3 and n > n_train and epochs >= 2
        assert all(type(v) is int for v in (n, batch_size, epochs)) and type(split) is float


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
         "`batch` indices"),
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


def test_counter_trace_right_in_any_number_type():
    assert explain_counter_trace("C", trace(3, 4), 3, 4, val_steps=2) is None
    assert explain_counter_trace("C", [np.int64(v) for v in trace(2, 3)], 2, 3) is None
    assert explain_counter_trace("C", [float(v) for v in trace(2, 3)], 2, 3) is None


def test_tried_counter_reads_what_try_counter_reported():
    n, batch_size, epochs, split = 36, 7, 2, 0.25  # 27 training samples: 4 batches per epoch, 2 validation
    params = {"verbose": 0, "epochs": 2, "steps": 4}
    assert explain_tried_counter("C", {"after_each_batch": trace(2, 4), "params": params}, n, batch_size, epochs,
                                 split) is None
    counted_validation = trace(2, 4, lambda e, k, g: g + 1 + 2 * e)
    assert "also counts the validation batches" in message(
        explain_tried_counter("C", {"after_each_batch": counted_validation, "params": params}, n, batch_size, epochs,
                              split)
    )
    assert message(explain_tried_counter("C", [1, 2], n, batch_size, epochs, split)).startswith(
        "`try_counter` did not report what a new `C` counted"
    )
    wrong_run = {"after_each_batch": trace(2, 4), "params": {"epochs": 2, "steps": 5}}
    assert message(explain_tried_counter("C", wrong_run, n, batch_size, epochs, split)).startswith(
        "`try_counter` did not train with the settings it was given"
    )


# --- multiple choice ---------------------------------------------------------------------------


REASONS = {"a": "A is wrong because of this.", "b": "B is wrong because of that.", "d": "D is wrong too."}


@pytest.mark.parametrize("got", ["c", "C", " c ", "(c)", "c)", "[C]"])
def test_choice_right_in_every_spelling(got):
    assert explain_choice("q", got, REASONS, right="c") is None
    assert explain_choice("q", got, dict.fromkeys("abcd", "")) is None


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        ("a", 'Choice "a" is not right. A is wrong because of this.'),
        (" B", 'Choice "b" is not right. B is wrong because of that.'),
        ("e", '`q` is \'e\', which is not one of the choices: set it to one letter, one of "a", "b", "c", "d".'),
        ("ac", '`q` is \'ac\', which is not one of the choices'),
        (3, '`q` should be one letter as a string, one of "a", "b", "c", "d", not an int.'),
        ("", "`q` is not set yet: set it to the letter of your choice"),
        (..., "`q` is not set yet: set it to the letter of your choice"),
    ],
)
def test_choice_mistakes(got, expected):
    assert message(explain_choice("q", got, REASONS, right="c")).startswith(expected)


def test_public_choice_check_judges_the_form_only():
    letters = dict.fromkeys("abcd", "")
    assert explain_choice("q", "a", letters) is None and explain_choice("q", "d", letters) is None
    assert message(explain_choice("q", "e", letters)).startswith("`q` is 'e', which is not one of the choices")


def test_choice_messages_never_name_the_right_letter():
    for got in ("a", "b", "d", "x", 1, ""):
        text = message(explain_choice("q", got, REASONS, right="c"))
        assert '"c"' not in text.replace('"a", "b", "c", "d"', "") and "'c'" not in text


# --- nothing gives the answer away ---------------------------------------------------------


def test_no_count_message_shows_the_expected_value():
    rng = np.random.default_rng(11)
    for n, b, e in unseen_count_cases(rng, 30, with_epochs=True):
        for quantity in ("batches", "last_batch", "updates"):
            want = expected_count(n, b, e, quantity)
            if want < 10:
                continue
            wrong = [*count_mistakes("c", n, b, e, quantity).values(), want + 3, want * 2]
            for got in wrong:
                text = message(explain_count("c", got, n, b, e, quantity))
                assert not re.search(rf"(?<![\d.]){want}(?![\d.])", text), (n, b, e, quantity, text)


def shows(value: int, text: str) -> bool:
    return re.search(rf"(?<![\d.]){value}(?![\d.])", text) is not None


def test_no_split_message_shows_the_expected_sizes():
    for n, split in unseen_split_cases(np.random.default_rng(12), 20):
        train, val = split_point(n, split), n - split_point(n, split)
        hidden = {v for v in (train, val) if v >= 10}
        for got in [(train - 1, val + 1), (train + 2, val - 2), (train, val + 5), (val, train)]:
            text = message(explain_split_sizes("s", got, n, split))
            assert not any(shows(v, text) for v in hidden if v not in got), (n, split, got, text)
        data = np.arange(n)
        for got in (data[train - 3 :], data[n - 2 :], data[train:][::-1], data[:val], data[: train - 1]):
            if not np.array_equal(got, data[train:]):
                text = message(explain_held_out("v", got, data, split))
                assert not any(shows(v, text) for v in hidden if v != len(got)), (n, split, len(got), text)
