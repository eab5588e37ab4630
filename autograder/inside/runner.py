"""The program that runs inside the sandbox: executes a student's cells and hands back data only.

It plays the part of a Jupyter kernel without the kernel's start-up cost: an IPython shell (so magics
such as ``%matplotlib inline`` work) runs each code cell in order, keeps going after a cell fails,
and stops at a soft deadline. It then exports the values the checks asked for, and finally answers
probe requests: calls to the student's own functions on inputs the checks choose only now.

Everything here shares a process with untrusted code, so nothing it sends is trusted by the grader:
it only ever sends data, as ``autograder.protocol`` messages.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import time
import traceback
from typing import Any, BinaryIO

from autograder import protocol, transport
from autograder.inside import describe
from autograder.inside.figures import FigureRecorder
from autograder.inside.limits import apply_limits
from autograder.inside.rebuild import rebuild_all
from autograder.model import CellRecord, CellStatus, Stage

OUTPUT_LIMIT = 8_000
"""Characters of each cell's output that are sent back (for feedback)."""


class DeadlineExceeded(BaseException):
    """Raised inside student code when the soft deadline passes; BaseException so `except Exception` misses it."""


_armed = False
_reap_on_deadline = False
REPEAT = 0.01
"""After the deadline the alarm repeats: CPython swallows exceptions raised inside fork hooks, so a
single alarm that lands there (as it usually does in a fork loop) would be lost."""


def _on_alarm(signum: int, frame: Any) -> None:
    """Stop the running cell; inside our own PID namespace, first kill whatever it spawned.

    Killing from the handler itself matters for fork bombs: hundreds of spinning children leave the
    runner so little CPU that its exception might otherwise never be raised in time.
    """
    if _armed:
        if _reap_on_deadline:
            reap_strays()
        raise DeadlineExceeded()


def _arm(seconds: float) -> None:
    global _armed
    _armed = True
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001), REPEAT)


def _disarm() -> None:
    global _armed
    _armed = False
    signal.setitimer(signal.ITIMER_REAL, 0)


def _private_channels() -> tuple[BinaryIO, BinaryIO]:
    """Move the protocol off fds 0-2: student prints go through Python (captured), raw fd writes nowhere."""
    inp = os.fdopen(os.dup(0), "rb", buffering=0)
    out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    return inp, out


class BoundedOutput(io.TextIOBase):
    """A stdout/stderr stand-in that keeps the first ``limit`` characters and only counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self) -> str:
        extra = f"\n... ({self.dropped} more characters of output not kept)" if self.dropped else ""
        return "".join(self.parts) + extra


def _make_shell(recorder: FigureRecorder) -> Any:
    """A shell that formats displayed values as text only: the grader keeps printed text and records figures as
    data, so rendering each figure to PNG (about 0.1 s) would be thrown away."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "nocolor"
    cfg.InteractiveShell.xmode = "Plain"
    cfg.DisplayFormatter.active_types = ["text/plain"]

    class NotebookShell(InteractiveShell):
        """A shell for headless notebooks: GUI event loops are not needed, so enabling one is a no-op."""

        def enable_gui(self, gui: str | None = None) -> None:
            return None

    shell = NotebookShell.instance(config=cfg)
    shell.user_ns["__name__"] = "__main__"
    shell.events.register("post_execute", recorder.capture)
    return shell


_WARM: tuple[FigureRecorder, Any] | None = None
"""A shell built in the zygote before it forked (no student code has run in it): each sandbox's own copy."""


def warm_shell() -> None:
    """Build the IPython shell (about 0.1 s) once in the zygote rather than in every forked sandbox."""
    global _WARM
    recorder = FigureRecorder.started()
    _WARM = (recorder, _make_shell(recorder))


def _shell() -> tuple[FigureRecorder, Any]:
    """The zygote's shell for this sandbox, or a new one in a cold start."""
    global _WARM
    if _WARM is not None:
        warm, _WARM = _WARM, None
        return warm
    recorder = FigureRecorder.started()
    return recorder, _make_shell(recorder)


def _short(text: str, limit: int = OUTPUT_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n... ({len(text) - limit} more characters)"


def _failing_line(error: BaseException, source: str) -> str:
    """The cell's own line where ``error`` was raised (the deepest frame in the cell), or ``""``."""
    lines = source.splitlines()
    lineno = error.lineno if isinstance(error, SyntaxError) else None
    tb, cell = error.__traceback__, None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith("<") and cell in (None, filename):
            cell, lineno = filename, tb.tb_lineno
        tb = tb.tb_next
    if lineno is None or not 1 <= lineno <= len(lines):
        return ""
    return _short(lines[lineno - 1].strip(), 200)


def _run_cell(shell: Any, index: int, source: str, output_limit: int) -> tuple[CellRecord, bool]:
    """Run one cell; returns its record and whether the deadline passed."""
    captured = BoundedOutput(output_limit)
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = captured
    try:
        result = shell.run_cell(source, store_history=False, silent=False)
    finally:
        sys.stdout, sys.stderr = saved
    error = result.error_in_exec or result.error_before_exec
    timed_out = isinstance(error, DeadlineExceeded)
    output = _short(captured.text())
    if timed_out:
        reason = "the cell was still running when the time limit was reached"
        return CellRecord(index, CellStatus.TIMEOUT, output, reason), True
    if error is not None:
        text = _short(f"{type(error).__name__}: {error}", 500)
        return CellRecord(index, CellStatus.ERROR, output, text, _failing_line(error, source)), False
    return CellRecord(index, CellStatus.OK, output), False


def run_cells(shell: Any, cells: list[str], timeout: float, output_limit: int,
              recorder: FigureRecorder | None = None) -> tuple[list[CellRecord], bool]:
    """Execute cells in order under one soft deadline; later cells still run after an error."""
    records: list[CellRecord] = []
    timed_out = False
    _arm(timeout)
    try:
        for index, source in enumerate(cells):
            if recorder is not None:
                recorder.cell = index
            record, timed_out = _run_cell(shell, index, source, output_limit)
            records.append(record)
            if timed_out:
                break
    except DeadlineExceeded:
        timed_out = True
    finally:
        _disarm()
    return records, timed_out


_HIDDEN_GLOBALS = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def _requested(namespace: dict[str, Any], names: list[str]) -> list[str]:
    if "*" not in names:
        return [n for n in names if n in namespace]
    return [n for n in namespace if not n.startswith("_") and n not in _HIDDEN_GLOBALS]


def harvest(namespace: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Pick the requested globals as data: functions become probe references, objects records."""
    values: dict[str, Any] = {}
    for name in _requested(namespace, names):
        try:
            values[name] = describe.exportable(name, namespace[name])
        except Exception as exc:
            values[name] = transport.Opaque(f"unexportable ({type(exc).__name__})")
    return values


def _resolve(namespace: dict[str, Any], dotted: str) -> Any:
    head, *rest = dotted.split(".")
    target = namespace.get(head)
    for attr in rest:
        target = getattr(target, attr, None)
    return target


def prepare(preload: tuple[str, ...], seed: int = 0) -> None:
    """Import what the lab preloads and seed every random generator, so training is repeatable."""
    import random

    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    if "keras" in preload:
        import keras
        import tensorflow as tf

        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()


def _call(namespace: dict[str, Any], func: str, args: Any, timeout: float) -> tuple[Any, str | None]:
    target = _resolve(namespace, func)
    if not callable(target):
        return None, f"`{func}` is no longer a function"
    _arm(timeout)
    try:
        return target(*args[0], **args[1]), None
    except DeadlineExceeded:
        return None, f"`{func}` did not return within {timeout:g} s"
    except BaseException as exc:
        frames = traceback.extract_tb(exc.__traceback__)[1:]
        where = f" (line {frames[-1].lineno})" if frames else ""
        return None, _short(f"{type(exc).__name__}: {exc}{where}", 500)
    finally:
        _disarm()


def serve_calls(inp: BinaryIO, out: BinaryIO, namespace: dict[str, Any]) -> None:
    """Answer probe requests until the grader says exit or closes the channel."""
    while True:
        try:
            request, values = protocol.read(inp, protocol.CallFunctions, protocol.Exit)
        except EOFError:
            return
        if not isinstance(request, protocol.CallFunctions):
            return
        results: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for call in request.calls:
            key = call.key
            result, error = _call(namespace, call.func, values.get(key, ((), {})), request.timeout)
            if error is None:
                try:
                    transport.dumps({}, {key: result})
                    results[key] = result
                except Exception as exc:
                    error = f"returned a value that cannot be checked ({type(exc).__name__})"
            if error is not None:
                errors[key] = error
        protocol.write(out, protocol.CallResults(errors), results)


def reap_strays() -> None:
    """Kill every other process the student's code left behind (only ever called inside our own PID namespace).

    A fork bomb's children keep spinning after the deadline has stopped the cells; without them the
    runner gets the CPU back and can still export the values of the cells that ran.
    """
    with contextlib.suppress(OSError):
        os.kill(-1, signal.SIGKILL)


def _serve_rebuilt(inp: BinaryIO, out: BinaryIO, request: protocol.RebuildModels) -> None:
    """Rebuild the student's models from the forwarded values (data only) and answer calls on them."""
    _, values = transport.read_message(inp)
    models, errors = rebuild_all(values, request.names)
    protocol.write(out, protocol.Rebuilt(errors))
    serve_calls(inp, out, models)


def main() -> int:
    inp, out = _private_channels()
    request, _ = protocol.read(inp, protocol.RunCells, protocol.RebuildModels)
    started = time.perf_counter()
    apply_limits(request.rlimits)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    sys.argv = ["notebook"]
    prepare(request.preload)
    if isinstance(request, protocol.RebuildModels):
        _serve_rebuilt(inp, out, request)
        out.flush()
        os._exit(0)
    recorder, shell = _shell()
    global _reap_on_deadline
    _reap_on_deadline = request.own_pid_namespace
    ran = time.perf_counter()
    records, timed_out = run_cells(shell, list(request.cells), request.timeout, request.output_limit, recorder)
    if _reap_on_deadline:
        reap_strays()
    exporting = time.perf_counter()
    values = harvest(shell.user_ns, list(request.names))
    if protocol.FigureRecord.NAME in request.names or "*" in request.names:
        values[protocol.FigureRecord.NAME] = recorder.records()
    timings = {Stage.SETUP: ran - started, Stage.CELLS: exporting - ran, Stage.EXPORT: time.perf_counter() - exporting}
    protocol.write(out, protocol.Ran(tuple(records), timed_out, timings), values)
    serve_calls(inp, out, shell.user_ns)
    out.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
