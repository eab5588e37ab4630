"""Inside the sandbox: what the student drew, recorded as data.

Checks cannot see a picture, so the runner describes every matplotlib figure (titles, axis labels and ranges,
legends, lines with their points, images) when it is closed (``plt.show()`` under the inline backend closes
it) and, for figures still open, when a cell ends. A figure drawn over several cells keeps its last state.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import sys
from typing import Any

from autograder.records import AxesRecord, FigureRecord, LineRecord, as_record
from autograder.transport import Record

MAX_FIGURES = 20
MAX_AXES = 16
MAX_LINES = 32
MAX_POINTS = 5_000


def _floats(values: Any) -> list[float]:
    out = []
    for value in list(values)[:MAX_POINTS]:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        out.append(number)
    return out


def _pair(limits: Any) -> tuple[float, float]:
    low, high = limits
    return float(low), float(high)


def _line(line: Any) -> Record:
    label = str(line.get_label())
    return as_record(LineRecord(label, _floats(line.get_xdata()), _floats(line.get_ydata())), LineRecord.TYPE_NAME)


def _legend_texts(ax: Any) -> list[str]:
    legend = ax.get_legend()
    return [str(text.get_text()) for text in legend.get_texts()] if legend is not None else []


def _axes(ax: Any) -> Record:
    record = AxesRecord(
        title=str(ax.get_title()), xlabel=str(ax.get_xlabel()), ylabel=str(ax.get_ylabel()),
        xlim=_pair(ax.get_xlim()), ylim=_pair(ax.get_ylim()), legend=_legend_texts(ax),
        lines=[_line(line) for line in ax.get_lines()[:MAX_LINES]], images=len(ax.images),
    )
    return as_record(record, AxesRecord.TYPE_NAME)


def _figure(figure: Any, cell: int) -> Record:
    suptitle = figure._suptitle.get_text() if getattr(figure, "_suptitle", None) is not None else ""
    axes = [_axes(ax) for ax in figure.get_axes()[:MAX_AXES]]
    legends = [str(t.get_text()) for legend in getattr(figure, "legends", []) for t in legend.get_texts()]
    if legends and axes and not axes[0].attrs["legend"]:
        axes[0].attrs["legend"] = legends
    return as_record(FigureRecord(cell, str(suptitle), axes), FigureRecord.TYPE_NAME)


class FigureRecorder:
    """Keeps one record per figure, in the order the figures first appeared."""

    @classmethod
    def started(cls) -> FigureRecorder:
        """A recorder watching matplotlib from before the first cell (the zygote has it imported already)."""
        recorder = cls()
        with contextlib.suppress(ImportError):
            importlib.import_module("matplotlib._pylab_helpers")
        recorder.capture()
        return recorder

    def __init__(self) -> None:
        self.cell = 0
        self._seen: list[Any] = []
        self._records: list[Record] = []

    def capture(self, *_: Any) -> None:
        """Describe every open figure (an IPython ``post_execute`` hook); watch closing from now on."""
        helpers = sys.modules.get("matplotlib._pylab_helpers")
        if helpers is None:
            return
        self._watch(helpers.Gcf)
        for manager in list(helpers.Gcf.figs.values()):
            self._keep(manager.canvas.figure)

    def _watch(self, gcf: Any) -> None:
        """Describe a figure just before matplotlib forgets it (``plt.close``, ``plt.show`` inline)."""
        if getattr(gcf, "_autograder_watched", False):
            return
        destroy, destroy_all = gcf.destroy, gcf.destroy_all

        def watched_destroy(num: Any) -> None:
            manager = num if hasattr(num, "canvas") else gcf.figs.get(num)
            if manager is not None:
                self._keep(manager.canvas.figure)
            destroy(num)

        def watched_destroy_all() -> None:
            for manager in list(gcf.figs.values()):
                self._keep(manager.canvas.figure)
            destroy_all()

        gcf.destroy, gcf.destroy_all = watched_destroy, watched_destroy_all
        gcf._autograder_watched = True

    def _keep(self, figure: Any) -> None:
        try:
            record = _figure(figure, self.cell)
        except Exception:
            return
        for index, known in enumerate(self._seen):
            if known is figure:
                self._records[index] = record
                return
        if len(self._seen) < MAX_FIGURES:
            self._seen.append(figure)
            self._records.append(record)

    def records(self) -> list[Record]:
        return list(self._records)
