"""Recognise mistakes in batch and epoch arithmetic and in the settings of a training run.

Counting batches looks easy and goes wrong in a handful of typical ways: rounding down instead of
up, leaving a fraction, taking one epoch for one weight update, counting per epoch or per sample,
splitting off validation data from the wrong end, or swapping ``epochs`` and ``batch_size`` in
``fit``. Each recogniser here builds those wrong answers from the inputs and names the one the
student's value matches, falling back on :func:`autograder.feedback.explain`.

NumPy and the standard library only: no Keras. A Keras ``History`` arrives in checks as a record
with ``history``, ``params`` and ``epoch``; a callback as a record of its data attributes (in the
student's own kernel, where public checks run, they are the live objects). Messages may show the
student's own values and the task's inputs, never the expected answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from autograder.model import FindingCode
from autograder.transport import Record

from .ladder import Finding, explain

__all__ = [
    "CASE_KINDS",
    "KERAS_DEFAULT_BATCH_SIZE",
    "batches_needed",
    "count_mistakes",
    "describe_count_case",
    "expected_count",
    "explain_calls",
    "explain_choice",
    "explain_count",
    "explain_count_function",
    "explain_counter",
    "explain_counter_trace",
    "explain_fit_params",
    "explain_held_out",
    "explain_history",
    "explain_split_function",
    "explain_split_sizes",
    "explain_tried_counter",
    "split_point",
    "unseen_count_cases",
    "unseen_counter_run",
    "unseen_split_cases",
]

KERAS_DEFAULT_BATCH_SIZE = 32
"""What ``fit`` uses when no ``batch_size`` is given."""

QUANTITIES = ("batches", "last_batch", "updates")
_HINTS = {
    "batches": "A batch holds at most `batch_size` samples, and every sample is used once per epoch.",
    "last_batch": "The last batch holds the samples that are left after all the full batches.",
    "updates": "The weights are updated once per batch, in every epoch.",
}

# --- the arithmetic ---------------------------------------------------------------------


def batches_needed(n: int, batch_size: int) -> int:
    """Batches in one pass over ``n`` samples: the last one may be only partly filled."""
    return -(-int(n) // int(batch_size))


def split_point(n: int, validation_split: float) -> int:
    """Training samples Keras keeps: it splits at ``floor(n * (1 - validation_split))``.

    Same float arithmetic as keras 3 (``array_slicing.train_validation_split``); the samples from
    this index on are the validation data.
    """
    return math.floor(int(n) * (1.0 - float(validation_split)))


def expected_count(n: int, batch_size: int, epochs: int | None = None, quantity: str = "batches") -> int:
    """The right answer: batches per epoch, size of the last batch, or weight updates in all."""
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


# --- counts -------------------------------------------------------------------------------

_AT_LEAST_ONE = {
    "batches": "an epoch over at least one sample always has at least one batch.",
    "last_batch": "the last batch of an epoch always holds at least one sample.",
    "updates": "a run of at least one epoch updates the weights at least once per epoch.",
}


def _fmt(value: Any) -> str:
    """A number as the student would print it."""
    return repr(float(value)) if isinstance(value, float) else str(value)


def _batch_count_mistakes(name: str, n: int, b: int) -> list[tuple[str, Any]]:
    floor, frac = n // b, n / b
    return [
        (
            f"`{name}` is {_fmt(frac)}, a fraction, as `n / batch_size` gives: batches come whole, and the "
            "leftover samples make one more, smaller batch. Round up to a whole number (`math.ceil`).",
            frac,
        ),
        (
            f"`{name}` is {floor}, as `n // batch_size` gives: floor division drops the last, partly filled "
            "batch. Keras still trains on the leftover samples in one smaller batch, so round up instead.",
            floor,
        ),
        (
            f"`{name}` is {floor + 1}, one batch too many when the batch size divides the samples evenly: "
            "then nothing is left over. Adding 1 to `n // batch_size` is not rounding up; use `math.ceil`.",
            floor + 1,
        ),
        (
            f"`{name}` is {round(frac)}, as rounding `n / batch_size` to the nearest whole number gives: "
            "that rounds down when less than half a batch is left over, yet every sample needs a batch.",
            round(frac),
        ),
        (f"`{name}` is {n}, the number of samples: a batch holds up to `batch_size` samples, not one.", n),
        (
            f"`{name}` is {-(-b // n)}, as dividing the batch size by the samples gives: divide the number of "
            "samples by the batch size. Check the order of the parameters, too.",
            -(-b // n),
        ),
    ]


def _last_batch_mistakes(name: str, n: int, b: int) -> list[tuple[str, Any]]:
    rest = n % b
    zero = (
        f"`{name}` is 0, as `n % batch_size` gives when the batch size divides the samples evenly: then "
        "nothing is left over and the last batch is a full one."
    )
    return [
        *([(zero, 0)] if rest == 0 else []),
        (
            f"`{name}` is {b}, the batch size, but the samples do not fill the last batch: it holds only "
            "the samples left over after the full batches.",
            b,
        ),
        (
            f"`{name}` is {b - rest}, the number of samples the last batch is short of a full one: give how "
            "many samples it holds instead.",
            b - rest,
        ),
        (f"`{name}` is {_fmt(rest / b)}, a fraction of a batch: give the number of samples in it.", rest / b),
        (
            f"`{name}` is {batches_needed(n, b)}, the number of batches: the question asks how many samples "
            "the last batch holds.",
            batches_needed(n, b),
        ),
        (f"`{name}` is {n}, all the samples: the full batches before the last one take most of them.", n),
    ]


def _update_mistakes(name: str, n: int, b: int, epochs: int) -> list[tuple[str, Any]]:
    per_epoch = batches_needed(n, b)
    return [
        (
            f"`{name}` is {epochs}, the number of epochs, as if one epoch made one update. An epoch is one "
            "pass over all the samples, and the weights change once per batch: many updates per epoch.",
            epochs,
        ),
        (f"`{name}` is {per_epoch}, the updates of a single epoch: multiply by the number of epochs.", per_epoch),
        (
            f"`{name}` is {n // b * epochs}, as `n // batch_size` batches per epoch give: floor division "
            "drops the last, partly filled batch of every epoch. Round the batches per epoch up.",
            n // b * epochs,
        ),
        (
            f"`{name}` is {_fmt(n / b * epochs)}, a fraction: count whole batches per epoch (round up), "
            "then multiply by the epochs.",
            n / b * epochs,
        ),
        (
            f"`{name}` is {-(-n * epochs // b)}, as if the epochs ran together as one stream of samples. "
            "Each epoch starts a fresh batch and ends with its own partly filled one: count the batches "
            "of one epoch, then multiply by the epochs.",
            -(-n * epochs // b),
        ),
        (
            f"`{name}` is {n * epochs}, one update per sample in every epoch: Keras updates the weights "
            "once per batch, not once per sample.",
            n * epochs,
        ),
        (f"`{name}` is {n}, the number of samples: the weights change once per batch, in every epoch.", n),
        (f"`{name}` is {b * epochs}, the batch size times the epochs: count batches, not samples.", b * epochs),
    ]


def count_mistakes(
    name: str, n: int, batch_size: int, epochs: int | None = None, quantity: str = "batches"
) -> dict[str, Any]:
    """Known wrong answers for a count, as ``{message: wrong value}``, most telling first.

    Wrong answers that happen to equal the right one for these inputs (rounding down when the batch
    size divides evenly, say) are left out, and so are repeats of an earlier value.
    """
    n, b = int(n), int(batch_size)
    want = expected_count(n, b, epochs, quantity)
    if quantity == "batches":
        pairs = _batch_count_mistakes(name, n, b)
    elif quantity == "last_batch":
        pairs = _last_batch_mistakes(name, n, b)
    else:
        pairs = _update_mistakes(name, n, b, int(epochs))  # type: ignore[arg-type]
    found: dict[str, Any] = {}
    seen: list[Any] = [want]
    for message, value in pairs:
        if not any(np.isclose(value, other, rtol=0, atol=1e-9) for other in seen):
            found[message] = value
            seen.append(value)
    return found


def _split_count_mistakes(
    name: str, n: int, batch_size: int, epochs: int | None, quantity: str, validation_split: float
) -> dict[str, Any]:
    """Counting over all samples, or over a training part rounded the wrong way."""
    whole = expected_count(n, batch_size, epochs, quantity)
    rounded = expected_count(n - int(n * validation_split), batch_size, epochs, quantity)
    return {
        f"`{name}` is {whole}, a count over all the samples: with `validation_split`, fit trains only on the "
        "training part, so count its samples instead.": whole,
        f"`{name}` is {rounded}, a count over a training part rounded the wrong way: Keras keeps "
        "`int(n * (1 - validation_split))` training samples.": rounded,
    }


def explain_count(
    name: str,
    got: Any,
    n: int,
    batch_size: int,
    epochs: int | None = None,
    quantity: str = "batches",
    *,
    validation_split: float | None = None,
    check_values: bool = True,
    extra: Mapping[str, Any] | None = None,
) -> Finding | None:
    """None when ``got`` is the right count, else a Finding naming the likely mistake.

    ``quantity`` is ``"batches"`` (per epoch), ``"last_batch"`` (its size) or ``"updates"`` (over
    all ``epochs``). With ``validation_split``, ``n`` is every sample and the count is over the
    training part Keras keeps. ``check_values=False`` (public checks) only rejects known mistakes
    and answers that are not whole numbers; ``extra`` adds candidates of the check's own.
    """
    n_train = split_point(n, validation_split) if validation_split is not None else int(n)
    want = expected_count(n_train, batch_size, epochs, quantity)
    candidates = count_mistakes(name, n_train, batch_size, epochs, quantity)
    if validation_split is not None:
        candidates.update(_split_count_mistakes(name, int(n), batch_size, epochs, quantity, validation_split))
    candidates.update(extra or {})
    candidates = {m: v for m, v in candidates.items() if not np.isclose(v, want, rtol=0, atol=1e-9)}
    number = _as_count(got)
    known = number is not None and any(np.isclose(number, v, rtol=0, atol=1e-9) for v in candidates.values())
    if number is not None and number <= 0 < want and not known:
        return Finding(FindingCode.VALUES, f"`{name}` is {_fmt(got)}, but {_AT_LEAST_ONE[quantity]}")
    return explain(name, got, want, candidates=candidates, check_values=check_values, hint=_HINTS[quantity])


# --- the student's functions, called on given or unseen inputs ----------------------------


Judge = Callable[..., "Finding | None"]


def explain_calls(
    name: str,
    func: Any,
    cases: Sequence[tuple],
    judge: Judge,
    *,
    show_inputs: bool = False,
    describe: Callable[[tuple], str] | None = None,
) -> Finding | None:
    """Call ``func(*case)`` for each case and judge the result with ``judge(call, got, *case)``.

    Returns the first Finding. With ``show_inputs`` the message names the call, as in
    ``batches_per_epoch(10, 4)``; otherwise it says "on unseen case 2 of 6", plus what kind of
    case it was when ``describe`` is given, and never the inputs.
    """
    if func is None or func is Ellipsis:
        return Finding(FindingCode.MISSING, f"`{name}` is not defined yet: run the cell that defines it.")
    if not callable(func):
        return Finding(FindingCode.TYPE,
            f"`{name}` should be a function defined with `def {name}(...)`, not {_a(func)}.")
    for number, case in enumerate(cases, start=1):
        call = f"{name}({', '.join(_fmt(c) for c in case)})" if show_inputs else f"{name}(...)"
        kind = f" ({describe(case)})" if describe else ""
        where = "" if show_inputs else f"On unseen case {number} of {len(cases)}{kind}: "
        try:
            got = func(*case)
        except Exception as error:  # a probe's StudentFunctionError says which call failed and why
            return Finding(FindingCode.RAISED, f"{where or f'`{call}`: '}{error}")
        if got is None:
            return Finding(FindingCode.RETURNED_NONE,
                f"{where}`{call}` returned None: give the answer back with a `return` statement."
            )
        finding = judge(call, got, *case)
        if finding is not None:
            return Finding(finding.code, where + finding.message)
    return None


def _a(thing: Any) -> str:
    type_name = type(thing).__name__
    return f"{'an' if type_name[:1].lower() in 'aeiou' else 'a'} {type_name}"


def describe_count_case(case: tuple) -> str:
    """What makes a (samples, batch_size, ...) case special, without its numbers."""
    n, b = int(case[0]), int(case[1])
    if n % b == 0:
        return "the batch size divides the samples evenly"
    if n < b:
        return "fewer samples than one batch"
    return "the last batch is only partly filled"


def explain_count_function(
    name: str, func: Any, cases: Sequence[tuple], quantity: str, *, show_inputs: bool = False
) -> Finding | None:
    """Check a counting function on (samples, batch_size[, epochs]) cases; see :func:`explain_count`."""

    def judge(call: str, got: Any, *case: int) -> Finding | None:
        return explain_count(call, got, *case, quantity=quantity)

    return explain_calls(name, func, cases, judge, show_inputs=show_inputs, describe=describe_count_case)


CASE_KINDS = ("divisible", "small", "partial")
"""Kinds of counting case: the batch size divides the samples evenly, fewer samples than one batch,
and a partly filled last batch."""


def unseen_count_cases(
    rng: np.random.Generator, count: int = 6, *, with_epochs: bool = False, kinds: Sequence[str] | None = None
) -> list[tuple]:
    """(samples, batch_size[, epochs]) cases for hidden checks, from the check's own seeded ``rng``.

    By default mixes the three kinds of case that catch different mistakes (see ``CASE_KINDS``); with
    ``kinds``, one case of each kind listed (in a shuffled order), so that a check can give the
    typical case and the edge cases their own points.
    """
    if kinds is None:
        kinds = ["divisible", "small", "partial", "partial", "divisible", "partial"]
        kinds = [kinds[i % len(kinds)] for i in range(count)]
    elif any(kind not in CASE_KINDS for kind in kinds):
        raise ValueError(f"kinds must be among {CASE_KINDS}, not {list(kinds)}")
    cases = []
    for kind in rng.permutation(kinds):
        b = int(rng.integers(8, 1025))
        if kind == "divisible":
            n = b * int(rng.integers(2, 300))
        elif kind == "small":
            n = int(rng.integers(1, b))
        else:
            n = b * int(rng.integers(1, 200)) + int(rng.integers(1, b))
        cases.append((n, b, int(rng.integers(2, 51))) if with_epochs else (n, b))
    return cases


# --- validation_split -------------------------------------------------------------------


def _split_mistakes(n: int, validation_split: float) -> list[tuple[str, Any]]:
    train = split_point(n, validation_split)
    val_down = int(n * validation_split)  # rounding to the nearest gives this or the right answer
    return [
        (
            "rounds the validation part down (`int(n * validation_split)`). Keras rounds the training part "
            "down instead: it keeps `int(n * (1 - validation_split))` samples, and validation gets the rest.",
            (n - val_down, val_down),
        ),
        ("has the two parts the wrong way round: give (training samples, validation samples).", (n - train, train)),
        (
            "holds fractions: sample counts are whole. Keras keeps `int(n * (1 - validation_split))` samples "
            "for training.",
            (n * (1 - validation_split), n * validation_split),
        ),
        ("counts all the samples as training: the validation samples are taken out of them.", (n, n - train)),
    ]


def explain_split_sizes(
    name: str, got: Any, n: int, validation_split: float, *, check_values: bool = True
) -> Finding | None:
    """``got`` should be (training samples, validation samples) as ``fit(validation_split=...)`` splits.

    Recognises rounding the wrong way (or to the nearest), swapped parts, fractions, and parts that
    do not add up to ``n``.
    """
    n = int(n)
    want = (split_point(n, validation_split), n - split_point(n, validation_split))
    if got is None or got is Ellipsis:
        return explain(name, got, want)
    items = list(got) if isinstance(got, (tuple, list, np.ndarray)) and np.ndim(got) == 1 else []
    if len(items) != 2:
        return Finding(FindingCode.TYPE,
            f"`{name}` should be a pair (training samples, validation samples), not {_a(got)}.")
    candidates = {}
    for message, value in _split_mistakes(n, validation_split):
        if value != want and value not in candidates.values():
            candidates[f"`{name}` is {_fmt_pair(value)}: it {message}"] = value
    finding = explain(name, got, want, candidates=candidates, check_values=check_values)
    if finding is not None and finding.code != "values":
        return finding  # a known mistake, or not whole numbers
    if finding is None and check_values:
        return None
    if sum(items) != n:
        return Finding(FindingCode.SUM,
            f"`{name}` is {_fmt_pair(items)}, whose parts do not add up to the {n} samples.")
    if finding is None:
        return None
    return Finding(FindingCode.VALUES,
        f"`{name}` is {_fmt_pair(items)}, which splits the samples at another point than Keras does: it keeps "
        "`int(n * (1 - validation_split))` samples for training and holds out the rest.",
    )


def _fmt_pair(pair: Sequence[Any]) -> str:
    return "(" + ", ".join(_fmt(v) for v in pair) + ")"


def explain_split_function(
    name: str, func: Any, cases: Sequence[tuple], *, show_inputs: bool = False
) -> Finding | None:
    """Check a ``f(n, validation_split) -> (train, val)`` function; see :func:`explain_split_sizes`."""

    def judge(call: str, got: Any, n: int, validation_split: float) -> Finding | None:
        return explain_split_sizes(call, got, n, validation_split)

    return explain_calls(name, func, cases, judge, show_inputs=show_inputs)


def unseen_split_cases(rng: np.random.Generator, count: int = 6) -> list[tuple[int, float]]:
    """(samples, validation_split) cases whose split falls between two samples, never on one.

    Every right rule agrees on those, and rounding the wrong way always shows.
    """
    splits = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
    cases: list[tuple[int, float]] = []
    while len(cases) < count:
        n, split = int(rng.integers(20, 5001)), float(rng.choice(splits))
        if 0.05 < (n * (1.0 - split)) % 1 < 0.95:
            cases.append((n, split))
    return cases


def explain_held_out(
    name: str, got: Any, data: Any, validation_split: float, *, check_values: bool = True
) -> Finding | None:
    """``got`` should be the samples ``fit(validation_split=...)`` holds out of ``data``: the last ones.

    Recognises samples from the start, the training part, a split rounded the wrong way and a
    shuffled order. ``check_values=False`` accepts any block that ends at the last sample.
    """
    data = np.asarray(data)
    n = len(data)
    cut, wrong_cut = split_point(n, validation_split), n - int(n * validation_split)
    want = data[cut:]
    if got is None or got is Ellipsis or not isinstance(got, np.ndarray):
        return explain(name, got, want, check_values=check_values)
    start = "holds the first samples: Keras holds out the last fraction of the samples, taken before any shuffling."
    candidates = {
        f"`{name}` {start}": data[: n - cut],
        f"`{name}` holds the training part, the samples before the split point: validation is the rest.": data[:cut],
        f"`{name}` {start} Its size is rounded the wrong way, too.": data[: n - wrong_cut],
        f"`{name}` rounds the validation part down: Keras keeps `int(n * (1 - validation_split))` samples for "
        "training and holds out all the rest.": data[wrong_cut:],
    }
    for message, wrong in candidates.items():
        if got.shape == wrong.shape and not np.array_equal(wrong, want) and np.array_equal(got, wrong):
            return Finding(FindingCode.CANDIDATE, message)
    finding = _block(name, got, data)
    if finding is not None or not check_values or len(got) == len(want):
        return finding
    return Finding(FindingCode.SIZE,
        f"`{name}` holds the last {len(got)} samples, but that is not how many Keras holds out: it keeps "
        "`int(n * (1 - validation_split))` samples for training and holds out all the rest.",
    )


def _block(name: str, got: np.ndarray, data: np.ndarray) -> Finding | None:
    """Which rows of ``data`` ``got`` holds: its start, its end, its end shuffled, or something else."""
    if got.shape[1:] != data.shape[1:] or not 0 < len(got) <= len(data):
        return Finding(FindingCode.SHAPE,
            f"`{name}` has shape {got.shape}: it should be some rows of the data, all columns.")
    if got.dtype != data.dtype:
        return Finding(FindingCode.DTYPE,
            f"`{name}` has dtype {got.dtype.name}: slice the data itself, it is {data.dtype}.")
    tail = data[len(data) - len(got) :]
    if np.array_equal(got, tail):
        return None
    if np.array_equal(got, data[: len(got)]):
        return Finding(FindingCode.FROM_START,
            f"`{name}` holds the first samples: Keras holds out the last fraction of the samples, "
            "taken before any shuffling.",
        )
    if np.array_equal(np.sort(got, axis=0), np.sort(tail, axis=0)):
        return Finding(FindingCode.SHUFFLED, f"`{name}` holds the last samples, but shuffled: keep their order.")
    return Finding(FindingCode.VALUES,
        f"`{name}` is not the last samples of the data: slice them off its end, in order.")


# --- a training run: History, fit settings, a batch-counting callback -------------------------


def explain_history(name: str, history: Any, *, validation: bool = False) -> Finding | None:
    """``history`` should be the History that ``model.fit`` returns; with validation, ``val_`` entries."""
    if history is None or history is Ellipsis:
        return Finding(FindingCode.MISSING,
            f"`{name}` is not set yet: keep what fit returns, `{name} = model.fit(...)`.")
    if isinstance(history, dict):
        return Finding(FindingCode.TYPE,
            f"`{name}` is a dict, perhaps `history.history`: keep the History object that `model.fit` "
            "returns, which also carries `.params` and `.epoch`.",
        )
    if callable(history):
        return Finding(FindingCode.TYPE,
            f"`{name}` is a function, perhaps `model.fit` itself: call it and keep the result.")
    logs, params = getattr(history, "history", None), getattr(history, "params", None)
    if not isinstance(logs, dict) or not isinstance(params, dict):
        return Finding(FindingCode.TYPE,
            f"`{name}` should be the History that `model.fit(...)` returns, not {_a(history)}.")
    if not _is_keras_history(history):
        return Finding(FindingCode.TYPE,
            f"`{name}` is {_kind_of(history)} with `history` and `params` attributes, not the History that "
            f"`model.fit` returns: train the model and keep what fit returns, `{name} = model.fit(...)`.",
        )
    if not any(len(values) for values in logs.values()):
        return Finding(FindingCode.EMPTY, f"`{name}` recorded no epoch: did `fit` train for at least one epoch?")
    if validation and not any(key.startswith("val_") for key in logs):
        return Finding(FindingCode.NO_VALIDATION,
            f"`{name}` has no validation entries such as `val_loss`: pass `validation_split=` to `fit`.",
        )
    return None


_HISTORY_TYPE = "keras.callbacks.History"
"""The type name a Keras History record carries (``protocol.HistoryRecord.TYPE_NAME``)."""


def _type_name(value: Any) -> str:
    """``module.Class`` of a student's object, read from its record when it crossed as data."""
    if isinstance(value, Record):
        return value.type_name
    return f"{type(value).__module__}.{type(value).__qualname__}"


def _kind_of(value: Any) -> str:
    """'a SimpleNamespace', 'a BatchCounter': the class of a student's object, for a sentence."""
    short = _type_name(value).rsplit(".", 1)[-1]
    return f"{'an' if short[:1].lower() in 'aeiou' else 'a'} {short}"


def _is_keras_history(value: Any) -> bool:
    if isinstance(value, Record):
        return value.type_name == _HISTORY_TYPE
    return any(c.__name__ == "History" and c.__module__.startswith("keras") for c in type(value).__mro__)


def _from_notebook(value: Any) -> bool:
    """Whether the object is an instance of a class the notebook itself defines."""
    return _type_name(value).startswith("__main__.")


def _fit_settings_mistakes(
    epochs: int, batch_size: int, n_samples: int, n_train: int
) -> list[tuple[tuple[int, int], str]]:
    """(epochs, steps) that ``history.params`` shows after typical slips, with what each one means."""
    swapped = (
        "`epochs` and `batch_size` are swapped in `fit`. Pass both by name, "
        "`model.fit(x, y, epochs=..., batch_size=...)`: by position, `fit` takes `batch_size` before `epochs`."
    )
    default_batch = f"`batch_size` was not given, so Keras used its default of {KERAS_DEFAULT_BATCH_SIZE}."
    no_split = "`fit` trained on all the samples: pass `validation_split=` so that it holds some out."
    found = [
        ((batch_size, batches_needed(n_train, epochs)), swapped),
        ((epochs, batches_needed(n_train, KERAS_DEFAULT_BATCH_SIZE)), default_batch),
        ((1, batches_needed(n_train, batch_size)), "`epochs` was not given, so Keras trained for 1 epoch."),
    ]
    if n_train != n_samples:
        found += [
            ((batch_size, batches_needed(n_samples, epochs)), f"{swapped} {no_split}"),
            ((epochs, batches_needed(n_samples, batch_size)), no_split),
            ((epochs, batches_needed(n_samples, KERAS_DEFAULT_BATCH_SIZE)), f"{no_split} {default_batch}"),
        ]
    return found


def explain_fit_params(
    history_params: Any, epochs: int, batch_size: int, n_samples: int, *, validation_split: float | None = None
) -> Finding | None:
    """Read ``history.params`` ('epochs', 'steps' per epoch) back into the settings ``fit`` got.

    ``n_samples`` is what was passed to ``fit``; with ``validation_split`` it trains on Keras's
    training part of them. Recognises ``epochs`` and ``batch_size`` swapped, defaults left in place
    (1 epoch, batch size 32) and a forgotten ``validation_split``.
    """
    if not isinstance(history_params, dict):
        return Finding(FindingCode.TYPE,
            "`history.params` is missing: keep the History object that `model.fit` returns.")
    n_train = split_point(n_samples, validation_split) if validation_split else int(n_samples)
    got = (history_params.get("epochs"), history_params.get("steps"))
    want = (int(epochs), batches_needed(n_train, batch_size))
    if got == want:
        return None
    shows = f"`history.params` shows {got[0]} epochs of {got[1]} batches: "
    for settings, message in _fit_settings_mistakes(int(epochs), int(batch_size), int(n_samples), n_train):
        if settings == got and settings != want:
            return Finding(FindingCode.FIT_SETTINGS, shows + message)
    if got[0] != want[0]:
        return Finding(FindingCode.EPOCHS, shows + "train for the number of epochs the task asks for, with `epochs=`.")
    return Finding(FindingCode.STEPS,
        shows + "that many batches per epoch does not fit the batch size and the training samples asked for. "
        "Check `batch_size=` and `validation_split=`.",
    )


def _counter_mistakes(name: str, label: str, epochs: int, steps: int, val_steps: int | None) -> dict[str, int]:
    """Totals a batch-counting callback reaches when it counts the wrong thing, ``{message: total}``."""
    pairs = [
        (
            0,
            f"`{label}` is 0: `on_train_batch_end` never ran. Check the method's spelling and that `fit` got "
            f"`callbacks=[{name}]`.",
        ),
        (epochs, f"`{label}` counts epochs: count in `on_train_batch_end`, which runs after every batch."),
        (steps, f"`{label}` holds the batches of one epoch only: keep adding 1 across epochs, never reset it."),
        (steps - 1, f"`{label}` is the index of the last batch, which restarts at 0 every epoch: add 1 per batch."),
        (epochs * steps * (steps - 1) // 2, f"`{label}` adds up the `batch` indices: add 1 per batch instead."),
        (2 * epochs * steps, f"`{label}` counted two fits: create a new counter right before each `fit`."),
    ]
    if val_steps:
        message = (
            f"`{label}` counts validation batches too: count only in `on_train_batch_end`, not in `on_test_batch_end`."
        )
        pairs.append((epochs * (steps + int(val_steps)), message))
    return {message: value for value, message in pairs if value != epochs * steps}


def explain_counter(
    name: str,
    counter: Any,
    epochs: int,
    steps: int,
    *,
    attr: str = "batches",
    val_steps: int | None = None,
    run_params: Mapping[str, Any] | None = None,
) -> Finding | None:
    """``counter.<attr>`` should count every training batch of a fit: ``epochs * steps``.

    Recognises a callback that never ran, that counts epochs, one epoch's batches, batch indices or
    validation batches too (given ``val_steps``), and one that saw two fits. With ``run_params``
    (the ``history.params`` of the run it should have watched), ``counter`` must also be an
    instance of a class the notebook defines that took part in that very fit: Keras hands every
    callback of a fit the run's ``params``, so a stand-in object or a counter that was never passed
    to ``fit`` is caught even when its count was typed in by hand.
    """
    label = f"{name}.{attr}"
    if counter is None or counter is Ellipsis:
        return Finding(FindingCode.MISSING,
            f"`{name}` is not set yet: create it from your callback class and pass it to fit.")
    if run_params is not None:
        finding = _took_part(name, counter, run_params)
        if finding is not None:
            return finding
    got = getattr(counter, attr, None)
    if got is None:
        return Finding(FindingCode.ATTRIBUTE,
            f"`{name}` has no `{attr}` attribute: set `self.{attr} = 0` in `__init__` and add 1 to it in "
            "`on_train_batch_end`.",
        )
    epochs, steps = int(epochs), int(steps)
    candidates = _counter_mistakes(name, label, epochs, steps, val_steps)
    return explain(label, got, epochs * steps, candidates=candidates, hint="Add 1 in `on_train_batch_end`.")


def _took_part(name: str, counter: Any, run_params: Mapping[str, Any]) -> Finding | None:
    """None when ``counter`` is a notebook-defined callback that was among the callbacks of the run."""
    if not _from_notebook(counter):
        return Finding(FindingCode.TYPE,
            f"`{name}` is {_kind_of(counter)}: it should be an instance of your callback class, "
            f"`{name} = BatchCounter()`, passed to `fit` with `callbacks=[{name}]`.",
        )
    params = getattr(counter, "params", None)
    if not isinstance(params, dict) or not params:
        return Finding(FindingCode.ATTRIBUTE,
            f"`{name}` never took part in a fit: when training starts, Keras hands every callback in "
            f"`callbacks=[...]` the run's settings (`{name}.params`), and `{name}` has none. Pass "
            f"`callbacks=[{name}]` to the fit whose result you keep, and do not replace `{name}` afterwards.",
        )
    if dict(params) != dict(run_params):
        return Finding(FindingCode.FIT_SETTINGS,
            f"`{name}` watched another fit than the one whose result is in `history` (`{name}.params` and "
            f"`history.params` differ): create the counter, pass it to that fit, and keep what it returns.",
        )
    return None


# --- a batch-counting callback run by a fresh fit at grading time ---------------------------------


def unseen_counter_run(rng: np.random.Generator) -> tuple[int, int, int, float]:
    """(samples, batch_size, epochs, validation_split) for a small fit that tests a counting callback.

    The training part never divides evenly (its last batch is partly filled), every epoch has at
    least three training batches and one validation batch, and there are at least two epochs, so
    that each typical miscount leaves a different trace.
    """
    while True:
        n = int(rng.integers(24, 73))
        batch_size = int(rng.integers(3, 9))
        split = float(rng.choice((0.2, 0.25)))
        n_train = split_point(n, split)
        if n_train % batch_size and batches_needed(n_train, batch_size) >= 3 and n - n_train >= 1:
            return n, batch_size, int(rng.integers(2, 4)), split


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _trace_mistakes(epochs: int, steps: int, val_steps: int) -> list[tuple[list[int], str]]:
    """Traces (the count after each training batch) that typical miscounting callbacks leave."""
    positions = [(e, k) for e in range(epochs) for k in range(steps)]
    sums, total = [], 0
    for _, k in positions:
        total += k
        sums.append(total)
    return [
        ([e for e, _ in positions], "counts epochs, not batches: it only goes up when an epoch ends. Count in "
         "`on_train_batch_end`, which runs after every batch."),
        ([e + 1 for e, _ in positions], "counts epochs, not batches: it goes up once when each epoch begins. Count "
         "in `on_train_batch_end`, which runs after every batch."),
        ([k + 1 for _, k in positions], "starts again from 1 in every epoch: keep adding 1 across epochs, never "
         "reset it (the `batch` argument restarts at 0 in each epoch, so do not copy it)."),
        ([k for _, k in positions], "holds the `batch` argument, the batch's position within its epoch: add 1 to "
         "the count instead."),
        (sums, "adds up the `batch` indices: add 1 per batch instead."),
        ([e * steps + k + 1 + e * val_steps for e, k in positions], "also counts the validation batches that run "
         "after each epoch: count only in `on_train_batch_end`, not in `on_test_batch_end`."),
        ([2 * (e * steps + k + 1) for e, k in positions], "goes up by 2 per training batch: count in one "
         "method only, `on_train_batch_end`."),
    ]


def explain_counter_trace(
    name: str, trace: Any, epochs: int, steps: int, *, val_steps: int = 0, attr: str = "batches"
) -> Finding | None:
    """``trace``: ``counter.<attr>`` read after every training batch of a fresh fit; it must be 1, 2, 3, ...

    A count that never moves (typed in, set once from ``self.params``, or a method Keras never
    calls), counts of epochs, per-epoch counts, batch indices and their sums, validation batches
    counted too, and a count that goes up twice per batch each get their own message. Messages
    describe the run ("the 2nd epoch"), never its settings.
    """
    label = f"`{attr}` of a new `{name}`"
    epochs, steps, val_steps = int(epochs), int(steps), int(val_steps)
    want = list(range(1, epochs * steps + 1))
    if not isinstance(trace, (list, tuple)) or len(trace) != len(want):
        return Finding(FindingCode.LENGTH,
            f"The fresh fit that tests `{name}` did not report one count per training batch: run the cell "
            "that defines `try_counter` as it is given.",
        )
    if any(v is None for v in trace):
        return Finding(FindingCode.ATTRIBUTE,
            f"A new `{name}` has no `{attr}` attribute while it trains: set `self.{attr} = 0` in `__init__` "
            f"and add 1 to it in `on_train_batch_end`.",
        )
    if any(_as_count(v) is None for v in trace):
        shown = next(v for v in trace if _as_count(v) is None)
        return Finding(FindingCode.TYPE, f"During a fresh fit, {label} was {shown!r}: it should be a count, a number.")
    got = [_as_count(v) for v in trace]
    if got == want:
        return None
    if len(set(got)) == 1:
        if got[0] == 0:
            return Finding(FindingCode.VALUES,
                f"In a fresh fit, {label} stayed 0 through every training batch: Keras never called your counting "
                "method. Name it exactly `on_train_batch_end(self, batch, logs=None)` and add 1 there.",
            )
        return Finding(FindingCode.VALUES,
            f"In a fresh fit, {label} stayed {_fmt(got[0])} from the first training batch to the last: it must go "
            "up by 1 after every batch, as it happens. A number typed in, or worked out once from `self.params`, "
            "does not count the batches.",
        )
    for trace_of, message in _trace_mistakes(epochs, steps, val_steps):
        if got == trace_of and trace_of != want:
            return Finding(FindingCode.CANDIDATE, f"In a fresh fit, {label} {message}")
    first = next(i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w)
    epoch, batch = divmod(first, steps)
    return Finding(FindingCode.VALUES,
        f"In a fresh fit, {label} was {_fmt(got[first])} after the {_ordinal(batch + 1)} training batch of the "
        f"{_ordinal(epoch + 1)} epoch: it should start at 0 and go up by exactly 1 after every training batch, "
        "across all the epochs.",
    )


def _as_count(value: Any) -> int | float | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return int(number) if number.is_integer() else number
    return None


def explain_tried_counter(
    name: str, result: Any, n: int, batch_size: int, epochs: int, validation_split: float
) -> Finding | None:
    """Judge what ``try_counter(n, batch_size, epochs, validation_split)`` reported about the student's class.

    ``result`` is ``{"after_each_batch": [...], "params": history.params}`` of a fresh fit with a new
    instance of the class; see :func:`explain_counter_trace`.
    """
    n_train = split_point(n, validation_split)
    steps, val_steps = batches_needed(n_train, batch_size), batches_needed(int(n) - n_train, batch_size)
    if not isinstance(result, dict) or "after_each_batch" not in result or "params" not in result:
        return Finding(FindingCode.TYPE,
            f"`try_counter` did not report what a new `{name}` counted: run its cell as it is given.")
    params = result["params"] if isinstance(result["params"], dict) else {}
    if (params.get("epochs"), params.get("steps")) != (int(epochs), steps):
        return Finding(FindingCode.FIT_SETTINGS,
            "`try_counter` did not train with the settings it was given: run its cell as it is given.")
    return explain_counter_trace(name, result["after_each_batch"], epochs, steps, val_steps=val_steps)


# --- multiple choice ---------------------------------------------------------------------------


def _letter(got: Any) -> str | None:
    """A choice as the student may write it: "c", "C", " c ", "(c)", "c)"; None for anything else."""
    if not isinstance(got, str):
        return None
    text = got.strip().strip("().[]").strip().lower()
    return text if len(text) == 1 and text.isalpha() else None


def explain_choice(
    name: str, got: Any, reasons: Mapping[str, str], right: str | None = None
) -> Finding | None:
    """A multiple-choice answer: one letter, as a string.

    ``reasons`` maps each wrong letter to why that choice is wrong; ``right`` is the right letter.
    Without ``right`` (public checks) only the form is checked: one of the letters. A wrong choice's
    message explains that choice only, never which letter is right.
    """
    letters = sorted({*reasons, *([right] if right else [])})
    listed = ", ".join(f'"{letter}"' for letter in letters)
    if got is None or got is Ellipsis or (isinstance(got, str) and not got.strip()):
        return Finding(FindingCode.MISSING,
            f"`{name}` is not set yet: set it to the letter of your choice, as a string such as `\"a\"`.")
    letter = _letter(got)
    if not isinstance(got, str):
        return Finding(FindingCode.TYPE,
            f"`{name}` should be one letter as a string, one of {listed}, not {_a(got)}.")
    if letter not in letters:
        return Finding(FindingCode.VALUES,
            f"`{name}` is {got!r}, which is not one of the choices: set it to one letter, one of {listed}.")
    if right is None or letter == right:
        return None
    return Finding(FindingCode.CANDIDATE, f"Choice \"{letter}\" is not right. {reasons[letter]}")
