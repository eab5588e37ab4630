"""Tests for autograder.feedback.counting and .choices: the arithmetic, each miscount named only when it alone gives
the value (on many inputs), the habits of a function across cases, and that no message shows the answer."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest

from autograder.feedback import Finding
from autograder.feedback.choices import explain_choice, letter_of
from autograder.feedback.compare import same
from autograder.feedback.counting import (
    EXACT,
    RULES,
    SPLIT_RULES,
    batches_needed,
    count_slips,
    describe_count_case,
    expected_count,
    explain_cases,
    explain_count,
    explain_count_function,
    explain_split_function,
    explain_split_sizes,
    split_point,
)


def message(finding: Finding | None) -> str:
    assert finding is not None, "expected a finding, got None"
    return finding.message


def shows(value: int, text: str) -> bool:
    return re.search(rf"(?<![\d.]){value}(?![\d.])", text) is not None


# (samples, batch_size, epochs): divisible, fewer samples than a batch, a little left over (round() agrees with
# floor), more than half a batch left over (round() agrees with ceil), exactly half, batch size 1, one full batch
TRIPLES = [
    (60000, 512, 20), (10, 4, 3), (8, 4, 5), (3, 10, 4), (7, 1, 2), (11, 4, 2), (9, 4, 7), (10, 4, 5),
    (1437, 16, 8), (1000, 7, 3), (33, 2, 6), (4096, 1024, 2), (513, 512, 9), (100, 30, 11), (999, 29, 3),
]
ROUNDING = [(n, b) for n, b, _ in TRIPLES if n % b and n > 2 * b]  # one full batch is also ceil(b / n)


# --- the arithmetic --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "batch_size", "epochs", "batches", "last", "updates"),
    [(60000, 512, 20, 118, 96, 2360), (10, 4, 3, 3, 2, 9), (8, 4, 5, 2, 4, 10), (3, 10, 4, 1, 3, 4),
     (7, 1, 2, 7, 1, 14)],
)
def test_expected_counts(n, batch_size, epochs, batches, last, updates):
    assert batches_needed(n, batch_size) == batches == expected_count(n, batch_size)
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

    rng = np.random.default_rng(3)
    for n, split in [(1797, 0.2), (10, 0.25), (7, 0.5), (1000, 0.1), (999, 0.33),
                     *[(int(rng.integers(20, 5000)), float(rng.choice([0.1, 0.15, 0.3, 0.35]))) for _ in range(8)]]:
        (train, _), _ = train_validation_split((np.arange(n), None), validation_split=split)
        assert split_point(n, split) == len(train), (n, split)


# --- one count: every miscount re-enacted, named only when it alone gives the value ------------------------------


@pytest.mark.parametrize(("n", "b", "e"), TRIPLES)
@pytest.mark.parametrize("quantity", ["batches", "last_batch", "updates"])
def test_a_named_miscount_always_reproduces_the_value(n, b, e, quantity):
    """On every input, a confirmed message is one that a slip giving exactly that value carries; when slips with
    different messages give it, nothing is named."""
    want = expected_count(n, b, e, quantity)
    slips = count_slips("c", n, b, e, quantity)
    for slip in slips:
        if same(slip.value, want, EXACT):
            continue
        finding = explain_count("c", slip.value, n, b, e, quantity)
        givers = {s.message for s in slips if same(slip.value, s.value, EXACT)}
        assert finding is not None
        if len(givers) == 1:
            assert finding.confirmed and finding.message == slip.message
        else:
            assert not finding.confirmed and finding.message not in givers


@pytest.mark.parametrize(("n", "b", "e"), TRIPLES)
@pytest.mark.parametrize("kind", [int, np.int64, np.int32, float, np.float32])
def test_right_counts_pass_in_any_number_type(n, b, e, kind):
    for quantity in ("batches", "last_batch", "updates"):
        assert explain_count("c", kind(expected_count(n, b, e, quantity)), kind(n), kind(b), kind(e), quantity) is None


@pytest.mark.parametrize(("n", "b"), ROUNDING)
def test_rounding_down_is_named_by_its_effect_whichever_function_did_it(n, b):
    for got in (n // b, int(n / b), math.floor(n / b), np.int64(n // b), float(n // b)):
        text = message(explain_count("c", got, n, b))
        assert "the number of full batches only" in text
        assert "//" not in text and "round()" not in text and "int()" not in text


@pytest.mark.parametrize(("n", "b"), ROUNDING)
def test_round_gives_floor_or_the_answer_and_is_never_blamed_on_one_value(n, b):
    got = round(n / b)
    finding = explain_count("c", got, n, b)
    if got == -(-n // b):
        assert finding is None
    else:
        assert "round()" not in message(finding) and "the number of full batches only" in message(finding)


@pytest.mark.parametrize(("n", "b", "e"), [t for t in TRIPLES if t[0] % t[1]])
def test_a_fraction_is_named_and_a_nearby_fraction_is_only_described(n, b, e):
    assert "a fraction, the samples divided by the batch size" in message(explain_count("c", n / b, n, b))
    near = explain_count("c", n / b + 0.1, n, b)
    assert not near.confirmed and "not a whole number" in message(near)


def test_adding_one_is_named_only_where_it_shows():
    assert message(explain_count("c", 3, 8, 4)).startswith("`c` is one more than the full batches, though")
    assert explain_count("c", 3, 10, 4) is None  # 10 // 4 + 1 is right: nothing to see
    assert "adds 1" not in message(explain_count("c", 4, 8, 4))


@pytest.mark.parametrize(("n", "b", "e"), [(60000, 512, 20), (1437, 16, 8), (1000, 7, 3), (100, 30, 11)])
def test_update_miscounts_are_named(n, b, e):
    per_epoch = batches_needed(n, b)
    cases = {
        e: "the number of epochs, as if each epoch made one update",
        per_epoch: "the updates of a single epoch",
        n // b * e: "the full batches of every epoch only",
        n * e: "one update per sample in every epoch",
        b * e: "the batch size times the epochs",
    }
    for got, effect in cases.items():
        assert message(explain_count("c", got, n, b, e, "updates")).startswith(f"`c` is {effect}.")
        assert message(explain_count("c", got, n, b, e, "updates", quote=True)).startswith(f"`c` is {got}, {effect}.")


def test_one_epoch_as_one_update_is_not_named_when_rounding_down_gives_it_too():
    # 5 samples in batches of 4 over 3 epochs: one full batch per epoch, so `epochs` and the full batches agree
    finding = explain_count("c", 3, 5, 4, 3, "updates")
    assert not finding.confirmed and "epochs" not in message(finding).split(".")[0]


def test_the_stream_miscount_and_its_near_miss():
    # 1437 samples, 16 per batch, 8 epochs: one stream of 11496 samples makes 719 batches, 90 per epoch make 720
    assert "run together as one stream" in message(explain_count("c", 719, 1437, 16, 8, "updates"))
    near = explain_count("c", 721, 1437, 16, 8, "updates")
    assert not near.confirmed and "stream" not in message(near)


def test_swapped_parameters_are_named_on_the_count_they_give():
    n, b, e = 1000, 7, 3
    swapped = batches_needed(n, e) * b
    assert "what swapping `batch_size` and `epochs` gives" in message(explain_count("c", swapped, n, b, e, "updates"))


@pytest.mark.parametrize(("got", "effect"), [
    (512, "the batch size, but the last batch is only partly filled"),
    (416, "how many samples the last batch is short of a full one"),
    (118, "the number of batches"),
    (60000, "all the samples"),
    (59904, "the samples in the full batches"),
    (0.1875, "a fraction of a batch"),
])
def test_last_batch_miscounts_are_named(got, effect):
    assert message(explain_count("c", got, 60000, 512, quantity="last_batch")).startswith(f"`c` is {effect}.")


def test_counts_are_compared_exactly():
    assert explain_count("c", 1200001, 60000, 512, 2, "updates") is not None
    assert explain_count("c", 236.0, 60000, 512, 2, "updates") is None


def test_public_mode_accepts_unknown_whole_numbers_but_not_fractions_text_or_non_answers():
    assert explain_count("c", 119, 60000, 512, check_values=False) is None
    assert "not a whole number" in message(explain_count("c", 118.5, 60000, 512, check_values=False))
    assert message(explain_count("c", "118", 60000, 512)).startswith("`c` should be a single number, but it is a str")
    assert message(explain_count("c", ..., 60000, 512)).startswith("`c` is not set yet")
    for quantity in ("batches", "last_batch", "updates"):
        for got in (0, -3, 0.0, np.int64(0)):
            text = message(explain_count("c", got, 60000, 512, 20, quantity, check_values=False))
            assert text.startswith(f"`c` is {got}, but ") and "at least" in text


def test_generic_wrong_count_gets_the_hint_and_shows_the_value_only_when_asked():
    hint = "A batch holds at most `batch_size` samples, and every sample is used once per epoch."
    assert message(explain_count("c", 119, 60000, 512)) == f"`c` is not the right count. {hint}"
    assert message(explain_count("c", 119, 60000, 512, quote=True)) == (
        f"`c` is 119, which is not the right value. {hint}")


def test_an_unquoted_message_never_shows_the_students_value():
    # 90 is the batches of one epoch here: the student's total updates may well be another answer of the question
    for got in (90, 97, 1437):
        finding = explain_count("total_updates", got, 1797, 16, 8, "updates", validation_split=0.2)
        assert str(got) not in message(finding)


def test_extra_slips_join_the_known_ones():
    assert message(explain_count("c", 64, 60000, 512, extra={"`c` counts the pixels.": 64})) == "`c` counts the pixels."


# --- counts over a validation split -------------------------------------------------------------------------


def test_validation_samples_counted_in_is_one_message_whichever_way_it_happened():
    # 1797 samples split 0.2: 90 training batches and 23 validation ones, 113 batches over all the samples alike
    for got, quantity in ((113, "batches"), (904, "updates")):
        text = message(explain_count("s", got, 1797, 16, 8, quantity, validation_split=0.2))
        assert text.startswith("`s` is a count with the validation samples included.")
    assert explain_count("s", 90, 1797, 16, validation_split=0.2) is None


def test_a_double_mistake_is_named_only_when_no_single_one_gives_the_value():
    text = message(explain_count("u", 11504, 1797, 16, 8, "updates", validation_split=0.2))
    assert text.startswith("`u` is one update per sample in every epoch, over a training part rounded up.")
    # 719 is one stream over the right training part, and also other mistakes over a part rounded up
    text = message(explain_count("u", 719, 1797, 16, 8, "updates", validation_split=0.2))
    assert "one stream" in text and "rounded up" not in text


def test_a_count_over_a_training_part_rounded_up_and_its_twin():
    # 1797 samples split 0.2 keep 1437 = 3 * 479: a training part of 1438 leaves 1 sample in a 4th batch
    assert message(explain_count("l", 1, 1797, 479, quantity="last_batch", validation_split=0.2)).startswith(
        "`l` is a count over a training part rounded up."
    )
    # a part rounded up shows in a count only when the batch size divides the right part evenly, and then adding
    # one batch per epoch gives the same count: neither is named
    finding = explain_count("u", 96, 999, 29, 3, "updates", validation_split=0.1)
    assert not finding.confirmed and "rounded up" not in message(finding) and "adding" not in message(finding)


# --- split sizes ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        ((8, 2), "`s` is a split whose training part is rounded up. Keras rounds the training part down"),
        ((3, 7), "`s` is the two parts in the wrong order."),
        ((7.5, 2.5), "`s` is a pair of fractions."),
        ((10, 3), "`s` is a split that counts all the samples as training."),
        ((6, 3), "`s` has parts that do not add up to the 10 samples."),
        (7, "`s` should be a pair (training samples, validation samples), not an int."),
        ((7, 2, 1), "`s` should be a pair (training samples, validation samples), not a tuple."),
    ],
)
def test_split_size_mistakes(got, expected):
    assert message(explain_split_sizes("s", got, 10, 0.25, check_values=False)).startswith(expected)


def test_split_sizes_right_generic_and_public():
    assert explain_split_sizes("s", (7, 3), 10, 0.25) is None
    assert explain_split_sizes("s", [np.int64(1437), 360], 1797, 0.2) is None
    assert explain_split_sizes("s", np.array([1437, 360]), 1797, 0.2) is None
    assert explain_split_sizes("s", (6, 4), 10, 0.25, check_values=False) is None
    assert message(explain_split_sizes("s", (6, 4), 10, 0.25)) == (
        "`s` splits the samples at another point than Keras does. Keras rounds the training part down and holds out "
        "every sample after it."
    )
    assert message(explain_split_sizes("s", (6, 3), 10, 0.25, quote=True)) == (
        "`s` is (6, 3), which has parts that do not add up to the 10 samples.")
    assert message(explain_split_sizes("s", (8, 2), 10, 0.25, quote=True)).startswith(
        "`s` is (8, 2), a split whose training part is rounded up.")
    assert message(explain_split_sizes("(a, b)", (8, 2), 10, 0.25)).startswith(
        "`(a, b)` is a split whose training part is rounded up.")  # a pair of names, not a call


@pytest.mark.parametrize(("n", "split"), [(10, 0.25), (1797, 0.2), (20, 0.33), (101, 0.3), (4999, 0.15)])
def test_rounding_a_split_the_other_way_is_one_effect_whichever_rounding(n, split):
    right = split_point(n, split)
    for train in (n - int(n * split), math.ceil(n * (1 - split)), round(n * (1 - split))):
        finding = explain_split_sizes("s", (train, n - train), n, split)
        if train == right:
            assert finding is None
        else:
            assert "a split whose training part is rounded up" in message(finding)
            assert "round()" not in message(finding)


# --- a student's function over several cases --------------------------------------------------------------------

PARTIAL = [(10, 4), (11, 4), (13, 4), (1000, 7), (1001, 7), (60000, 512)]  # remainders below and above half


def test_the_rounding_a_function_uses_shows_across_cases():
    floor = explain_count_function("f", lambda n, b: n // b, PARTIAL, "batches")
    assert message(floor).startswith("Tried on 6 unseen cases, `f` rounds the division down (as `//`, `int()`")
    nearest = explain_count_function("f", lambda n, b: round(n / b), PARTIAL, "batches")
    assert message(nearest).startswith("Tried on 6 unseen cases, `f` rounds the division to the nearest whole")
    assert floor.confirmed and nearest.confirmed


def test_when_the_cases_cannot_tell_the_roundings_apart_only_the_effect_is_named():
    small_rest = [(9, 4), (1003, 7), (60000, 512)]  # little left over: round() and // agree on every case
    for func in (lambda n, b: n // b, lambda n, b: round(n / b)):
        text = message(explain_count_function("f", func, small_rest, "batches"))
        assert text.startswith("On 3 of 3 unseen cases: `f(...)` returns the number of full batches only.")
        assert "//" not in text and "round()" not in text


@pytest.mark.parametrize("quantity", ["batches", "last_batch", "updates"])
def test_every_habit_is_named_on_mixed_cases_and_only_when_it_fits_every_case(quantity):
    cases = [(10, 4, 3), (8, 4, 5), (3, 10, 4), (1000, 7, 3), (1001, 7, 2), (4096, 1024, 2)]
    for rule in RULES[quantity]:
        def func(*case, rule=rule):
            return rule.count(*case)
        finding = explain_count_function("f", func, cases, quantity)
        values = [func(*c) for c in cases]
        if all(same(v, expected_count(*c, quantity=quantity), EXACT) for v, c in zip(values, cases, strict=True)):
            assert finding is None
            continue
        if finding.message.startswith("Tried on"):
            assert rule.described in finding.message
        # the same habit plus one stray answer is no longer that habit
        def stray(*case, func=func):
            return 999_999 if case == cases[0] else func(*case)
        assert rule.described not in message(explain_count_function("f", stray, cases, quantity))


def test_shown_inputs_name_the_call_and_its_value():
    finding = explain_count_function("f", lambda n, b: n // b, [(8, 4), (10, 4)], "batches", show_inputs=True)
    assert message(finding).startswith("`f(10, 4)` is 2, the number of full batches only.")
    habit = explain_count_function("f", lambda n, b: n % b, [(10, 4), (8, 4)], "last_batch", show_inputs=True)
    assert message(habit).startswith("`f(8, 4)` is 0: `f` returns the remainder, which is 0 when the batch size")


def test_cases_that_disagree_on_the_cause_are_described_without_one():
    def odd(n, b):
        return n // b if n < 1000 else n / b
    text = message(explain_count_function("f", odd, PARTIAL, "batches"))
    assert text == ("On unseen case 1 of 6 (the last batch is only partly filled): `f(...)` returned 2, which is not "
                    "the right answer.")


def test_a_cause_seen_on_one_case_only_is_named_for_that_case():
    def one_off(n, b):
        return -(-n // b) if n != 1000 else n // b
    assert message(explain_count_function("f", one_off, PARTIAL, "batches")).startswith(
        "On unseen case 4 of 6 (the last batch is only partly filled): `f(...)` returns the number of full batches")


def test_unseen_messages_never_show_the_inputs():
    for func in (lambda n, b: n // b, lambda n, b: n + b, lambda n, b: None, lambda n, b: 1 / 0):
        text = message(explain_count_function("f", func, [(1001, 7), (60000, 512)], "batches"))
        assert not any(shows(v, text) for v in (1001, 7, 60000, 512))


def test_calls_that_fail():
    cases = [(10, 4)]
    assert message(explain_count_function("f", None, cases, "batches")) == (
        "`f` is not defined yet: run the cell that defines it.")
    assert message(explain_count_function("f", 3, cases, "batches")).startswith(
        "`f` should be a function defined with `def f(...)`, but it is an int.")
    assert message(explain_count_function("f", lambda n, b: None, cases, "batches", show_inputs=True)).startswith(
        "`f(10, 4)` returned None")
    text = message(explain_count_function("f", lambda n, b: n / 0, cases, "batches"))
    assert text.startswith("On unseen case 1 of 1 (the last batch is only partly filled): `f(...)` raised "
                           "ZeroDivisionError")


def test_explain_cases_takes_any_judge():
    def judge(call, got, a, *, quote):
        return None if got == a else Finding("values", f"`{call}` is off.")

    assert explain_cases("g", lambda a: a, [(1,), (2,)], judge) is None
    assert message(explain_cases("g", lambda a: a + 1, [(1,)], judge, show_inputs=True)) == "`g(1)` is off."


@pytest.mark.parametrize(("case", "kind"), [((8, 4), "the batch size divides the samples evenly"),
                                            ((3, 10), "fewer samples than one batch"),
                                            ((10, 4, 2), "the last batch is only partly filled")])
def test_describe_count_case(case, kind):
    assert describe_count_case(case) == kind


SPLITS = [(10, 0.25), (20, 0.33), (33, 0.2), (101, 0.3), (1797, 0.2), (4999, 0.15), (250, 0.35)]


def test_split_functions_show_their_rounding_across_cases():
    def val_down(n, s):
        return n - int(n * s), int(n * s)

    def nearest(n, s):
        return round(n * (1 - s)), n - round(n * (1 - s))

    assert "as rounding the validation part down (`int(n * validation_split)`) does" in message(
        explain_split_function("g", val_down, SPLITS))
    assert "rounds a part to the nearest whole number (as `round()` does)" in message(
        explain_split_function("g", nearest, SPLITS))
    # on the question's examples the two roundings agree: only the effect
    shown = message(explain_split_function("g", val_down, [(10, 0.25), (7, 0.5)], show_inputs=True))
    assert shown.startswith("`g(10, 0.25)` is (8, 2), a split whose training part is rounded up.")
    assert "int(" not in shown
    assert explain_split_function("g", lambda n, s: (split_point(n, s), n - split_point(n, s)), SPLITS) is None


def test_split_habits_fit_only_their_own_function():
    for rule in SPLIT_RULES:
        finding = explain_split_function("g", lambda n, s, rule=rule: rule.count(n, s), SPLITS)
        assert finding is not None and rule.described in finding.message


# --- nothing gives the answer away --------------------------------------------------------------------------


def test_no_count_message_shows_the_expected_value():
    rng = np.random.default_rng(11)
    triples = [(int(rng.integers(1, 5000)), int(rng.integers(8, 1025)), int(rng.integers(2, 51))) for _ in range(30)]
    for (n, b, e), quantity in itertools.product(triples + TRIPLES, ("batches", "last_batch", "updates")):
        want = expected_count(n, b, e, quantity)
        if want < 10:
            continue
        for got in [*(s.value for s in count_slips("c", n, b, e, quantity)), want + 3, want * 2]:
            finding = explain_count("c", got, n, b, e, quantity)
            assert finding is None or not shows(want, finding.message), (n, b, e, quantity, finding)


def test_no_split_message_shows_the_expected_sizes():
    rng = np.random.default_rng(12)
    for n, split in [(int(rng.integers(20, 5000)), float(rng.choice([0.1, 0.2, 0.3, 0.35]))) for _ in range(20)]:
        train, val = split_point(n, split), n - split_point(n, split)
        hidden = {v for v in (train, val) if v >= 10}
        for got in [(train - 1, val + 1), (train + 2, val - 2), (train, val + 5), (val, train), (train + 1, val - 1)]:
            text = message(explain_split_sizes("s", got, n, split))
            assert not any(shows(v, text) for v in hidden if v not in got), (n, split, got, text)


# --- multiple choice -------------------------------------------------------------------------------------------

REASONS = {"a": "A is wrong because of this.", "b": "B is wrong because of that.", "d": "D is wrong too."}


@pytest.mark.parametrize("got", ["c", "C", " c ", "(c)", "c)", "[C]"])
def test_choice_right_in_every_spelling(got):
    assert letter_of(got) == "c"
    assert explain_choice("q", got, REASONS, right="c") is None
    assert explain_choice("q", got, dict.fromkeys("abcd", "")) is None


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        ("a", 'Choice "a" is not right. A is wrong because of this.'),
        (" B", 'Choice "b" is not right. B is wrong because of that.'),
        ("e", '`q` is \'e\', which is not one of the choices: set it to one letter, one of "a", "b", "c", "d".'),
        ("ac", "`q` is 'ac', which is not one of the choices"),
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
