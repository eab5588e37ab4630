"""Every message between the grader, the sandboxed runner, the zygote and the check process, versioned.

One frozen dataclass per message kind. A message travels as a ``transport`` body (a JSON header, plus data
values such as the student's arrays) or, on the zygote's control socket, as one JSON datagram. ``decode``
checks the protocol version, that the kind is one the receiver expects, and every field's type, so a hostile
or garbled peer yields a ``ProtocolError`` and never a half-built message. This module runs inside the
sandbox too: it imports only the standard library, ``transport`` and ``model``.

The records that say which attributes a student's model, layer, history or figure carries when it crosses
as a ``transport.Record`` live in ``autograder.records`` (re-exported here).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, TypeVar

from autograder import transport
from autograder.model import CaseState, CellFailure, CellRecord, Received, SubmissionResult
from autograder.records import (  # noqa: F401  (re-exported: the records travel inside these messages)
    AxesRecord,
    FigureRecord,
    HistoryRecord,
    KerasLayerRecord,
    KerasModelRecord,
    LineRecord,
    OptimizerRecord,
    as_record,
    record_keys,
)
from autograder.text import valid

PROTOCOL_VERSION = 5

M = TypeVar("M", bound="Message")


class ProtocolError(transport.TransportError):
    """A message of another version, of an unexpected kind, or with fields of the wrong type."""


@dataclass(frozen=True)
class Message:
    """Base of every message: ``OP`` names its kind on the wire."""

    OP: ClassVar[str] = ""

    def header(self) -> dict[str, Any]:
        return {"v": PROTOCOL_VERSION, "op": self.OP, **_plain(dataclasses.asdict(self))}


# ---------------------------------------------------------------- grader -> runner (in the sandbox)


@dataclass(frozen=True)
class RLimits:
    """The rlimits the runner sets on itself before any student code runs."""

    memory_mb: int
    cpu_seconds: int
    file_size_mb: int
    nproc: int | None = None
    """RLIMIT_NPROC, when the grader can compute a budget for the sandbox's user."""


@dataclass(frozen=True)
class RunCells(Message):
    """Run these cells under a soft deadline, then export the named globals."""

    OP: ClassVar[str] = "run"
    cells: tuple[str, ...]
    names: tuple[str, ...]
    """Globals the checks take; ``*`` means the whole namespace."""
    timeout: float
    rlimits: RLimits
    output_limit: int
    """Characters of printed output kept per cell."""
    preload: tuple[str, ...] = ()
    own_pid_namespace: bool = True
    """Whether the runner may kill every other process it sees once the cells have run."""


@dataclass(frozen=True)
class Ran(Message):
    """The runner's report on the cells; the exported values travel with it as data."""

    OP: ClassVar[str] = "ran"
    cells: tuple[CellRecord, ...]
    timed_out: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds of ``runner setup``, ``cells`` and ``values export`` as the runner measured them (diagnostics only:
    student code shares the process, so nothing is decided by them)."""


@dataclass(frozen=True)
class Call:
    """One call of a student function a check needs; its arguments travel as the value named ``key``."""

    key: str
    func: str


@dataclass(frozen=True)
class CallFunctions(Message):
    """Call these student functions (grader -> runner), or these are the calls the checks need."""

    OP: ClassVar[str] = "call"
    calls: tuple[Call, ...]
    timeout: float


@dataclass(frozen=True)
class CallResults(Message):
    """Results travel as values by call key; calls that raised or hung are in ``errors``."""

    OP: ClassVar[str] = "results"
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RebuildModels(Message):
    """In a fresh sandbox, rebuild these Keras models from their records (architecture, weights, compile
    settings); the student's ``Ran`` body follows, forwarded as it came. Then answer ``call``s on them."""

    OP: ClassVar[str] = "rebuild"
    names: tuple[str, ...]
    rlimits: RLimits
    preload: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rebuilt(Message):
    """Which models could not be rebuilt, and why."""

    OP: ClassVar[str] = "rebuilt"
    errors: dict[str, str] = field(default_factory=dict)


REBUILT = "rebuilt:"
"""Prefix of a call the checks make on a rebuilt model (``rebuilt:model.predict``), never on the student's."""


@dataclass(frozen=True)
class Exit(Message):
    OP: ClassVar[str] = "exit"


# ---------------------------------------------------------------- grader <-> check process


@dataclass(frozen=True)
class Check(Message):
    """Check one submission with these test files; the runner's ``Ran`` body follows, forwarded as it came."""

    OP: ClassVar[str] = "check"
    tests: tuple[str, ...]
    seed: int | None = None
    """The submission's seed for ``check.unseen.rng()``."""
    failures: tuple[CellFailure, ...] = ()
    """The cells that raised, so that a check of a name they set can say so."""
    support: str = ""
    """The lab's own feedback modules (a folder put first on the check process's import path)."""


@dataclass(frozen=True)
class CaseOutcome:
    """One test case's state as the check process reports it."""

    question: str
    name: str
    points: float
    hidden: bool
    state: CaseState = CaseState.PENDING
    message: str = ""


@dataclass(frozen=True)
class Checked(Message):
    """Every case's state, and the calls still needed (their arguments travel as values by key)."""

    OP: ClassVar[str] = "checked"
    cases: tuple[CaseOutcome, ...]
    all_or_nothing: dict[str, bool]
    calls: tuple[Call, ...] = ()


@dataclass(frozen=True)
class Answers(Message):
    """Results of the calls the checks asked for (as values by key) and the errors of those that failed."""

    OP: ClassVar[str] = "answers"
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GiveUp(Message):
    """The pending calls cannot be answered: fail the cases waiting for them with ``reason``."""

    OP: ClassVar[str] = "give_up"
    reason: str


@dataclass(frozen=True)
class Done(Message):
    """Forget this submission; wait for the next ``check``."""

    OP: ClassVar[str] = "done"


# ---------------------------------------------------------------- grader <-> zygote (control socket)


@dataclass(frozen=True)
class ZygoteConfig:
    """What a zygote is started with (its one command-line argument, as JSON)."""

    preload: tuple[str, ...]
    scratch_mb: int
    control_fd: int
    keep: tuple[str, ...] = ()
    """Read-only mounts under /tmp that each child binds back over its fresh /tmp."""


@dataclass(frozen=True)
class Fork(Message):
    """Fork a sandbox for one submission; its two channel descriptors ride along on the datagram."""

    OP: ClassVar[str] = "fork"


@dataclass(frozen=True)
class Forked(Message):
    OP: ClassVar[str] = "forked"
    pid: int


@dataclass(frozen=True)
class Exited(Message):
    OP: ClassVar[str] = "exited"
    pid: int
    code: int


@dataclass(frozen=True)
class Kill(Message):
    OP: ClassVar[str] = "kill"
    pid: int


# ---------------------------------------------------------------- coordinator <-> cluster worker (Dask)


@dataclass(frozen=True)
class GradeTask(Message):
    """Grade one received file with the lab bundle ``version`` the worker's plugin holds."""

    OP: ClassVar[str] = "grade"
    version: str
    received: Received


@dataclass(frozen=True)
class ArtifactRef:
    """An artifact of a graded result; its data travel as the value named ``key``."""

    key: str
    name: str
    kind: str


@dataclass(frozen=True)
class Graded(Message):
    """The result of a ``GradeTask`` (its artifacts' data as values), with when and where it was graded."""

    OP: ClassVar[str] = "graded"
    result: SubmissionResult
    started: datetime
    finished: datetime
    grader_version: str
    artifacts: tuple[ArtifactRef, ...] = ()


# ---------------------------------------------------------------- encoding and decoding


def encode(message: Message, values: dict[str, Any] | None = None) -> bytes:
    """A transport body: the message as header, ``values`` as data."""
    return transport.dumps(message.header(), values)


def decode(body: bytes, *kinds: type[M]) -> tuple[M, dict[str, Any]]:
    """The message (one of ``kinds``) and the values of a transport body; ProtocolError on anything else."""
    header, values = transport.loads(body)
    return from_header(header, *kinds), values


def write(stream: BinaryIO, message: Message, values: dict[str, Any] | None = None) -> None:
    transport.write_raw(stream, encode(message, values))


def read(stream: BinaryIO, *kinds: type[M]) -> tuple[M, dict[str, Any]]:
    """The next message from a stream; EOFError when the peer closed before it started."""
    return decode(transport.read_raw(stream), *kinds)


def encode_control(message: Message) -> bytes:
    """One datagram on the zygote's control socket."""
    return json.dumps(message.header()).encode()


def decode_control(datagram: bytes, *kinds: type[M]) -> M:
    try:
        header = json.loads(datagram)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"unreadable control message ({exc})") from exc
    return from_header(header, *kinds)


def from_header(header: Any, *kinds: type[M]) -> M:
    if not isinstance(header, dict):
        raise ProtocolError("a message header must be an object")
    if header.get("v") != PROTOCOL_VERSION:
        raise ProtocolError(f"protocol version {header.get('v')!r}, expected {PROTOCOL_VERSION}")
    by_op = {kind.OP: kind for kind in kinds}
    kind = by_op.get(header.get("op"))
    if kind is None:
        raise ProtocolError(f"unexpected message {header.get('op')!r}, expected one of {sorted(by_op)}")
    fields = {k: v for k, v in header.items() if k not in ("v", "op")}
    return build(kind, fields)


def build(cls: type[Any], data: Any) -> Any:
    """``cls`` (a dataclass) from decoded JSON, every field checked against its annotation."""
    if not isinstance(data, dict):
        raise ProtocolError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = _hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = set(data) - known
    if unknown:
        raise ProtocolError(f"{cls.__name__}: unknown fields {sorted(unknown)}")
    try:
        return cls(**{name: _coerce(hints[name], value, f"{cls.__name__}.{name}") for name, value in data.items()})
    except TypeError as exc:
        raise ProtocolError(f"{cls.__name__}: {exc}") from exc


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _coerce(hint: Any, value: Any, where: str) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        return _coerce(options[0], value, where) if len(options) == 1 else value
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise ProtocolError(f"{where}: expected a list")
        items = [_coerce(args[0] if args else Any, v, where) for v in value]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            raise ProtocolError(f"{where}: expected an object")
        return {str(k): _coerce(args[1] if args else Any, v, where) for k, v in value.items()}
    return _scalar(hint, value, where)


def _scalar(hint: Any, value: Any, where: str) -> Any:
    if dataclasses.is_dataclass(hint):
        return build(hint, value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except ValueError as exc:
            raise ProtocolError(f"{where}: {value!r} is not a {hint.__name__}") from exc
    if hint is Path and type(value) is str:
        return Path(valid(value))
    if hint is datetime and type(value) is str:
        try:
            return datetime.fromisoformat(value)
        except ValueError as exc:
            raise ProtocolError(f"{where}: {value!r} is not an ISO time") from exc
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hint is str and type(value) is str:
        return valid(value)
    if hint in (int, bool) and type(value) is hint:
        return value
    raise ProtocolError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {type(value).__name__}")


def _plain(value: Any) -> Any:
    """Tuples as lists and enums as their values, so headers are plain JSON."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
