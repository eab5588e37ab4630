"""What a student's Keras objects and figures cross the sandbox boundary as: the keys of each record.

The sandbox (``inside/describe.py``, ``inside/figures.py``) builds these and turns them into
``transport.Record``s; checks and feedback read them. The keys are written only here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from autograder import transport


@dataclass(frozen=True)
class KerasLayerRecord:
    """A layer of a student's model, as data."""

    TYPE_PREFIX: ClassVar[str] = "keras.layers."
    class_name: str
    name: str
    units: int | None
    activation: str | None
    built: bool
    output_shape: Any
    count_params: int
    config: dict[str, Any]


@dataclass(frozen=True)
class OptimizerRecord:
    TYPE_PREFIX: ClassVar[str] = "keras.optimizers."
    class_name: str
    learning_rate: float | None


@dataclass(frozen=True)
class KerasModelRecord:
    """A student's model: architecture, compile settings and weights; ``predict``/``evaluate`` are probes."""

    TYPE_NAME: ClassVar[str] = "keras.Model"
    class_name: str
    built: bool
    layers: list[Any]
    """``transport.Record``s of ``KerasLayerRecord``."""
    count_params: int
    input_shape: Any
    output_shape: Any
    compiled: bool
    optimizer: Any
    """A ``transport.Record`` of ``OptimizerRecord``, or None before ``compile``."""
    loss: Any
    metrics: list[Any]
    weights: list[Any]
    predict: transport.FunctionRef
    evaluate: transport.FunctionRef
    architecture: str | None = None
    """``model.to_json()``: what the grader rebuilds the model from, outside the student's process."""
    compile_config: dict[str, Any] | None = None
    """``model.get_compile_config()``: loss, metrics and optimizer, to ``evaluate`` the rebuilt model."""


@dataclass(frozen=True)
class HistoryRecord:
    """A Keras ``History``: per-metric lists of floats, fit's parameters and the epochs run."""

    TYPE_NAME: ClassVar[str] = "keras.callbacks.History"
    history: dict[str, list[float]]
    params: dict[str, Any]
    epoch: list[int]


@dataclass(frozen=True)
class LineRecord:
    """One line of a plot: its legend label and its points."""

    TYPE_NAME: ClassVar[str] = "matplotlib.lines.Line2D"
    label: str
    x: list[float]
    y: list[float]


@dataclass(frozen=True)
class AxesRecord:
    """What one set of axes shows."""

    TYPE_NAME: ClassVar[str] = "matplotlib.axes.Axes"
    title: str
    xlabel: str
    ylabel: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    legend: list[str]
    """The legend's texts; empty without a legend."""
    lines: list[Any]
    """``transport.Record``s of ``LineRecord``."""
    images: int
    """How many images (``imshow``) the axes shows."""


@dataclass(frozen=True)
class FigureRecord:
    """A matplotlib figure as drawn at the end of the cell that drew it; checks get them as ``__figures__``."""

    TYPE_NAME: ClassVar[str] = "matplotlib.figure.Figure"
    NAME: ClassVar[str] = "__figures__"
    """The check parameter (and exported value) that carries every figure, oldest first."""
    cell: int
    """Index of the code cell that drew it (last changed it)."""
    suptitle: str
    axes: list[Any]
    """``transport.Record``s of ``AxesRecord``."""


def as_record(value: Any, type_name: str) -> transport.Record:
    """A Keras record dataclass as the ``transport.Record`` that crosses (attributes in field order)."""
    return transport.Record(type_name, {f.name: getattr(value, f.name) for f in dataclasses.fields(value)})


def record_keys(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))
