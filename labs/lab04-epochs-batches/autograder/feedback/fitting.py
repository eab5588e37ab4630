"""A training run as Keras records it: the settings ``fit`` ran with, a batch-counting callback, the held-out block.

``history.params`` holds the epochs and batches per epoch of a run; re-enacting a fit with other settings
(``epochs`` and ``batch_size`` swapped, either left at its default, no ``validation_split``) names a slip only
when it gives both numbers. A counting callback is judged by its total after the run, and by its trace through
a fresh fit (its count after every training batch), which shows how it counts. The samples
``validation_split`` holds out are the last ones. NumPy only: a History or a callback arrives as a record in
the check process, and as the live object in the student's kernel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode
from autograder.transport import Opaque, Record

from .compare import Options
from .counting import EXACT, batches_needed, split_point
from .exceptions import unset
from .ladder import explain
from .slips import Slip, confirmed

KERAS_DEFAULT_BATCH_SIZE = 32
"""What ``fit`` uses when no ``batch_size`` is given."""
KERAS_DEFAULT_EPOCHS = 1
"""What ``fit`` trains for when no ``epochs`` is given."""

_SWAPPED = ("`epochs` and `batch_size` are swapped: by position, `fit(x, y, ...)` takes `batch_size` before `epochs`. "
            "Pass both by name, `epochs=...` and `batch_size=...`.")
_DEFAULT_BATCH = (f"That is what batches of {KERAS_DEFAULT_BATCH_SIZE} samples give, the size `fit` uses when it gets "
                  "no `batch_size`: pass `batch_size=`.")
_DEFAULT_EPOCHS = "`fit` ran a single epoch, what it does when it gets no `epochs`: pass `epochs=`."
_NO_SPLIT = "`fit` trained on all the samples, none held out: pass `validation_split=` so that it holds some out."


def fit_settings_slips(epochs: int, batch_size: int, n_samples: int,
                       validation_split: float | None = None) -> list[Slip]:
    """The (epochs, steps) ``history.params`` shows after each way of passing the wrong settings to ``fit``."""
    n_train = split_point(n_samples, validation_split) if validation_split else int(n_samples)
    settings = [
        ("", epochs, batch_size),
        (_SWAPPED, batch_size, epochs),
        (_DEFAULT_BATCH, epochs, KERAS_DEFAULT_BATCH_SIZE),
        (_DEFAULT_EPOCHS, KERAS_DEFAULT_EPOCHS, batch_size),
        (f"{_DEFAULT_EPOCHS} {_DEFAULT_BATCH}", KERAS_DEFAULT_EPOCHS, KERAS_DEFAULT_BATCH_SIZE),
    ]
    samples = [("", n_train)] + ([(_NO_SPLIT, int(n_samples))] if n_train != int(n_samples) else [])
    slips = []
    for split_text, trained in samples:
        for settings_text, ran, size in settings:
            message = " ".join(t for t in (settings_text, split_text) if t)
            if message:
                slips.append(Slip(message, (int(ran), batches_needed(trained, size)), FindingCode.FIT_SETTINGS))
    return slips


def explain_fit_params(history_params: Any, epochs: int, batch_size: int, n_samples: int, *,
                       validation_split: float | None = None) -> Finding | None:
    """Read ``history.params`` (``epochs``, ``steps`` per epoch) back into the settings ``fit`` got.

    ``n_samples`` is what was passed to ``fit``; with ``validation_split`` it trains on Keras's training part.
    A slip is named only when re-enacting it gives both numbers; otherwise the finding says which one is off.
    """
    if not isinstance(history_params, Mapping):
        return Finding(FindingCode.TYPE, "`history.params` is missing: keep the History object that `model.fit` "
                       "returns.")
    n_train = split_point(n_samples, validation_split) if validation_split else int(n_samples)
    got = (history_params.get("epochs"), history_params.get("steps"))
    want = (int(epochs), batches_needed(n_train, batch_size))
    if got == want:
        return None
    shows = f"`history.params` shows {_plural(got[0], 'epoch')} of {_plural(got[1], 'batch')}. "
    slip = confirmed(got, want, fit_settings_slips(epochs, batch_size, n_samples, validation_split), EXACT)
    if slip is not None:
        return Finding(slip.code, shows + slip.message, "params", confirmed=True)
    if got[0] != want[0]:
        return Finding(FindingCode.EPOCHS, shows + "That is not the number of epochs the task asks for: pass it "
                       "with `epochs=`.", "epochs")
    return Finding(FindingCode.STEPS, shows + "That many batches per epoch does not fit the batch size and the "
                   "training samples the task asks for: check `batch_size=` and `validation_split=`.", "steps")


# --- a batch-counting callback, after the run ------------------------------------------------------------------


def counter_slips(label: str, epochs: int, steps: int, val_steps: int | None = None) -> list[Slip]:
    """Totals a batch-counting callback reaches after ``epochs`` epochs of ``steps`` batches when it counts
    something else."""
    totals = [
        (epochs, "equals the number of epochs: it counts epochs, not batches. Count in `on_train_batch_end`, which "
         "runs after every batch."),
        (steps, "holds the batches of one epoch only: keep adding 1 across the epochs, and never reset it."),
        (steps - 1, "is the position of the last batch within its epoch (the `batch` argument, which restarts at 0 "
         "every epoch): add 1 per batch instead."),
        (epochs * steps * (steps - 1) // 2, "adds up the `batch` positions: add 1 per batch instead."),
        (epochs * steps * (steps + 1) // 2, "adds `batch + 1` after every batch: add 1 instead."),
        (2 * epochs * steps, "is twice the training batches of the run: it went up twice per batch, or counted two "
         "fits. Add 1 in one method only, and create the counter right before the fit."),
    ]
    if val_steps:
        totals.append((epochs * (steps + int(val_steps)), "counts the validation batches too: count only in "
                       "`on_train_batch_end`, not in `on_test_batch_end`."))
    return [Slip(f"`{label}` {text}", value) for value, text in totals]


def explain_counter(name: str, counter: Any, epochs: int, steps: int, *, attr: str = "batches",
                    val_steps: int | None = None, run_params: Mapping[str, Any] | None = None) -> Finding | None:
    """``counter.<attr>`` should count every training batch of a fit: ``epochs * steps``.

    With ``run_params`` (the ``history.params`` of the run it should have watched), ``counter`` must also be an
    instance of a class the notebook defines that took part in that very fit: Keras hands every callback of a
    fit the run's ``params``, so a stand-in object or a counter never passed to ``fit`` is caught even when its
    count was typed in by hand.
    """
    label = f"{name}.{attr}"
    missing = unset(name, counter, "create it from your callback class and pass it to fit")
    if missing is not None:
        return missing
    if run_params is not None:
        finding = _took_part(name, counter, run_params)
        if finding is not None:
            return finding
    got = getattr(counter, attr, None)
    if got is None:
        return Finding(FindingCode.ATTRIBUTE, f"`{name}` has no `{attr}` attribute: set `self.{attr} = 0` in "
                       f"`__init__` and add 1 to it in `on_train_batch_end`.")
    epochs, steps = int(epochs), int(steps)
    if _as_count(got) == 0:
        return Finding(FindingCode.VALUES, f"`{label}` is 0 after the fit: it never went up. Check that the counting "
                       f"method is named exactly `on_train_batch_end` and that `fit` got `callbacks=[{name}]`.")
    return explain(label, got, epochs * steps, candidates=counter_slips(label, epochs, steps, val_steps),
                   rtol=EXACT.rtol, atol=EXACT.atol, hint="Add 1 in `on_train_batch_end`.")


def _took_part(name: str, counter: Any, run_params: Mapping[str, Any]) -> Finding | None:
    """None when ``counter`` is a notebook-defined callback that was among the callbacks of the run."""
    if not type_name(counter).startswith("__main__."):
        short = type_name(counter).rsplit(".", 1)[-1]
        return Finding(FindingCode.TYPE, f"`{name}` is {_article(short)} {short}: it should be an instance of your "
                       f"callback class, `{name} = BatchCounter()`, passed to `fit` with `callbacks=[{name}]`.")
    params = getattr(counter, "params", None)
    if not isinstance(params, Mapping) or not params:
        return Finding(FindingCode.ATTRIBUTE, f"`{name}` never took part in a fit: when training starts, Keras hands "
                       f"every callback in `callbacks=[...]` the run's settings (`{name}.params`), and `{name}` has "
                       f"none. Pass `callbacks=[{name}]` to the fit whose result you keep, and do not replace "
                       f"`{name}` afterwards.")
    if dict(params) != dict(run_params):
        return Finding(FindingCode.FIT_SETTINGS, f"`{name}` watched another fit than the one whose result is in "
                       f"`history` (`{name}.params` and `history.params` differ): create the counter, pass it to that "
                       "fit, and keep what it returns.")
    return None


def type_name(value: Any) -> str:
    """``module.Class`` of a student's object, read from its record when it crossed as data."""
    if isinstance(value, (Record, Opaque)):
        return value.type_name
    return f"{type(value).__module__}.{type(value).__qualname__}"


def _plural(count: Any, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}{'es' if noun.endswith('tch') else 's'}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


# --- a batch-counting callback, watched through a fresh fit ---------------------------------------------------


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def trace_slips(epochs: int, steps: int, val_steps: int) -> list[Slip]:
    """Traces (the count after each training batch) that typical miscounting callbacks leave, re-enacted."""
    positions = [(e, k) for e in range(epochs) for k in range(steps)]
    sums = np.cumsum([k for _, k in positions]).tolist()
    traces = [
        ([e for e, _ in positions], "counts epochs, not batches: it only goes up when an epoch ends. Count in "
         "`on_train_batch_end`, which runs after every batch."),
        ([e + 1 for e, _ in positions], "counts epochs, not batches: it goes up once when each epoch begins. Count "
         "in `on_train_batch_end`, which runs after every batch."),
        ([k + 1 for _, k in positions], "starts again from 1 in every epoch: keep adding 1 across epochs, never "
         "reset it (the `batch` argument restarts at 0 in each epoch, so do not copy it)."),
        ([k for _, k in positions], "holds the `batch` argument, the batch's position within its epoch: add 1 to "
         "the count instead."),
        (sums, "adds up the `batch` positions: add 1 per batch instead."),
        ([e * steps + k + 1 + e * val_steps for e, k in positions], "also counts the validation batches that run "
         "after each epoch: count only in `on_train_batch_end`, not in `on_test_batch_end`."),
        ([2 * (e * steps + k + 1) for e, k in positions], "goes up by 2 per training batch: count in one method "
         "only, `on_train_batch_end`."),
    ]
    return [Slip(text, trace) for trace, text in traces]


def explain_counter_trace(name: str, trace: Any, epochs: int, steps: int, *, val_steps: int = 0,
                          attr: str = "batches") -> Finding | None:
    """``trace``: ``counter.<attr>`` read after every training batch of a fresh fit; it must be 1, 2, 3, ...

    A trace that a re-enacted miscount reproduces names it; a count that never moves (typed in, set once from
    ``self.params``, or a method Keras never calls) is described; otherwise the first wrong reading is shown.
    Messages describe the run ("the 2nd epoch"), never its settings.
    """
    label = f"`{attr}` of a new `{name}`"
    epochs, steps, val_steps = int(epochs), int(steps), int(val_steps)
    want = list(range(1, epochs * steps + 1))
    if not isinstance(trace, (list, tuple)) or len(trace) != len(want):
        return Finding(FindingCode.LENGTH, f"The fresh fit that tests `{name}` did not report one count per training "
                       "batch: run the cell that defines `try_counter` as it is given.")
    if any(v is None for v in trace):
        return Finding(FindingCode.ATTRIBUTE, f"A new `{name}` has no `{attr}` attribute while it trains: set "
                       f"`self.{attr} = 0` in `__init__` and add 1 to it in `on_train_batch_end`.")
    counts = [_as_count(v) for v in trace]
    if None in counts:
        shown = next(v for v, c in zip(trace, counts, strict=True) if c is None)
        return Finding(FindingCode.TYPE, f"During a fresh fit, {label} was {shown!r}: it should be a count, a number.")
    if counts == want:
        return None
    if len(set(counts)) == 1:
        return _still(label, counts[0])
    slip = confirmed(counts, want, trace_slips(epochs, steps, val_steps), EXACT)
    if slip is not None:
        return Finding(FindingCode.CANDIDATE, f"In a fresh fit, {label} {slip.message}", confirmed=True)
    first = next(i for i, (g, w) in enumerate(zip(counts, want, strict=True)) if g != w)
    epoch, batch = divmod(first, steps)
    return Finding(FindingCode.VALUES, f"In a fresh fit, {label} was {counts[first]} after the {_ordinal(batch + 1)} "
                   f"training batch of the {_ordinal(epoch + 1)} epoch: it should start at 0 and go up by exactly 1 "
                   "after every training batch, across all the epochs.")


def _still(label: str, value: int | float) -> Finding:
    if value == 0:
        return Finding(FindingCode.VALUES, f"In a fresh fit, {label} stayed 0 through every training batch: Keras "
                       "never called your counting method. Name it exactly `on_train_batch_end(self, batch, "
                       "logs=None)` and add 1 there.")
    return Finding(FindingCode.VALUES, f"In a fresh fit, {label} stayed {value} from the first training batch to the "
                   "last: it must go up by 1 after every batch, as it happens. A number typed in, or worked out once "
                   "from `self.params`, does not count the batches.")


def _as_count(value: Any) -> int | float | None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def explain_tried_counter(name: str, result: Any, n: int, batch_size: int, epochs: int,
                          validation_split: float) -> Finding | None:
    """Judge what ``try_counter(n, batch_size, epochs, validation_split)`` reported about the student's class.

    ``result`` is ``{"after_each_batch": [...], "params": history.params}`` of a fresh fit with a new instance
    of the class; see :func:`explain_counter_trace`.
    """
    n_train = split_point(n, validation_split)
    steps, val_steps = batches_needed(n_train, batch_size), batches_needed(int(n) - n_train, batch_size)
    if not isinstance(result, Mapping) or "after_each_batch" not in result or "params" not in result:
        return Finding(FindingCode.TYPE, f"`try_counter` did not report what a new `{name}` counted: run its cell "
                       "as it is given.")
    params = result["params"] if isinstance(result["params"], Mapping) else {}
    if (params.get("epochs"), params.get("steps")) != (int(epochs), steps):
        return Finding(FindingCode.FIT_SETTINGS, "`try_counter` did not train with the settings it was given: run "
                       "its cell as it is given.")
    return explain_counter_trace(name, result["after_each_batch"], epochs, steps, val_steps=val_steps)


# --- the samples validation_split holds out -------------------------------------------------------------------

_FIRST = "holds the first samples: Keras holds out the last ones, taken before any shuffling."
_TAIL_FIX = "Keras rounds the training part down and holds out every sample after it."


def held_out_slips(name: str, data: np.ndarray, validation_split: float) -> list[Slip]:
    """Blocks of ``data`` a student may take for the held-out samples: from the start, the training part, a split
    rounded the other way."""
    n = len(data)
    cut, up = split_point(n, validation_split), n - int(n * validation_split)
    return [
        Slip(f"`{name}` {_FIRST}", data[: n - cut], FindingCode.FROM_START),
        Slip(f"`{name}` holds the training part, the samples before the split point: the validation samples are "
             "all those after it.", data[:cut]),
        Slip(f"`{name}` {_FIRST} Its size is rounded the wrong way, too.", data[: n - up], FindingCode.FROM_START),
        Slip(f"`{name}` holds the last samples, but too few of them, as if the training part were rounded up. "
             f"{_TAIL_FIX}", data[up:], FindingCode.SIZE),
    ]


def explain_held_out(name: str, got: Any, data: Any, validation_split: float, *,
                     check_values: bool = True) -> Finding | None:
    """``got`` should be the samples ``fit(validation_split=...)`` holds out of ``data``: the last ones, in order.

    ``check_values=False`` accepts any block that ends at the last sample.
    """
    data = np.asarray(data)
    want = data[split_point(len(data), validation_split):]
    if not isinstance(got, np.ndarray):
        return explain(name, got, want, check_values=check_values)
    slip = confirmed(got, want, held_out_slips(name, data, validation_split), Options(rtol=0.0, atol=0.0))
    if slip is not None:
        return slip
    finding = _block(name, got, data)
    if finding is not None or not check_values or len(got) == len(want):
        return finding
    return Finding(FindingCode.SIZE, f"`{name}` holds the last {len(got)} samples, but that is not how many Keras "
                   f"holds out. {_TAIL_FIX}")


def _block(name: str, got: np.ndarray, data: np.ndarray) -> Finding | None:
    """Which rows of ``data`` ``got`` holds: its end, its end shuffled, another block, or something else."""
    if got.shape[1:] != data.shape[1:] or not 0 < len(got) <= len(data):
        return Finding(FindingCode.SHAPE, f"`{name}` has shape {got.shape}: it should be some rows of the data, all "
                       "columns.")
    if got.dtype != data.dtype:
        return Finding(FindingCode.DTYPE, f"`{name}` has dtype {got.dtype.name}: slice the data itself, it is "
                       f"{data.dtype}.")
    tail = data[len(data) - len(got):]
    if np.array_equal(got, tail):
        return None
    if np.array_equal(got, data[: len(got)]):
        return Finding(FindingCode.FROM_START, f"`{name}` {_FIRST}")
    starts = _starts(got, data)
    if len(starts) == 1:
        short = len(data) - starts[0] - len(got)
        return Finding(FindingCode.OFFSET, f"`{name}` holds consecutive samples, but its block stops {short} "
                       f"sample{'s' if short > 1 else ''} before the end of the data: the held-out samples are the "
                       "last ones.")
    if np.array_equal(np.sort(got, axis=0), np.sort(tail, axis=0)):
        return Finding(FindingCode.SHUFFLED, f"`{name}` holds the values of the last samples, but in another order: "
                       "keep their order.")
    return Finding(FindingCode.VALUES, f"`{name}` is not the last samples of the data: slice them off its end, in "
                   "order.")


def _starts(got: np.ndarray, data: np.ndarray) -> Sequence[int]:
    """Where in ``data`` a block equal to ``got`` starts (several starts when it repeats)."""
    size = len(got)
    return [s for s in range(len(data) - size + 1) if np.array_equal(data[s:s + size], got)][:2]
