"""Text that came from a submission, made safe where it enters the grader: valid UTF-8 and of bounded size.

Student code controls file names, printed output, exception messages and values. Any of them may hold lone
surrogates (which SQLite and the terminal refuse to encode) or be megabytes long; both must be dealt with
once, at the boundary, and never stop a batch. A cut is said in the text itself.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")

OUTPUT_CHARS = 8_000
"""Printed output kept per cell (the sandbox keeps as much; the grader does not rely on it)."""
ERROR_CHARS = 500
"""A cell's one-line error."""
MESSAGE_CHARS = 2_000
"""A check's message."""
NAME_CHARS = 300
"""A student key, display name or file name."""


def valid(text: str) -> str:
    """``text`` with lone surrogates (undecodable file-name bytes, ``"\\udc80"`` in JSON) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def bounded(text: str, limit: int, what: str = "text") -> str:
    """Valid text of at most about ``limit`` characters; a longer one is cut and says so."""
    text = valid(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n... ({what} cut at {limit:,} characters by the grader; {len(text) - limit:,} more)"
