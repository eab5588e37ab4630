"""Pictures for the reports, drawn with matplotlib's Agg renderer and returned as ``data:image/png`` URIs.

No pyplot: each picture is its own :class:`~matplotlib.figure.Figure`, so nothing global changes and
nothing leaks between calls. Text that comes from a student (metric names) is made safe for
matplotlib first: no mathtext, no glyphs the bundled font lacks.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

MAX_TILES = 4
"""Pictures drawn per image artifact."""
MAX_ASPECT = 4.0
"""Arrays flatter than this are data tables (a batch of flattened rows), not pictures: not drawn."""
MAX_CURVES = 3
"""Metric panels in one learning-curve figure (loss first, then accuracy, then others)."""

_TRAIN, _VALIDATION = "#2f5fb3", "#d9822b"


@dataclass(frozen=True)
class Picture:
    """A drawn picture and a one-line description of what it shows."""

    uri: str
    caption: str


def png_uri(fig: Figure, dpi: int = 100) -> str:
    """Render the figure to PNG and return it as a ``data:`` URI."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def safe_label(text: str, limit: int = 40) -> str:
    """Text for matplotlib: printable ASCII, ``$`` escaped (no mathtext), cut to ``limit`` characters."""
    cleaned = "".join(c if 32 <= ord(c) < 127 else "?" for c in str(text))[:limit]
    return cleaned.replace("\\", "/").replace("$", r"\$")


def _finite(values: Sequence[object]) -> list[float]:
    out = []
    for value in values:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = math.nan
        out.append(number if math.isfinite(number) else math.nan)
    return out


def _metric_pairs(history: dict[str, Sequence[object]]) -> list[tuple[str, list[float], list[float] | None]]:
    """(metric, train values, validation values or None), loss first, then accuracy, then the rest."""
    bases = [k for k in history if not k.startswith("val_")]
    bases += [k[4:] for k in history if k.startswith("val_") and k[4:] not in history]
    bases.sort(key=lambda k: (k != "loss", k not in ("accuracy", "acc"), k))
    pairs = []
    for base in bases:
        train = _finite(history.get(base, []))
        validation = _finite(history[f"val_{base}"]) if f"val_{base}" in history else None
        if any(math.isfinite(v) for v in train + (validation or [])):
            pairs.append((base, train, validation))
    return pairs[:MAX_CURVES]


def learning_curves(history: dict[str, Sequence[object]]) -> Picture | None:
    """Loss and accuracy per epoch, training against validation; None when nothing is plottable."""
    pairs = _metric_pairs(history)
    if not pairs:
        return None
    fig = Figure(figsize=(4.2 * len(pairs), 3.2), layout="constrained")
    for ax, (metric, train, validation) in zip(fig.subplots(1, len(pairs), squeeze=False)[0], pairs, strict=True):
        for values, label, colour in ((train, "training", _TRAIN), (validation, "validation", _VALIDATION)):
            if values:
                epochs = range(1, len(values) + 1)
                ax.plot(epochs, values, marker="o" if len(values) < 15 else None, ms=3, color=colour, label=label)
        ax.set_title(safe_label(metric))
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(frameon=False)
    epochs = max(len(t) for _, t, _ in pairs)
    names = ", ".join(m for m, _, _ in pairs)
    return Picture(png_uri(fig), f"Learning curves ({names}) over {epochs} epoch{'s' * (epochs != 1)}: "
                                 "training in blue, validation in orange.")


def _tiles(array: np.ndarray) -> tuple[list[np.ndarray], str]:
    """Split an image artifact into drawable tiles (2-D grey or h x w x 3 colour) and say how."""
    colour = array.ndim >= 3 and array.shape[-1] in (1, 3, 4)
    if array.ndim == 2 or (array.ndim == 3 and colour):
        return [array], "1 picture"
    if array.ndim == 3 or colour:
        shown = "" if len(array) <= MAX_TILES else f" (the first {MAX_TILES} shown)"
        return list(array[:MAX_TILES]), f"{len(array)} picture{'s' * (len(array) != 1)}{shown}"
    planes = array[0, :MAX_TILES]
    return list(planes), (f"the last axis has {array.shape[-1]} entries, not 1, 3 or 4 colour channels, "
                          f"so the first picture is shown as its {len(planes)} planes along axis 1")


def _display_range(array: np.ndarray) -> tuple[float, float]:
    """The value range to map to black..white: 0-255 for bytes, 0-1 for unit floats, else min..max."""
    finite = array[np.isfinite(array)] if array.dtype.kind == "f" else array
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    if array.dtype.kind == "b" or (low >= 0 and high <= 1):
        return 0.0, 1.0
    if array.dtype.kind in "iu" and low >= 0 and high <= 255:
        return 0.0, 255.0
    return (low, high) if high > low else (low - 0.5, low + 0.5)


def _prepare(tile: np.ndarray, low: float, high: float) -> tuple[np.ndarray, bool]:
    """A float tile scaled to 0..1 (NaN as 0), and whether it is colour."""
    scaled = (np.nan_to_num(tile.astype(np.float64), nan=low, posinf=high, neginf=low) - low) / (high - low)
    scaled = np.clip(scaled, 0.0, 1.0)
    if scaled.ndim == 3 and scaled.shape[-1] == 1:
        scaled = scaled[..., 0]
    if scaled.ndim == 3:
        scaled = scaled[..., :3]
    return scaled, scaled.ndim == 3


def _value_text(array: np.ndarray) -> str:
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        finite = array[np.isfinite(array)]
        spread = f"{finite.min():.4g} to {finite.max():.4g}" if finite.size else "none finite"
        return f"values {spread} (some NaN or infinite)"
    return f"values {array.min():.4g} to {array.max():.4g}"


def image_tiles(name: str, data: object) -> Picture | None:
    """The student's own array drawn as pictures, captioned with dtype and value range; None if not a picture."""
    array = np.asarray(data)
    if array.dtype.kind not in "biuf" or array.ndim not in (2, 3, 4) or array.size == 0:
        return None
    tiles, how = _tiles(array)
    height, width = tiles[0].shape[:2]
    if min(height, width) < 2 or max(height, width) / min(height, width) > MAX_ASPECT:
        return None
    low, high = _display_range(array)
    side = 1.3 if max(height, width) <= 32 else 2.2
    fig = Figure(figsize=(side * len(tiles), side * height / width + 0.1), layout="constrained")
    for ax, tile in zip(fig.subplots(1, len(tiles), squeeze=False)[0], tiles, strict=True):
        pixels, colour = _prepare(tile, low, high)
        ax.imshow(pixels, cmap=None if colour else "gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set_axis_off()
    shape = " x ".join(str(n) for n in array.shape)
    caption = f"{name}: shape ({shape}), {array.dtype}, {_value_text(array)}; {how}."
    return Picture(png_uri(fig), caption)


def score_histogram(scores: Sequence[float], max_score: float) -> str:
    """Histogram of total scores, 0 to the maximum, as a ``data:`` URI."""
    fig = Figure(figsize=(6.4, 3.0), layout="constrained")
    ax = fig.subplots()
    top = max(max_score, max(scores, default=0.0), 1.0)
    bins = np.linspace(0, top, min(math.ceil(top), 20) + 1)
    ax.hist(scores, bins=bins, color=_TRAIN, edgecolor="white")
    ax.set_xlim(0, top)
    ax.set_xlabel(f"score (out of {max_score:g})")
    ax.set_ylabel("submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", alpha=0.3)
    return png_uri(fig)


def question_bars(names: Sequence[str], average_percent: Sequence[float], full_percent: Sequence[float]) -> str:
    """Per question: average score and share of full marks, both in percent, side by side."""
    fig = Figure(figsize=(4.8 if len(names) <= 10 else 0.4 * len(names) + 1, 3.0), layout="constrained")
    ax = fig.subplots()
    x = np.arange(len(names))
    ax.bar(x - 0.2, average_percent, 0.4, color=_TRAIN, label="average score")
    ax.bar(x + 0.2, full_percent, 0.4, color=_VALIDATION, label="full marks")
    ax.set_xticks(x, [safe_label(n, 16) for n in names], rotation=0 if len(names) <= 10 else 60)
    ax.set_ylim(0, 100)
    ax.set_ylabel("percent")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(frameon=False, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return png_uri(fig)
