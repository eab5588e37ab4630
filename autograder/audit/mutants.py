"""Wrong answers derived from the solution's values, as code appended to the solution notebook.

Each generator looks at one answer's value (decoded from the sandbox's data, never executed) and returns the
wrong answers that apply to it: the new value it stands for (to drop those that equal the solution) and the
code that makes it in the notebook. ``non_answer`` marks a right-typed answer with no content.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder import protocol
from autograder.transport import FunctionRef, Opaque, Record


class Where:
    END = "end"
    """A new cell after the whole notebook: later answers keep their right values."""
    ANSWER = "answer"
    """The code replaces the question's answer cell; later cells run on it."""


@dataclass(frozen=True)
class Mutant:
    """One wrong answer (or, for a variant, one right answer) for one question."""

    name: str
    question: str
    code: str
    names: frozenset[str]
    """The answer names the code changes."""
    where: str = Where.END
    non_answer: bool = False
    variant: bool = False
    """A right answer the wording allows: it must keep full marks."""
    authored: bool = False


@dataclass(frozen=True)
class Wrong:
    label: str
    value: Any
    """What the answer becomes, to compare with the solution; ``CHANGED`` when it cannot be computed here."""
    code: str
    non_answer: bool = False


CHANGED = object()
"""The wrong answer differs from the solution by construction (a function or object stand-in)."""


def same(a: Any, b: Any) -> bool:
    """Whether a wrong answer would be indistinguishable from the solution's value."""
    if a is CHANGED or b is CHANGED:
        return False
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f")))
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:
        return False


def _array(x: str, v: np.ndarray, others: dict[str, Any]) -> Iterator[Wrong]:
    yield Wrong("zeros", np.zeros_like(v), f"{x} = _np.zeros_like({x})", non_answer=True)
    if v.dtype.kind == "b":
        yield Wrong("inverted", ~v, f"{x} = ~{x}")
        return
    yield Wrong("ones", np.ones_like(v), f"{x} = _np.ones_like({x})")
    yield Wrong("a constant", np.full_like(v, 7), f"{x} = _np.full_like({x}, 7)")
    if v.size:
        low, high = (float(v.min()), float(v.max())) if v.dtype.kind in "iuf" else (0.0, 1.0)
        rng = np.random.default_rng(1)
        if v.dtype.kind in "iu":
            noise = rng.integers(int(low), int(high) + 1, size=v.shape).astype(v.dtype)
            code = (f"{x} = _np.random.default_rng(1).integers({int(low)}, {int(high) + 1}, "
                    f"size={x}.shape).astype({x}.dtype)")
        else:
            noise = rng.uniform(low, high if high > low else low + 1, size=v.shape).astype(v.dtype)
            code = (f"{x} = _np.random.default_rng(1).uniform({low!r}, {high if high > low else low + 1!r}, "
                    f"size={x}.shape).astype({x}.dtype)")
        yield Wrong("random values of the right shape", noise, code)
    yield from _layout(x, v)
    if v.dtype.kind in "iu":
        yield Wrong("off by one", v + 1, f"{x} = {x} + 1")
    elif v.dtype.kind in "fc":
        yield Wrong("perturbed", v * 1.01 + 0.01, f"{x} = {x} * 1.01 + 0.01")
    yield from _borrowed(x, v, others)


def _layout(x: str, v: np.ndarray) -> Iterator[Wrong]:
    if v.ndim >= 2:
        yield Wrong("transposed", v.T, f"{x} = {x}.T")
    if 3 <= v.ndim <= 4:
        for perm in itertools.islice((p for p in itertools.permutations(range(v.ndim)) if list(p) != sorted(p)), 5):
            yield Wrong(f"axes permuted {perm}", np.transpose(v, perm), f"{x} = _np.transpose({x}, {perm})")
    for axis in range(v.ndim):
        if v.shape[axis] > 1:
            yield Wrong(f"shifted by one along axis {axis}", np.roll(v, 1, axis=axis),
                        f"{x} = _np.roll({x}, 1, axis={axis})")


def _borrowed(x: str, v: Any, others: dict[str, Any]) -> Iterator[Wrong]:
    """Another question's value, preferring one of the same shape."""
    def fits(o: Any) -> bool:
        return isinstance(o, np.ndarray) and isinstance(v, np.ndarray) and o.shape == v.shape

    ranked = sorted(others.items(), key=lambda item: (not fits(item[1]), item[0]))
    for name, value in ranked[:2]:
        if isinstance(value, (FunctionRef, Record, Opaque)) or _nearly(value, v):
            continue
        yield Wrong(f"another question's value (`{name}`)", value, f"{x} = {name}")


def _nearly(value: Any, v: Any) -> bool:
    """Another question's value that is this answer up to float rounding is a right answer, not a wrong one."""
    try:
        a, b = np.asarray(value), np.asarray(v)
        return a.shape == b.shape and a.dtype.kind in "biuf" and b.dtype.kind in "biuf" and bool(
            np.allclose(a, b, rtol=1e-5, atol=1e-6))
    except (TypeError, ValueError):
        return False


def _number(x: str, v: Any, others: dict[str, Any]) -> Iterator[Wrong]:
    if isinstance(v, (bool, np.bool_)):
        yield Wrong("negated", not v, f"{x} = not {x}")
        return
    yield Wrong("zero", type(v)(0), f"{x} = type({x})(0)", non_answer=True)
    yield Wrong("one more", v + 1, f"{x} = {x} + 1")
    yield Wrong("one less", v - 1, f"{x} = {x} - 1")
    yield Wrong("doubled", v * 2, f"{x} = {x} * 2")
    yield from _borrowed(x, v, others)


def _sequence(x: str, v: tuple | list, others: dict[str, Any]) -> Iterator[Wrong]:
    yield Wrong("empty", type(v)(), f"{x} = type({x})()", non_answer=True)
    yield Wrong("reversed", type(v)(reversed(v)), f"{x} = type({x})(reversed({x}))")
    if v and all(isinstance(i, (int, float)) and not isinstance(i, bool) for i in v):
        yield Wrong("each entry one more", type(v)(i + 1 for i in v), f"{x} = type({x})(i + 1 for i in {x})")
    if len(v) > 1:
        yield Wrong("last entry dropped", v[:-1], f"{x} = {x}[:-1]")
    yield from _borrowed(x, v, others)


def _function(x: str) -> Iterator[Wrong]:
    yield Wrong("returns None", CHANGED, f"def {x}(*args, **kwargs):\n    return None", non_answer=True)
    yield Wrong("ignores its input (returns what its first call returned)", CHANGED, _IGNORES_INPUT.format(x=x))
    yield Wrong("right only on the notebook's own data", CHANGED, _ONLY_NOTEBOOK_DATA.format(x=x))


_IGNORES_INPUT = """_real_{x}, _first_{x} = {x}, []
def {x}(*args, **kwargs):
    if not _first_{x}:
        _first_{x}.append(_real_{x}(*args, **kwargs))
    return _first_{x}[0]"""

_ONLY_NOTEBOOK_DATA = """_real_{x} = {x}
_known_{x} = [v for k, v in list(globals().items()) if not k.startswith("_")
              and isinstance(v, (_np.ndarray, int, float)) and not isinstance(v, bool)]
def _is_known_{x}(a):
    for v in _known_{x}:
        if a is v:
            return True
        if isinstance(a, _np.ndarray) and isinstance(v, _np.ndarray):
            if a.shape == v.shape and a.dtype == v.dtype and _np.array_equal(a, v):
                return True
        elif not isinstance(a, _np.ndarray) and not isinstance(v, _np.ndarray) and a == v:
            return True
    return False
def {x}(*args, **kwargs):
    out = _real_{x}(*args, **kwargs)
    if all(_is_known_{x}(a) for a in list(args) + list(kwargs.values()) if isinstance(a, (_np.ndarray, int, float))):
        return out
    if isinstance(out, _np.ndarray):
        return _np.zeros_like(out)
    if isinstance(out, (int, float)) and not isinstance(out, bool):
        return out + 1
    return None"""

_UNTRAINED_MODEL = """import keras as _keras
_clone = _keras.models.clone_model({x})
_config = {x}.get_compile_config() if {x}.optimizer is not None else None
if _config:
    _clone.compile_from_config(_config)
{x} = _clone"""


def _record(x: str, v: Record) -> Iterator[Wrong]:
    yield Wrong("replaced by None", None, f"{x} = None", non_answer=True)
    if v.type_name == protocol.KerasModelRecord.TYPE_NAME:
        yield Wrong("an untrained copy of the model", CHANGED, _UNTRAINED_MODEL.format(x=x))
    elif v.type_name.startswith("__main__."):
        yield Wrong("a fresh, unused instance of its class", CHANGED, f"{x} = type({x})()")


def wrong_answers(x: str, value: Any, others: dict[str, Any]) -> list[Wrong]:
    """The wrong answers that apply to answer ``x`` whose solution value is ``value``; none equal to it."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        found = list(_array(x, value, others))
    elif isinstance(value, (bool, int, float, np.number, np.bool_)):
        found = list(_number(x, value, others))
    elif isinstance(value, str):
        found = [Wrong("empty text", "", f"{x} = ''", non_answer=True), Wrong("other text", value + "x", f"{x} += 'x'")]
    elif isinstance(value, (tuple, list)):
        found = list(_sequence(x, value, others))
    elif isinstance(value, np.dtype):
        other = np.dtype("int64") if value != np.dtype("int64") else np.dtype("float64")
        found = [Wrong("another dtype", other, f"{x} = _np.dtype('{other.name}')")]
    elif isinstance(value, FunctionRef):
        found = list(_function(x))
    elif isinstance(value, Record):
        found = list(_record(x, value))
    else:
        found = [Wrong("replaced by None", None, f"{x} = None", non_answer=True)] if value is not None else []
    return [w for w in found if not same(w.value, value)]


def generated(question: str, answers: dict[str, Any], others: dict[str, Any]) -> list[Mutant]:
    """Every generated wrong answer of one question, plus one right-typed non-answer for all its answers at once."""
    mutants: list[Mutant] = []
    blanks: list[str] = []
    for x, value in answers.items():
        wrongs = wrong_answers(x, value, others)
        mutants += [Mutant(f"`{x}` {w.label}", question, w.code, frozenset({x})) for w in wrongs]
        blanks += [w.code for w in wrongs if w.non_answer][:1]
    if blanks:
        mutants.append(Mutant("right-typed non-answer", question, "\n".join(blanks), frozenset(answers),
                              non_answer=True))
    return mutants
