"""Pick, from a student's exported values, the data that feedback pictures need.

Only data crosses here (the transport never runs code): Keras histories become learning curves, and
small image-like arrays (a picture, or the first few of a batch) become thumbnails. Everything is
size-capped so that a gradebook stays small whatever the student exported.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder import transport
from autograder.model import Artifact, ArtifactKind
from autograder.text import NAME_CHARS, bounded

MAX_IMAGES = 8
MAX_IMAGE_ELEMENTS = 64 * 64 * 3 * 4
MAX_HISTORIES = 4
MAX_CURVES = 12
"""Metrics kept per history (loss, accuracy and their validation twins need four)."""
MAX_EPOCHS = 1_000
"""Points kept per curve; a longer history is cut (the feedback page says how many epochs it drew)."""
_PER_BATCH = 4


def _number(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError, OverflowError):
        return math.nan


def _as_history(value: Any) -> dict[str, list[float]] | None:
    """A Keras history's curves, bounded; entries that are not numbers become NaN (never an error)."""
    if not (isinstance(value, transport.Record) and value.type_name.endswith("History")):
        return None
    history = value.attrs.get("history")
    if not isinstance(history, dict):
        return None
    curves = [(k, v) for k, v in history.items() if isinstance(v, list)][:MAX_CURVES]
    return {bounded(str(k), NAME_CHARS): [_number(x) for x in v[:MAX_EPOCHS]] for k, v in curves}


def _as_images(value: Any) -> np.ndarray | None:
    """A picture (h, w) or (h, w, c), or a batch of them cut to a few, when the array looks like one."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf" or value.ndim not in (2, 3, 4):
        return None
    looks_batched = value.ndim == 4 or (value.ndim == 3 and value.shape[-1] not in (1, 3, 4))
    pictures = value[:_PER_BATCH] if looks_batched else value
    height, width = pictures.shape[-3:-1] if pictures.shape[-1] in (1, 3, 4) and pictures.ndim >= 3 else (
        pictures.shape[-2:])
    if min(height, width) < 4 or max(height, width) / min(height, width) > 4:
        return None
    return pictures if pictures.size <= MAX_IMAGE_ELEMENTS else None


def extract(raw_values: bytes) -> tuple[Artifact, ...]:
    """Histories and a few images from a runner's ``ran`` message body."""
    try:
        _, values = transport.loads(raw_values)
    except transport.TransportError:
        return ()
    found: list[Artifact] = []
    counts = {ArtifactKind.HISTORY: 0, ArtifactKind.IMAGE: 0}
    for name, value in values.items():
        try:
            kind, data = _artifact(value)
        except Exception:
            continue
        if kind is not None and counts[kind] < (MAX_HISTORIES if kind == ArtifactKind.HISTORY else MAX_IMAGES):
            found.append(Artifact(bounded(name, NAME_CHARS), kind, data))
            counts[kind] += 1
    return tuple(found)


def _artifact(value: Any) -> tuple[ArtifactKind | None, Any]:
    if (history := _as_history(value)) is not None:
        return ArtifactKind.HISTORY, history
    if (pictures := _as_images(value)) is not None:
        return ArtifactKind.IMAGE, np.ascontiguousarray(pictures)
    return None, None
