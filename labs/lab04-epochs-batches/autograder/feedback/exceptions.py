"""Exceptions as evidence: a cell or a function that raised says so, with the student's line and a likely fix.

The check process learns which cells raised (``use_failures``); a check of a name such a cell sets then
reports the exception instead of "not set yet". :func:`explain_error` reads the exception's own message:
operands of ``np.dot``/``@`` whose inner lengths differ, shapes that do not broadcast, an unknown keyword
argument, a missing dictionary key, a reshape to the wrong size. Each hint states what the message proves
(which lengths differ, which names exist) and never guesses what the student meant.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable

from autograder.model import CellFailure, Finding, FindingCode

KNOWN_KEYWORDS = {
    "lr": "learning_rate", "epoch": "epochs", "nb_epoch": "epochs", "batchsize": "batch_size",
    "batch": "batch_size", "validation": "validation_data", "val_data": "validation_data",
    "keep_dims": "keepdims", "activations": "activation", "metric": "metrics", "losses": "loss",
}
"""Keyword arguments students write for the one Keras or NumPy spells differently."""

COMMON_KEYWORDS = (
    "learning_rate", "epochs", "batch_size", "validation_data", "validation_split", "verbose", "activation",
    "units", "shape", "loss", "optimizer", "metrics", "axis", "keepdims", "dtype", "ddof", "shuffle",
)

_FAILURES: dict[str, CellFailure] = {}


def use_failures(failures: Iterable[CellFailure]) -> None:
    """Remember the cells that raised for this submission (the check process calls this before its checks)."""
    _FAILURES.clear()
    for failure in failures:
        for name in failure.names:
            _FAILURES.setdefault(name, failure)


def failure_of(name: str) -> CellFailure | None:
    """The failure of the cell that sets ``name`` (its base name: ``model`` for ``model.layers``)."""
    base = re.split(r"[.\[( ]", name.strip("`"), maxsplit=1)[0]
    return _FAILURES.get(base)


UNANSWERED = ("is not set yet", "is not defined yet")
"""How every missing-answer message of the library reads, so a report can tell unanswered from wrong."""


def unanswered(message: str) -> bool:
    """Whether a check's message says the answer was never given (not that it was wrong, nor that a cell raised)."""
    return any(marker in message for marker in UNANSWERED) and " raised " not in message


def unset(name: str, value: object, fix: str = "replace the `...` with your answer and run the cell", *,
          state: str = "set") -> Finding | None:
    """None when ``value`` is set; else why not: the cell that sets it raised, or ``name`` is not set yet (``fix``)."""
    if value is not None and value is not Ellipsis:
        return None
    failure = failure_of(name)
    if failure is not None:
        return raised_finding(name, failure)
    return Finding(FindingCode.MISSING, f"`{name}` is not {state} yet: {fix}.")


def raised_finding(name: str, failure: CellFailure) -> Finding:
    """The cell that sets ``name`` raised: the exception, the student's line, and what the message proves."""
    where = f" at `{failure.line.strip()}`" if failure.line.strip() else ""
    hint = error_hint(failure.error)
    text = f"The cell that sets `{name}` raised {failure.error}{where}; the rest of that cell did not run."
    return Finding(FindingCode.RAISED, f"{text} {hint}".strip(), failure.line.strip())


def explain_error(call: str, error: BaseException | str) -> str:
    """A message for a call of the student's function that raised, with the same hints as a failed cell."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    text = text.split(" failed: ", 1)[-1]
    return f"`{call}` raised {text}. {error_hint(text)}".strip()


def error_hint(error: str) -> str:
    """What the exception's message itself proves, and the fix that follows; empty when nothing is certain."""
    for hint in _HINTS:
        text = hint(error)
        if text:
            return text
    return ""


def _not_aligned(error: str) -> str:
    """``np.dot``: both shapes are in the message, so which fixes align them is certain."""
    found = re.search(r"shapes \(([\d, ]*)\) and \(([\d, ]*)\) not aligned", error)
    if not found:
        return ""
    left, right = (_shape(g) for g in found.groups())
    if not left or not right:
        return ""
    text = (f"In `np.dot(X, Y)` the last axis of X must match the first axis of Y (or the second to last), but "
            f"here they are {left[-1]} and {right[0]}.")
    return text + _aligning(left, right)


def _matmul_mismatch(error: str) -> str:
    found = re.search(r"mismatch in its core dimension \d.*\(size (\d+) is different from (\d+)\)", error)
    if not found:
        return ""
    return (f"In `X @ Y` the last axis of X must have the length of the first axis of Y; here one is "
            f"{found.group(2)} and the other {found.group(1)}. Print both shapes, then swap or transpose an operand "
            "so that the inner lengths agree.")


def _aligning(left: tuple[int, ...], right: tuple[int, ...]) -> str:
    if len(left) != 2 or len(right) != 2:
        return ""
    options = []
    if right[-1] == left[0]:
        options.append("swapping the operands")
    if left[-1] == right[-1]:
        options.append("transposing the second operand")
    if left[0] == right[0]:
        options.append("transposing the first operand")
    if not options:
        return " No order or transpose of these two shapes lines them up: check which arrays you multiply."
    return f" With these shapes, {' or '.join(options)} would line them up: pick the one the task asks for."


def _broadcast(error: str) -> str:
    found = re.search(r"could not be broadcast together with shapes ((?:\([\d, ]*\) ?)+)", error)
    if not found:
        return ""
    shapes = [_shape(s) for s in re.findall(r"\(([\d, ]*)\)", found.group(1))]
    if len(shapes) < 2:
        return ""
    a, b = shapes[0], shapes[1]
    clash = next(((x, y) for x, y in zip(reversed(a), reversed(b), strict=False) if x != y and 1 not in (x, y)),
                 None)
    text = "Shapes broadcast when, compared from the right, each pair of lengths is equal or one of them is 1"
    if clash:
        text += f"; here {clash[0]} meets {clash[1]}"
    reduced = _reduced_axis(a, b) if len(a) > len(b) else _reduced_axis(b, a)
    if reduced is not None:
        text += (f". {b if len(a) > len(b) else a} is the other shape with axis {reduced} taken away, as a reduction "
                 "gives: `keepdims=True` keeps that axis as length 1 so the result lines up")
    return text + "."


def _reduced_axis(longer: tuple[int, ...], shorter: tuple[int, ...]) -> int | None:
    """The axis of ``longer`` whose removal gives ``shorter``."""
    for axis in range(len(longer)):
        if longer[:axis] + longer[axis + 1:] == shorter:
            return axis
    return None


def _keyword(error: str) -> str:
    found = (re.search(r"unexpected keyword argument '(\w+)'", error)
             or re.search(r"[Uu]nrecognized keyword arguments?.*?'(\w+)'", error)
             or re.search(r"Argument\(s\) not recognized: \{'(\w+)'", error))
    if not found:
        return ""
    word = found.group(1)
    better = KNOWN_KEYWORDS.get(word) or next(iter(difflib.get_close_matches(word, COMMON_KEYWORDS, 1, 0.75)), "")
    if better and better != word:
        return f"`{word}` is not an argument it takes; the argument is called `{better}`."
    return f"`{word}` is not an argument it takes: check the spelling in its documentation (`help(...)`)."


def _missing_key(error: str) -> str:
    found = re.fullmatch(r"KeyError: '?([^']*)'?", error.strip())
    if not found:
        return ""
    key = found.group(1)
    return (f"The dictionary has no key {key!r}. A History's keys are named after the loss and the metrics given "
            "to `compile` (with `val_` in front for validation): print `history.history.keys()` to see them.")


def _reshape(error: str) -> str:
    found = re.search(r"cannot reshape array of size (\d+) into shape", error)
    if not found:
        return ""
    return f"The sizes passed to `reshape` must multiply to {found.group(1)}, the number of entries; `-1` lets " \
           "NumPy work one of them out."


def _undefined(error: str) -> str:
    found = re.search(r"NameError: name '(\w+)' is not defined", error)
    if not found:
        return ""
    return f"`{found.group(1)}` does not exist when that line runs: check its spelling, and run the cells above " \
           "in order."


def _out_of_bounds(error: str) -> str:
    found = re.search(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", error)
    if not found:
        return ""
    index, axis, size = found.groups()
    return f"Axis {axis} has {size} entries, at indices 0 to {int(size) - 1}; index {index} is outside."


def _truth_value(error: str) -> str:
    """A whole array met a test that needs one True/False: Python's ``max(z, 0)``, ``if z > 0``, ``and``."""
    if "truth value of an array" not in error:
        return ""
    return ("Python's `max`, `if`, `and` and `or` need one True/False, not a whole array: use element-wise NumPy "
            "functions such as `np.maximum` or `np.where`.")


def _shape(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.replace(" ", "").split(",") if p)


_HINTS: tuple[Callable[[str], str], ...] = (
    _not_aligned, _matmul_mismatch, _broadcast, _keyword, _missing_key, _reshape, _undefined, _out_of_bounds,
    _truth_value,
)
