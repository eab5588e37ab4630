"""The leak guard: no hidden check's message may hold the answer it checks, or the solution's code for it.

A question's secrets are its solution's values that are themselves answers (a count, a float, a word, a
shape tuple; single digits are too common in prose to count) and the expressions its solution cell computes
(``x[:, :14, 14:]``, ``np.ceil(n / b)``). Every failed hidden message the audit's wrong answers provoke is
compared with the secrets of its question, ignoring spaces.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

STUDENTS_OWN = re.compile(r"raised .*?; the rest of that cell did not run\.", re.S)
"""A failed cell's exception and line, quoted back to the student who wrote them: never a leak."""

MIN_EXPRESSION = 8
"""Shorter solution expressions (``n // b``, ``x.T``) are common words of the lesson, not leaks."""


def value_secrets(values: Mapping[str, Any], answers: Iterable[str]) -> list[str]:
    """Textual forms of the solution's answer values that would give the answer away."""
    found: list[str] = []
    for name in answers:
        found += _forms(values.get(name))
    return found


def _forms(value: Any) -> list[str]:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int):
        return [str(value)] if abs(value) >= 10 else []
    if isinstance(value, float):
        if value.is_integer():
            return _forms(int(value))
        return sorted({f"{value:.{d}f}".rstrip("0") for d in (2, 3, 4)} | {repr(value), f"{value:g}"})
    if isinstance(value, str):
        return [f"'{value}'", f'"{value}"', f"`{value}`"] if len(value) >= 3 else []
    if isinstance(value, tuple) and value and all(isinstance(v, int) for v in value) and len(value) > 1:
        return [repr(value)]
    return []


def expression_secrets(source: str) -> list[str]:
    """The right-hand sides and returned expressions of a solution cell, spaces removed."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        value = node.value if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return)) else None
        if value is None or isinstance(value, (ast.Name, ast.Constant)):
            continue
        text = _squeeze(ast.get_source_segment(source, value) or "")
        if len(text) >= MIN_EXPRESSION and not text.startswith(("np.zeros(", "np.ones(", "[", "{", "(")):
            found.append(text)
    return found


def leaks(messages: Sequence[str], secrets: Sequence[str]) -> list[str]:
    """``message (holds 'secret')`` for each message that contains one of the secrets."""
    found = []
    for message in messages:
        message = STUDENTS_OWN.sub("raised (their exception, at their line);", message)
        squeezed = _squeeze(message)
        for secret in secrets:
            if _contains(message, squeezed, secret):
                found.append(f"{message!r} holds {secret!r}")
                break
    return found


def _contains(message: str, squeezed: str, secret: str) -> bool:
    if re.fullmatch(r"-?\d+(\.\d+)?", secret):
        return re.search(rf"(?<![\d.]){re.escape(secret)}(?!\.?\d)", message) is not None
    return _squeeze(secret) in squeezed


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)
