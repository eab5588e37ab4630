"""Multiple-choice answers: one letter, written as the student may write it, and why a wrong choice is wrong.

A wrong choice's message explains that choice only, never which letter is right; the public check (no
``right``) only judges the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autograder.model import Finding, FindingCode

from .compare import a_type
from .exceptions import failure_of, raised_finding


def letter_of(got: Any) -> str | None:
    """A choice as the student may write it: "c", "C", " c ", "(c)", "c)", "[C]"; None for anything else."""
    if not isinstance(got, str):
        return None
    text = got.strip().strip("().[]").strip().lower()
    return text if len(text) == 1 and text.isalpha() else None


def explain_choice(name: str, got: Any, reasons: Mapping[str, str], right: str | None = None) -> Finding | None:
    """A multiple-choice answer: one letter, as a string.

    ``reasons`` maps each wrong letter to why that choice is wrong; ``right`` is the right letter. Without
    ``right`` (public checks) only the form is checked: one of the letters.
    """
    letters = sorted({*reasons, *([right] if right else [])})
    listed = ", ".join(f'"{letter}"' for letter in letters)
    if got is None or got is Ellipsis or (isinstance(got, str) and not got.strip()):
        failure = failure_of(name) if got is None else None
        if failure is not None:
            return raised_finding(name, failure)
        return Finding(FindingCode.MISSING, f"`{name}` is not set yet: set it to the letter of your choice, as a "
                       "string such as `\"a\"`.")
    if not isinstance(got, str):
        return Finding(FindingCode.TYPE, f"`{name}` should be one letter as a string, one of {listed}, not "
                       f"{a_type(got)}.")
    letter = letter_of(got)
    if letter not in letters:
        return Finding(FindingCode.VALUES, f"`{name}` is {got!r}, which is not one of the choices: set it to one "
                       f"letter, one of {listed}.")
    if right is None or letter == right:
        return None
    return Finding(FindingCode.CANDIDATE, f"Choice \"{letter}\" is not right. {reasons[letter]}")
