"""The History that ``fit`` returns: is it one, did fit run as asked, and what a value read from it holds.

The schedule is read from ``history.params`` (``epochs``, ``steps``): epochs and batch_size swapped is named
only when fitting the other way round reproduces both numbers; otherwise the finding says what the run shows.
When fit did not return at all, :func:`explain_fit_failure` reads the cell's exception and the model's record.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.model import Finding, FindingCode

from ..exceptions import error_hint, failure_of, raised_finding
from .compile import COMPILE_FIRST, compile_raised, explain_loss_labels
from .records import DEFAULT_BATCH_SIZE, as_record, is_history, is_keras_history, is_model, number, type_name, what


def explain_history(name: str, history: Any, *, epochs: int | None = None, batch_size: int | None = None,
                    n_samples: int | Sequence[int] | None = None, validation: bool = False,
                    metric: str | Sequence[str] | None = None) -> Finding | None:
    """``history`` is the History of one fit with the asked ``epochs``, ``batch_size``, validation and metric.

    ``n_samples`` is how many samples fit trained on (after any validation split), or the counts it may have
    trained on; with it the batches per epoch are checked and a swap of epochs and batch_size is confirmed.
    Up to two problems are reported.
    """
    history = as_record(history, name)
    problem = _not_a_history(name, history)
    if problem is not None:
        return problem
    found = _schedule(name, history, epochs, batch_size, n_samples) + _content(name, history, validation, metric)
    if not found:
        return None
    first = found[0]
    message = " ".join(f.message for f in found[:2])
    return Finding(first.code, message, first.where, confirmed=any(f.confirmed for f in found[:2]))


def curves_length(history: Any) -> int:
    """How many epochs the history recorded (its longest curve)."""
    return max((len(v) for v in history.history.values() if isinstance(v, (list, tuple))), default=0)


def _not_a_history(name: str, history: Any) -> Finding | None:
    keep = f"keep what fit returns, `{name} = model.fit(...)`"
    if history is None or history is Ellipsis:
        failure = failure_of(name) if history is None else None
        if failure is not None:
            return raised_finding(name, failure)
        return Finding(FindingCode.MISSING, f"`{name}` is not set yet: {keep}.")
    if isinstance(history, dict):
        return Finding(FindingCode.TYPE, _dict_message(name, history))
    if callable(history):
        called = str(getattr(history, "__name__", "")).rsplit(".", 1)[-1]
        if called == "fit":
            return Finding(FindingCode.TYPE, f"`{name}` is the method `fit` itself, not what it returns: call it, "
                           f"`{name} = model.fit(...)`.", confirmed=True)
        return Finding(FindingCode.TYPE, f"`{name}` is a function, not the History that `model.fit(...)` returns: "
                       f"{keep}.")
    if not is_history(history) or not isinstance(getattr(history, "params", None), dict):
        return Finding(FindingCode.TYPE, f"`{name}` should be the History that `model.fit(...)` returns, not "
                       f"{what(history)}.")
    if not is_keras_history(history):
        short = type_name(history).rsplit(".", 1)[-1]
        article = "an" if short[:1].lower() in "aeiou" else "a"
        return Finding(FindingCode.TYPE, f"`{name}` is {article} {short} with `history` and `params` attributes, not "
                       f"the History that `model.fit` returns: train the model and {keep}.")
    if curves_length(history) == 0:
        return Finding(FindingCode.EMPTY, f"`{name}` recorded no epoch: did `fit` train for at least one epoch?")
    return None


def _dict_message(name: str, value: dict) -> str:
    curves = [v for v in value.values() if isinstance(v, (list, tuple))]
    if value and len(curves) == len(value) and all(isinstance(k, str) for k in value):
        return (f"`{name}` is a dict of per-epoch lists, as `history.history` is: keep the History object that "
                f"`model.fit` returns, which also carries `.params` and `.epoch`, and read `{name}.history` where "
                "you need the curves.")
    return f"`{name}` is a dict, not the History that `model.fit(...)` returns: keep what fit returns."


def batches(n: int, batch_size: int) -> int:
    """Batches in one pass over ``n`` samples: the last one may be only partly filled."""
    return -(-int(n) // int(batch_size))


def batch_sizes_giving(n: int, steps: int) -> tuple[int, int | None] | None:
    """The smallest and largest batch size that split ``n`` samples into ``steps`` batches (None: no largest)."""
    if n <= 0 or steps <= 0 or steps > n:
        return None
    if steps == 1:
        return n, None
    low, high = batches(n, steps), (n - 1) // (steps - 1)
    return (low, high) if low <= high and batches(n, low) == steps else None


def _schedule(name: str, history: Any, epochs: int | None, batch_size: int | None,
              n_samples: int | Sequence[int] | None) -> list[Finding]:
    params = history.params
    ran, steps = curves_length(history), params.get("steps")
    counts = [n for n in ((n_samples,) if isinstance(n_samples, int) else n_samples or ()) if n]
    swap = _swapped(name, ran, steps, epochs, batch_size, counts)
    if swap is not None:
        return [swap]
    found = []
    if epochs is not None and ran != epochs:
        found.append(_epochs_finding(name, ran, params.get("epochs")))
    if batch_size and counts and isinstance(steps, int) and all(steps != batches(n, batch_size) for n in counts):
        found.append(_steps_finding(name, steps, counts))
    return found


def _swapped(name: str, ran: int, steps: Any, epochs: int | None, batch_size: int | None,
             counts: Sequence[int]) -> Finding | None:
    if epochs is None or not batch_size or epochs == batch_size or ran != batch_size:
        return None
    by_name = ("Pass both by name, `epochs=...` and `batch_size=...`: by position, fit takes batch_size before "
               "epochs.")
    if counts and isinstance(steps, int):
        if all(steps != batches(n, epochs) for n in counts):
            return None
        return Finding(FindingCode.FIT_SETTINGS, f"`{name}` comes from a fit with {ran} epochs of {steps} batches, "
                       f"which is what fit gives with epochs and batch_size swapped. {by_name}", "params",
                       confirmed=True)
    return Finding(FindingCode.FIT_SETTINGS, f"`{name}` holds {ran} epochs, which is the batch size the task asks "
                   f"for, not its number of epochs. {by_name}", "params")


def _epochs_finding(name: str, ran: int, asked: Any) -> Finding:
    if isinstance(asked, int) and ran < asked:
        return Finding(FindingCode.EPOCHS, f"`{name}` stopped after {ran} of the {asked} epochs fit was given: a "
                       "callback (such as `EarlyStopping`) ended the training early. Train without it.", "epochs")
    if ran == 1:
        return Finding(FindingCode.EPOCHS, f"`{name}` holds a single epoch: fit trains for one epoch unless it gets "
                       "`epochs=...`.", "epochs")
    return Finding(FindingCode.EPOCHS, f"`{name}` holds {ran} epochs, which is not the number of epochs the task "
                   "asks for: pass it as `epochs=...`.", "epochs")


def _steps_finding(name: str, steps: int, counts: Sequence[int]) -> Finding:
    shows = f"`{name}` shows {steps} batches per epoch"
    if len(counts) > 1:
        return Finding(FindingCode.STEPS, f"{shows}, which is not what the training samples make in batches of the "
                       "size the task asks for: pass it as `batch_size=...`.", "steps")
    n_samples = counts[0]
    sizes = batch_sizes_giving(n_samples, steps)
    if sizes is None:
        told = f"{shows}, which no batch size gives for {n_samples} training samples: fit trained on other data."
        return Finding(FindingCode.STEPS, told, "steps")
    low, high = sizes
    if high is None:
        used = f"one batch of all of them (a batch size of {low} or more)"
    else:
        used = f"batches of {low}" if low == high else f"batches of {low} to {high} samples"
    if low <= DEFAULT_BATCH_SIZE <= (high or DEFAULT_BATCH_SIZE):
        used += f" (fit's default is {DEFAULT_BATCH_SIZE}, used when `batch_size` is not passed)"
    return Finding(FindingCode.STEPS, f"{shows}, which {n_samples} training samples give in {used}, not in batches "
                   "of the size the task asks for: pass it as `batch_size=...`.", "steps")


def _content(name: str, history: Any, validation: bool, metric: str | Sequence[str] | None) -> list[Finding]:
    keys = history.history
    found = []
    if validation and not any(k.startswith("val_") for k in keys):
        found.append(Finding(FindingCode.NO_VALIDATION, f"`{name}` has no validation entries such as `val_loss`, so "
                             "fit ran without validation data: pass `validation_split=...` to `fit`, or "
                             "`validation_data=(inputs, targets)` held out from the training data."))
    allowed = (metric,) if isinstance(metric, str) else tuple(metric or ())
    if allowed and not any(m in keys for m in allowed):
        shown = ", ".join(f"'{k}'" for k in sorted(keys))
        found.append(Finding(FindingCode.ATTRIBUTE, f"`{name}` records only {shown}: compile with "
                             f"`metrics=['{allowed[0]}']` before fitting, so that fit reports it.", "history"))
    diverged = _first_nan(keys)
    if diverged is not None:
        key, epoch = diverged
        found.append(Finding(FindingCode.VALUES, f"The '{key}' in `{name}` became NaN at epoch {epoch}: training "
                             "diverged. A learning rate that is too large or inputs that are not scaled can make it "
                             "diverge; check both.", key))
    return found


def _first_nan(curves: dict) -> tuple[str, int] | None:
    for key, values in curves.items():
        arr = np.asarray(values, dtype=float) if isinstance(values, (list, tuple)) else np.zeros(0)
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            return key, int(bad[0]) + 1
    return None


def explain_fit_failure(name: str, model: Any, targets: Any = None, n_classes: int | None = None, *,
                        labels_name: str = "train_targets", compile_cell: Sequence[str] = ()) -> Finding | None:
    """Why ``name = model.fit(...)`` left ``name`` unset, from the cell's exception and the model's record.

    ``compile_cell`` names globals the cell that compiles sets: when that cell raised, fit failing on the
    uncompiled model is its consequence, and the compile error is reported instead of "compile first".
    "Compile before fit" only when Keras's own error says so and compile did not raise; a loss that does not
    fit the targets only when both are visible.
    """
    failure = failure_of(name)
    model = as_record(model)
    earlier = next((f for f in map(failure_of, compile_cell) if f is not None and f is not failure), None)
    if earlier is not None and is_model(model) and not model.compiled:
        inner = compile_raised("model", earlier)
        return Finding(inner.code, f"`{name}` is not set: fit cannot train a model that is not compiled. "
                       f"{inner.message}", inner.where, inner.confirmed)
    if failure is not None and COMPILE_FIRST in failure.error:
        return Finding(FindingCode.RAISED, f"`{name}` is not set: `model.fit(...)` raised \"{failure.error}\", so "
                       "fit ran before the model was compiled. Run `model.compile(...)` first, then fit.",
                       failure.line.strip(), confirmed=True)
    if is_model(model) and not model.compiled and failure is None:
        return Finding(FindingCode.MISSING, f"`{name}` is not set, and the model is not compiled: compile has not "
                       "run yet. Run `model.compile(...)`, then `model.fit(...)`.")
    if is_model(model) and model.compiled and targets is not None and n_classes:
        problem = explain_loss_labels(model, targets, n_classes, name=labels_name)
        if problem is not None:
            evidence = f" (it raised {failure.error})" if failure is not None else ""
            return Finding(problem.code, f"`{name}` is not set: `model.fit(...)` did not finish{evidence}. "
                           f"{problem.message}", problem.where, problem.confirmed)
    if failure is not None:
        return raised_finding(name, failure)
    return None


def explain_history_key(name: str, value: Any, history: Any, key: str) -> Finding | None:
    """``value`` is the list ``history.history[key]``, one entry per epoch.

    Recognises a key that does not exist ('acc' for 'accuracy', 'val_...' without validation data, confirmed
    by the cell's KeyError when the grader saw it), another curve than asked, and only the last value.
    """
    history = as_record(history, "history")
    if not is_history(history):
        return Finding(FindingCode.MISSING, f"`{name}` is read from `history`, which is not a History from "
                       "`model.fit(...)` yet: fix that first.")
    curves = history.history
    if value is None or value is Ellipsis:
        return _missing_key(name, history, key, value)
    single = number(value)
    if single is not None:
        last = [k for k, v in curves.items() if v and math.isclose(single, v[-1], rel_tol=1e-6)]
        tip = f" (the last entry of '{last[0]}')" if len(last) == 1 else ""
        return Finding(FindingCode.SHAPE, f"`{name}` is a single number{tip}: keep the whole list, one value per "
                       "epoch.", confirmed=bool(tip))
    if not isinstance(value, (list, tuple, np.ndarray)):
        return Finding(FindingCode.TYPE, f"`{name}` is {what(value)}: it should be the list of values, one per epoch.")
    arr = np.asarray(value)
    matches = _curves_matching(arr, curves) if arr.dtype.kind in "biuf" else []
    if key in matches:
        return None
    if len(matches) == 1:
        return Finding(FindingCode.REPLACED, f"`{name}` holds the '{matches[0]}' curve, not the one the task asks "
                       "for: check the key you read.", confirmed=True)
    return Finding(FindingCode.VALUES, f"`{name}` matches none of the curves in `history.history`: read the list "
                   "from it as it is.")


def _curves_matching(value: np.ndarray, curves: dict[str, list]) -> list[str]:
    found = []
    for key, curve in curves.items():
        if value.shape == (len(curve),) and np.allclose(value.astype(float), curve, rtol=1e-6, atol=1e-9):
            found.append(key)
    return found


def _missing_key(name: str, history: Any, key: str, value: Any) -> Finding:
    keys = sorted(history.history)
    shown = ", ".join(f"'{k}'" for k in keys)
    failure = failure_of(name) if value is None else None
    if failure is not None and "KeyError" in failure.error and not _assigns(failure.line, name):
        missing = failure.error.split("KeyError:", 1)[-1].strip().strip("'\"")
        raised = raised_finding(name, failure)
        return Finding(raised.code, f"{raised.message}{_why_no_key(missing, keys)}", raised.where, confirmed=True)
    if failure is not None and "KeyError" in failure.error:
        missing = failure.error.split("KeyError:", 1)[-1].strip().strip("'\"")
        why = _why_no_key(missing, keys)
        return Finding(FindingCode.RAISED, f"`{name}` is not set: reading it raised {failure.error}, a key that "
                       f"`history.history` does not have. Its keys are {shown}.{why}", failure.line.strip(),
                       confirmed=True)
    if failure is not None:
        return raised_finding(name, failure)
    return Finding(FindingCode.MISSING, f"`{name}` is not set yet: read it from `history.history`, whose keys are "
                   f"{shown}.")


def _assigns(line: str, name: str) -> bool:
    """Whether the student's line assigns ``name`` (``name = ...`` or as one of several targets)."""
    return re.search(rf"(?<![\w.]){re.escape(name)}\s*(,[^=]*)?=(?!=)", line) is not None


def _why_no_key(missing: str, keys: Sequence[str]) -> str:
    if missing.startswith("val_") and not any(k.startswith("val_") for k in keys):
        return " There are no 'val_' keys because fit ran without validation data."
    if "acc" in missing:
        return (" The keys are the metric names exactly as compile got them: `metrics=['accuracy']` gives "
                "'accuracy' and 'val_accuracy', `metrics=['acc']` gives 'acc' and 'val_acc'.")
    return " " + error_hint(f"KeyError: '{missing}'")
