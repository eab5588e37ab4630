"""Counting batches, last batches, weight updates and validation splits, with the miscounts re-enacted.

A count goes wrong in a few typical ways: rounded the wrong way or not at all, one epoch taken for one update,
samples counted instead of batches, validation batches counted as updates, parameters swapped. Each miscount is
a :class:`Rule`, computed from the same inputs as the answer, and a message names one only when it alone gives
the student's value. Rounding functions often agree (`//`, `int()` and `round()` all give 2 for 10 / 4),
so one value is described by what it counts ("the number of full batches only"); a student's function tried on
several cases can show which rounding it uses (:func:`explain_cases`). Pure arithmetic: no Keras, no lab facts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from .calls import attempt, prefetch
from .compare import Options, a_type, as_number, as_sequence, same, show
from .ladder import explain
from .slips import Slip, Slips, as_slips, common_cause, matches

QUANTITIES = ("batches", "last_batch", "updates")
EXACT = Options(rtol=0.0, atol=1e-9)
"""Counts are compared exactly: a relative tolerance would let 1200001 pass for 1200000."""


def batches_needed(n: int, batch_size: int) -> int:
    """Batches in one pass over ``n`` samples: the last one may be only partly filled."""
    return -(-int(n) // int(batch_size))


def split_point(n: int, validation_split: float) -> int:
    """Training samples ``fit(validation_split=...)`` keeps: Keras splits at ``floor(n * (1 - validation_split))``.

    The same float arithmetic as keras 3 (``array_slicing.train_validation_split``); the samples from this index
    on are the validation data.
    """
    return math.floor(int(n) * (1.0 - float(validation_split)))


def expected_count(n: int, batch_size: int, epochs: int | None = None, quantity: str = "batches") -> int:
    """The right answer: batches per epoch, samples in the last batch, or weight updates over all ``epochs``."""
    batches = batches_needed(n, batch_size)
    if quantity == "batches":
        return batches
    if quantity == "last_batch":
        return int(n) - (batches - 1) * int(batch_size)
    if quantity == "updates":
        if epochs is None:
            raise ValueError("counting updates needs the number of epochs")
        return batches * int(epochs)
    raise ValueError(f"quantity must be one of {QUANTITIES}, not {quantity!r}")


@dataclass(frozen=True)
class Rule:
    """One way of getting an answer wrong, re-enacted as a function of one case's inputs."""

    effect: str
    """What a value made this way is, read after "`x` is 117, ...": true whichever tool made it."""
    fix: str
    count: Callable[..., Any]
    """The wrong answer on one case's inputs, the arguments the student's function gets."""
    habit: str = ""
    """What a function that always answers this way does, once several cases show it; "returns <effect>" if empty."""

    @property
    def described(self) -> str:
        return self.habit or f"returns {self.effect}"

    def slip(self, name: str, case: Sequence[Any], quote: bool = False) -> Slip | None:
        """The slip this rule makes on ``case``; ``quote`` shows the value, for calls whose inputs are shown (the
        student's own value may equal another answer of the question, and one message must fit several cases)."""
        try:
            value = self.count(*case)
        except (ArithmeticError, TypeError, ValueError):
            return None
        verb = "returns" if _CALL.fullmatch(name) else "is"
        said = f"`{name}` is {show(value)}, {self.effect}." if quote else f"`{name}` {verb} {self.effect}."
        return Slip(f"{said} {self.fix}", value)


_CALL = re.compile(r"[\w.]+\(.*\)")  # a call, `f(...)`: what it returns

_FULL = "the number of full batches only"
_FULL_FIX = "The samples left over make one more, smaller batch, and Keras trains on it too: round the division up."
_DOWN = ("rounds the division down (as `//`, `int()` and `math.floor` do), which leaves out the last, partly filled "
         "batch")
_NEAR = ("rounds the division to the nearest whole number (as `round()` does), which leaves out the last batch "
         "whenever less than half a batch is left over")
_PLUS_FIX = "Only leftover samples make an extra batch: round the division up instead of adding 1."

BATCH_RULES = (
    Rule("a fraction, the samples divided by the batch size", "Batches come whole, and the leftover samples make "
         "one more, smaller batch: round the division up.", lambda n, b, *_: n / b),
    Rule(_FULL, _FULL_FIX, lambda n, b, *_: n // b, _DOWN),
    Rule(_FULL, _FULL_FIX, lambda n, b, *_: round(n / b), _NEAR),
    Rule(_FULL, _FULL_FIX, lambda n, b, *_: math.floor(n / b + 0.5), _NEAR),
    Rule("one more than the full batches, though the batch size divides the samples evenly and nothing is left "
         "over", _PLUS_FIX, lambda n, b, *_: n // b + 1,
         "adds 1 to the full batches even when the batch size divides the samples evenly"),
    Rule("the number of samples", "A batch holds up to `batch_size` samples, not one: divide by the batch size.",
         lambda n, b, *_: n),
    Rule("what dividing the batch size by the samples gives", "Divide the samples by the batch size, and check the "
         "order of the parameters.", lambda n, b, *_: -(-b // n)),
)
"""Miscounts of the batches in one epoch over ``n`` samples."""

_LEFT = "The last batch holds the samples left over after the full batches, or is a full batch when none are left."
_FILLED = "the batch size, but the last batch is only partly filled"

LAST_BATCH_RULES = (
    Rule("the remainder `n % batch_size`, which is 0 when the batch size divides the samples evenly", "Then nothing "
         "is left over, and the last batch is a full one.", lambda n, b, *_: n % b,
         "returns the remainder, which is 0 when the batch size divides the samples evenly"),
    Rule(_FILLED, _LEFT, lambda n, b, *_: b, "always returns the batch size"),
    Rule(_FILLED, _LEFT, lambda n, b, *_: b if n >= b else n,
         "returns a full batch whenever there are at least `batch_size` samples"),
    Rule("how many samples the last batch is short of a full one", "Give how many samples it holds instead.",
         lambda n, b, *_: b - n % b),
    Rule("a fraction of a batch", "Give the number of samples in the last batch, a whole number.",
         lambda n, b, *_: (n % b) / b),
    Rule("the number of batches", "The question asks how many samples the last batch holds.",
         lambda n, b, *_: batches_needed(n, b)),
    Rule("all the samples", "The full batches before the last one take most of them.", lambda n, b, *_: n),
    Rule("the samples in the full batches", _LEFT, lambda n, b, *_: n // b * b),
)
"""Miscounts of the samples in the last batch of an epoch."""

_EPOCH_FULL = "the full batches of every epoch only"
_EPOCH_FULL_FIX = "Each epoch's last, partly filled batch is an update too: round the batches per epoch up."
_STREAM_FIX = ("Every epoch starts with a fresh batch and ends with its own partly filled one: count the batches of "
               "one epoch, then multiply by the epochs.")
_EPOCHS_DOWN = ("rounds the batches of each epoch down (as `//`, `int()` and `math.floor` do), which leaves out every "
                "epoch's last, partly filled batch")
_EPOCHS_NEAR = ("rounds the batches of each epoch to the nearest whole number (as `round()` does), which leaves out "
                "the last batch of every epoch whenever less than half a batch is left over")

UPDATE_RULES = (
    Rule("the number of epochs, as if each epoch made one update", "An epoch is one pass over all the samples, and "
         "the weights change once per batch: count the batches of an epoch, then multiply by the epochs.",
         lambda n, b, e: e),
    Rule("the updates of a single epoch", "Multiply by the number of epochs.", lambda n, b, e: batches_needed(n, b)),
    Rule(_EPOCH_FULL, _EPOCH_FULL_FIX, lambda n, b, e: n // b * e, _EPOCHS_DOWN),
    Rule(_EPOCH_FULL, _EPOCH_FULL_FIX, lambda n, b, e: round(n / b) * e, _EPOCHS_NEAR),
    Rule(_EPOCH_FULL, _EPOCH_FULL_FIX, lambda n, b, e: math.floor(n / b + 0.5) * e, _EPOCHS_NEAR),
    Rule("unrounded, the samples divided by the batch size times the epochs", "Count whole batches per epoch "
         "(rounded up), then multiply by the epochs.", lambda n, b, e: n / b * e),
    Rule("the batches of all the epochs' samples run together as one stream", _STREAM_FIX,
         lambda n, b, e: batches_needed(n * e, b)),
    Rule("the full batches of all the epochs' samples run together as one stream", _STREAM_FIX,
         lambda n, b, e: n * e // b),
    Rule("one update per sample in every epoch", "Keras updates the weights once per batch, not once per sample.",
         lambda n, b, e: n * e),
    Rule("the number of samples", "The weights change once per batch, in every epoch.", lambda n, b, e: n),
    Rule("the batch size times the epochs", "Count batches, not samples.", lambda n, b, e: b * e),
    Rule("what swapping `batch_size` and `epochs` gives", "Check the order of the parameters: the samples, the "
         "batch size, then the epochs.", lambda n, b, e: batches_needed(n, e) * b,
         "takes the batch size for the epochs and the epochs for the batch size"),
    Rule("one batch more per epoch than the full ones, though the batch size divides the samples evenly",
         _PLUS_FIX, lambda n, b, e: (n // b + 1) * e,
         "adds 1 to the full batches of each epoch even when the batch size divides the samples evenly"),
)
"""Miscounts of the weight updates of ``epochs`` epochs over ``n`` samples."""

RULES = {"batches": BATCH_RULES, "last_batch": LAST_BATCH_RULES, "updates": UPDATE_RULES}

_WITH_VALIDATION = "a count with the validation samples included"
_VALIDATION_FIX = ("With `validation_split`, only the training samples are dealt into the batches that update the "
                   "weights; the validation samples are only measured after each epoch.")


_PARTS = (
    ("with the validation samples included", _VALIDATION_FIX, lambda n, split: n),
    ("over a training part rounded up", "Keras rounds the training part down and validates on every sample after it.",
     lambda n, split: n - math.floor(n * split)),
    ("over the validation samples only", "The weights are updated on the training samples: count those.",
     lambda n, split: n - split_point(n, split)),
)
"""Samples a count over a validation split may wrongly be taken over: (how, fix, samples)."""

_HINTS = {
    "batches": "A batch holds at most `batch_size` samples, and every sample is used once per epoch.",
    "last_batch": "The last batch holds the samples that are left after all the full batches.",
    "updates": "The weights are updated once per batch, in every epoch.",
}
_AT_LEAST_ONE = {
    "batches": "an epoch over at least one sample always has at least one batch.",
    "last_batch": "the last batch of an epoch always holds at least one sample.",
    "updates": "a run of at least one epoch updates the weights at least once per epoch.",
}


def count_slips(name: str, n: int, batch_size: int, epochs: int | None = None, quantity: str = "batches", *,
                validation_split: float | None = None, quote: bool = False, combined: bool = False) -> list[Slip]:
    """Every miscount of ``quantity`` re-enacted on these inputs (those equal to the answer are ignored later).

    With ``validation_split``, ``n`` is every sample and the count is over the training part Keras keeps; a
    count over the wrong samples (all of them, a part rounded up, the validation ones) is a miscount too.
    ``combined`` gives instead the double mistakes: a miscount made over the wrong samples.
    """
    n, b = int(n), int(batch_size)
    e = None if epochs is None else int(epochs)
    rules = RULES[quantity]
    n_train = split_point(n, validation_split) if validation_split is not None else n
    if combined:
        return [] if validation_split is None else _combined(name, n, b, e, quantity, validation_split, quote)
    found = [r.slip(name, (n_train, b, e), quote) for r in rules]
    if validation_split is not None:
        for over, fix, samples in _PARTS:
            m = samples(n, validation_split)
            if m > 0:
                found.append(Rule(f"a count {over}", fix, lambda m=m: expected_count(m, b, e, quantity))
                             .slip(name, (), quote))
        if quantity != "last_batch":
            both = batches_needed(n_train, b) + batches_needed(n - n_train, b)
            found.append(Rule(_WITH_VALIDATION, _VALIDATION_FIX, lambda: both * (e or 1)).slip(name, (), quote))
    return [s for s in found if s is not None]


def _combined(name: str, n: int, b: int, e: int | None, quantity: str, split: float, quote: bool) -> list[Slip]:
    """A miscount over the wrong samples, when both mistakes show in the value."""
    n_train = split_point(n, split)
    found = []
    for over, fix, samples in _PARTS:
        m = samples(n, split)
        if m <= 0 or m == n_train:
            continue
        for rule in _rules_showing(quantity, (m, b, e), (n_train, b, e)):
            found.append(Rule(f"{rule.effect}, {over}", f"{fix} {rule.fix}", rule.count).slip(name, (m, b, e), quote))
    return [s for s in found if s is not None]


def _rules_showing(quantity: str, case: tuple, other: tuple) -> list[Rule]:
    """The rules that change the count on ``case`` and give another value than on ``other``."""
    right = expected_count(*case, quantity=quantity)
    shown = []
    for rule in RULES[quantity]:
        try:
            value = rule.count(*case)
            if value != right and value != rule.count(*other):
                shown.append(rule)
        except (ArithmeticError, TypeError, ValueError):
            continue
    return shown


def explain_count(name: str, got: Any, n: int, batch_size: int, epochs: int | None = None,
                  quantity: str = "batches", *, validation_split: float | None = None, check_values: bool = True,
                  extra: Slips = None, quote: bool = False) -> Finding | None:
    """None when ``got`` is the right count, else the most specific true Finding.

    ``quantity`` is ``"batches"`` (per epoch), ``"last_batch"`` (its size) or ``"updates"`` (over all
    ``epochs``). With ``validation_split``, ``n`` is every sample and the count is over the training part Keras
    keeps; a double mistake (a miscount over the wrong samples) is considered only when no single one gives the
    value. ``check_values=False`` (public checks) rejects only re-enacted miscounts, counts below one and values
    that are not whole; ``extra`` adds slips of the check's own. ``quote`` shows the student's value (see
    :meth:`Rule.slip`).
    """
    n_train = split_point(n, validation_split) if validation_split is not None else int(n)
    want = expected_count(n_train, batch_size, epochs, quantity)
    settings = {"validation_split": validation_split, "quote": quote}
    slips = [*count_slips(name, n, batch_size, epochs, quantity, **settings), *as_slips(extra)]
    if not matches(got, [s for s in slips if not same(s.value, want, EXACT)], EXACT):
        slips = count_slips(name, n, batch_size, epochs, quantity, combined=True, **settings)
    number = as_number(got)
    real = isinstance(number, (int, float, np.integer, np.floating))
    if real and number <= 0 < want and not matches(got, slips, EXACT):
        return Finding(FindingCode.VALUES, f"`{name}` is {show(got)}, but {_AT_LEAST_ONE[quantity]}")
    finding = explain(name, got, want, candidates=slips, check_values=check_values, rtol=EXACT.rtol,
                      atol=EXACT.atol, hint=_HINTS[quantity])
    return finding if quote else unquoted(finding, name, f"is not the right count. {_HINTS[quantity]}")


def unquoted(finding: Finding | None, name: str, says: str) -> Finding | None:
    """A generic wrong-value finding without the student's value, which may be another answer of the question."""
    if finding is None or finding.confirmed or finding.code != FindingCode.VALUES or finding.message.startswith(
            "The cell that sets"):
        return finding
    return Finding(finding.code, f"`{name}` {says}", finding.where)


# --- validation_split ---------------------------------------------------------------------------------------

_UP = "a split whose training part is rounded up"
_UP_FIX = "Keras rounds the training part down and holds out every sample after it."
_ROUND_PART = ("rounds a part to the nearest whole number (as `round()` does), which gives a training part rounded "
               "up whenever its fraction is one half or more")


SPLIT_RULES = (
    Rule(_UP, _UP_FIX, lambda n, s: (n - math.floor(n * s), math.floor(n * s)),
         "rounds the training part up, as rounding the validation part down (`int(n * validation_split)`) does"),
    Rule(_UP, _UP_FIX, lambda n, s: (round(n * (1 - s)), n - round(n * (1 - s))), _ROUND_PART),
    Rule(_UP, _UP_FIX, lambda n, s: (n - round(n * s), round(n * s)), _ROUND_PART),
    Rule("the two parts in the wrong order", "Give (training samples, validation samples), in that order.",
         lambda n, s: (n - split_point(n, s), split_point(n, s))),
    Rule("a pair of fractions", f"Sample counts are whole. {_UP_FIX}",
         lambda n, s: (n * (1 - s), n * s)),
    Rule("a split that counts all the samples as training", "The validation samples are taken out of them.",
         lambda n, s: (n, n - split_point(n, s))),
)
"""Miscounts of ``(training samples, validation samples)`` for ``fit(validation_split=...)``."""


def explain_split_sizes(name: str, got: Any, n: int, validation_split: float, *, check_values: bool = True,
                        quote: bool = False) -> Finding | None:
    """``got`` should be (training samples, validation samples) as ``fit(validation_split=...)`` splits ``n``.

    Re-enacted: each part rounded the other way (named by effect: "a training part rounded up"), the parts
    swapped, fractions, all samples as training. Otherwise it says whether the parts add up to ``n``.
    """
    n = int(n)
    train = split_point(n, validation_split)
    want = (train, n - train)
    if got is None or got is Ellipsis:
        return explain(name, got, want)
    items = as_sequence(got)
    if items is None or len(items) != 2:
        return Finding(FindingCode.TYPE,
                       f"`{name}` should be a pair (training samples, validation samples), not {a_type(got)}.")
    slips = [s for r in SPLIT_RULES if (s := r.slip(name, (n, validation_split), quote))]
    finding = explain(name, got, want, candidates=slips, check_values=check_values, rtol=EXACT.rtol,
                      atol=EXACT.atol)
    if finding is not None and (finding.confirmed or finding.code != FindingCode.VALUES):
        return finding
    if finding is None and check_values:
        return None
    numbers = [as_number(v) for v in items]
    said = f"`{name}` is {show(tuple(items))}, which" if quote else f"`{name}`"
    if None not in numbers and sum(numbers) != n:
        return Finding(FindingCode.SUM, f"{said} has parts that do not add up to the {n} "
                       "samples.")
    if finding is None:
        return None
    return Finding(FindingCode.VALUES, f"{said} splits the samples at another point than Keras does. {_UP_FIX}")


# --- the student's functions, called on shown or unseen cases --------------------------------------------------


def describe_count_case(case: Sequence[Any]) -> str:
    """What makes a (samples, batch_size, ...) case special, without its numbers."""
    n, b = int(case[0]), int(case[1])
    if n % b == 0:
        return "the batch size divides the samples evenly"
    if n < b:
        return "fewer samples than one batch"
    return "the last batch is only partly filled"


def explain_cases(name: str, func: Any, cases: Sequence[tuple], judge: Callable[..., Finding | None], *,
                  rules: Sequence[Rule] = (), show_inputs: bool = False,
                  describe: Callable[[tuple], str] | None = None) -> Finding | None:
    """Call ``func(*case)`` on every case; judge each result with ``judge(call, got, *case, quote=show_inputs)``.

    A cause is named only when it fits every case: a ``rule`` that gives the student's value on all of them
    (the one whose habit it is), or else one confirmed finding shared by every wrong case. Otherwise the first
    wrong case is described. With ``show_inputs`` messages name the call (``f(10, 4)``); otherwise they say
    "on unseen case 2 of 6" (with ``describe``'s kind of case) and never show the inputs.
    """
    if func is None or func is Ellipsis or not callable(func):
        return attempt(name, func)[1]
    prefetch(func, cases)
    results, findings = [], []
    for number, case in enumerate(cases, start=1):
        call = _call(name, case) if show_inputs else f"{name}(...)"
        got, failed = attempt(call, func, *case)
        if failed is not None:
            return _at(failed, "" if show_inputs else _where(number, cases, describe))
        results.append(got)
        findings.append(judge(call, got, *case, quote=show_inputs))
    wrong = [i for i, f in enumerate(findings) if f is not None]
    if not wrong:
        return None
    first = wrong[0]
    rule = _habit(results, cases, rules)
    if rule is not None:
        lead = (f"`{_call(name, cases[first])}` is {show(results[first])}: " if show_inputs
                else f"Tried on {len(cases)} unseen cases, ")
        return Finding(FindingCode.CANDIDATE, f"{lead}`{name}` {rule.described}. {rule.fix}", confirmed=True)
    if show_inputs:
        return findings[first]
    where = _where(first + 1, cases, describe)
    common = common_cause(findings)
    if common is not None:
        lead = where if len(wrong) == 1 else f"On {len(wrong)} of {len(cases)} unseen cases: "
        return _at(common, lead)
    if findings[first].confirmed:
        return Finding(FindingCode.VALUES, f"{where}`{name}(...)` returned {show(results[first])}, which is not "
                       "the right answer.")
    return _at(findings[first], where)


def _habit(results: list, cases: Sequence[tuple], rules: Sequence[Rule]) -> Rule | None:
    """The one habit that reproduces every result, right ones included."""
    fitting = []
    for rule in rules:
        try:
            fits = all(same(got, rule.count(*case), EXACT) for got, case in zip(results, cases, strict=True))
        except (ArithmeticError, TypeError, ValueError):
            fits = False
        if fits:
            fitting.append(rule)
    return fitting[0] if len({r.described for r in fitting}) == 1 else None


def _call(name: str, case: Sequence[Any]) -> str:
    return f"{name}({', '.join(show(c) for c in case)})"


def _where(number: int, cases: Sequence[tuple], describe: Callable[[tuple], str] | None) -> str:
    kind = f" ({describe(cases[number - 1])})" if describe else ""
    return f"On unseen case {number} of {len(cases)}{kind}: "


def _at(finding: Finding, lead: str) -> Finding:
    return Finding(finding.code, lead + finding.message, finding.where, finding.confirmed)


def explain_count_function(name: str, func: Any, cases: Sequence[tuple], quantity: str, *,
                           show_inputs: bool = False) -> Finding | None:
    """Check a counting function on (samples, batch_size[, epochs]) cases; see :func:`explain_count`."""

    def judge(call: str, got: Any, *case: int, quote: bool) -> Finding | None:
        return explain_count(call, got, *case, quantity=quantity, quote=quote)

    return explain_cases(name, func, cases, judge, rules=RULES[quantity], show_inputs=show_inputs,
                         describe=describe_count_case)


def explain_split_function(name: str, func: Any, cases: Sequence[tuple], *,
                           show_inputs: bool = False) -> Finding | None:
    """Check a ``f(n, validation_split) -> (train, val)`` function; see :func:`explain_split_sizes`."""

    def judge(call: str, got: Any, n: int, validation_split: float, *, quote: bool) -> Finding | None:
        return explain_split_sizes(call, got, n, validation_split, quote=quote)

    return explain_cases(name, func, cases, judge, rules=SPLIT_RULES, show_inputs=show_inputs)
