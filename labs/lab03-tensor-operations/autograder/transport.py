"""Data-only messages between the grader, the student's sandbox and the check process.

Everything that crosses a trust boundary goes through this module: a message is a JSON header followed
by NumPy arrays in ``.npy`` format, each loaded with ``allow_pickle=False``. Nothing a student process
writes is ever unpickled or executed; values that cannot be expressed as data arrive as ``Opaque``.
The module must stay importable without anything but the standard library and NumPy, because it runs
inside the sandbox too.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

MAX_MESSAGE_BYTES = 512 * 1024 * 1024
"""Upper bound for one message; a larger one is refused rather than read into memory."""

_MAX_DEPTH = 32
_MAX_ITEMS = 100_000
_SAFE_TYPES = {
    "builtins.int": int,
    "builtins.float": float,
    "builtins.bool": bool,
    "builtins.str": str,
    "builtins.complex": complex,
}


class TransportError(Exception):
    """A message was malformed, too large, or truncated."""


@dataclass(frozen=True)
class Opaque:
    """Stand-in for a value that could not cross as data (a module, an open file, a custom object)."""

    type_name: str
    """The qualified type name of the original value."""

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


@dataclass(frozen=True)
class FunctionRef:
    """A function defined in the student's process; checks call it through a probe proxy."""

    name: str
    """The global name the function is bound to in the student's namespace."""


@dataclass(frozen=True)
class Record:
    """A student's object reduced to its data attributes (a Keras History, a model's description, ...).

    Checks read it like the original object (``history.history['loss']``); attributes that were
    methods arrive as ``FunctionRef`` and are called through probes.
    """

    type_name: str
    """What the object was, for messages (``keras.callbacks.History``)."""
    attrs: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        attrs = object.__getattribute__(self, "attrs")
        if name in attrs:
            return attrs[name]
        raise AttributeError(f"this {self.type_name} has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"<{self.type_name} record: {', '.join(sorted(self.attrs))}>"


def _type_key(t: type) -> str:
    return f"{t.__module__}.{t.__qualname__}"


class _Encoder:
    """Turns a value into a JSON-able tree plus a list of arrays."""

    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.items = 0

    def array(self, a: np.ndarray) -> int:
        self.arrays.append(a)
        return len(self.arrays) - 1

    def encode_safely(self, value: Any) -> Any:
        """Encode, turning any failure on a hostile or broken object into an Opaque stand-in."""
        try:
            return self.encode(value)
        except Exception as exc:
            return {"__opaque__": f"unexportable ({type(exc).__name__})"}

    def encode(self, value: Any, depth: int = 0) -> Any:
        self.items += 1
        if depth > _MAX_DEPTH or self.items > _MAX_ITEMS:
            return {"__opaque__": "too deeply nested or too large"}
        if isinstance(value, np.generic):
            return {"__npscalar__": self.array(np.asarray(value))}
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return value if abs(value) < 2**53 else {"__bigint__": str(value)}
        if isinstance(value, float):
            return {"__float__": repr(float(value))}
        if isinstance(value, complex):
            return {"__complex__": [value.real, value.imag]}
        if value is Ellipsis:
            return {"__ellipsis__": True}
        return self._encode_container(value, depth)

    def _encode_container(self, value: Any, depth: int) -> Any:
        if isinstance(value, np.ndarray):
            if value.dtype.hasobject:
                return {"__list_array__": self.encode(value.tolist(), depth + 1), "shape": list(value.shape)}
            return {"__ndarray__": self.array(value)}
        if isinstance(value, np.dtype):
            return {"__dtype__": value.str if value.names is None else str(value)}
        if isinstance(value, type) and (issubclass(value, np.generic) or _type_key(value) in _SAFE_TYPES):
            return {"__type__": _type_key(value)}
        if isinstance(value, tuple):
            return {"__tuple__": [self.encode(v, depth + 1) for v in value]}
        if isinstance(value, list):
            return [self.encode(v, depth + 1) for v in value]
        if isinstance(value, dict):
            return {"__dict__": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()]}
        if isinstance(value, (set, frozenset)):
            return {"__set__": [self.encode(v, depth + 1) for v in value]}
        if isinstance(value, FunctionRef):
            return {"__function__": value.name}
        if isinstance(value, Record):
            attrs = [[str(k), self.encode(v, depth + 1)] for k, v in value.attrs.items()]
            return {"__record__": value.type_name, "attrs": attrs}
        return {"__opaque__": _type_key(type(value))}


class _Decoder:
    def __init__(self, arrays: list[np.ndarray]) -> None:
        self.arrays = arrays

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH + 2:
            raise TransportError("message nested too deeply")
        if node is None or isinstance(node, (bool, int, str)):
            return node
        if isinstance(node, list):
            return [self.decode(v, depth + 1) for v in node]
        if not isinstance(node, dict) or len(node) not in (1, 2):
            raise TransportError(f"unexpected node {type(node).__name__}")
        return self._decode_tagged(node, depth)

    def _decode_tagged(self, node: dict, depth: int) -> Any:
        tag, payload = next(iter(node.items()))
        if tag == "__float__":
            return float(payload)
        if tag == "__bigint__":
            return int(payload)
        if tag == "__complex__":
            return complex(float(payload[0]), float(payload[1]))
        if tag == "__ellipsis__":
            return Ellipsis
        if tag == "__ndarray__":
            return self._array(payload)
        if tag == "__npscalar__":
            return self._array(payload)[()]
        if tag == "__list_array__":
            return self.decode(payload, depth + 1)
        if tag == "__dtype__":
            return np.dtype(str(payload))
        if tag == "__type__":
            return _safe_type(str(payload))
        if tag == "__tuple__":
            return tuple(self.decode(v, depth + 1) for v in payload)
        if tag == "__set__":
            return {self._hashable(self.decode(v, depth + 1)) for v in payload}
        if tag == "__dict__":
            return {self._hashable(self.decode(k, depth + 1)): self.decode(v, depth + 1) for k, v in payload}
        if tag == "__function__":
            return FunctionRef(str(payload))
        if tag == "__record__":
            attrs = {str(k): self.decode(v, depth + 1) for k, v in node.get("attrs", [])}
            return Record(str(payload), attrs)
        if tag == "__opaque__":
            return Opaque(str(payload))
        raise TransportError(f"unknown tag {tag!r}")

    def _array(self, index: Any) -> np.ndarray:
        if not isinstance(index, int) or not 0 <= index < len(self.arrays):
            raise TransportError("array reference out of range")
        return self.arrays[index]

    @staticmethod
    def _hashable(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return Opaque("numpy.ndarray")
        try:
            hash(value)
        except TypeError:
            return Opaque(type(value).__name__)
        return value


def _safe_type(key: str) -> type:
    if key in _SAFE_TYPES:
        return _SAFE_TYPES[key]
    if key.startswith("numpy."):
        candidate = getattr(np, key.removeprefix("numpy."), None)
        if isinstance(candidate, type) and issubclass(candidate, np.generic):
            return candidate
    raise TransportError(f"type {key!r} is not allowed")


def dumps(header: dict[str, Any], values: dict[str, Any] | None = None) -> bytes:
    """Serialise a header and named values into one message body."""
    enc = _Encoder()
    doc = {"header": header, "values": {k: enc.encode_safely(v) for k, v in (values or {}).items()}}
    head = json.dumps(doc, allow_nan=False).encode()
    parts = [struct.pack("<QI", len(head), len(enc.arrays)), head]
    for arr in enc.arrays:
        buf = io.BytesIO()
        np.save(buf, arr, allow_pickle=False)
        parts += [struct.pack("<Q", buf.tell()), buf.getvalue()]
    return b"".join(parts)


def loads(body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse a message body from ``dumps``; raises TransportError on anything malformed."""
    try:
        head_len, n_arrays = struct.unpack_from("<QI", body, 0)
        pos = 12
        doc = json.loads(body[pos : pos + head_len])
        pos += head_len
        arrays = []
        for _ in range(n_arrays):
            (size,) = struct.unpack_from("<Q", body, pos)
            pos += 8
            arrays.append(np.load(io.BytesIO(body[pos : pos + size]), allow_pickle=False))
            pos += size
        dec = _Decoder(arrays)
        values = {str(k): dec.decode(v) for k, v in doc["values"].items()}
        return dict(doc["header"]), values
    except TransportError:
        raise
    except Exception as exc:
        raise TransportError(f"malformed message: {type(exc).__name__}: {exc}") from exc


def loads_header(body: bytes) -> dict[str, Any]:
    """Only the JSON header of a message body, without decoding its values (the grader forwards those)."""
    try:
        head_len, _ = struct.unpack_from("<QI", body, 0)
        doc = json.loads(body[12 : 12 + head_len])
        return dict(doc["header"])
    except Exception as exc:
        raise TransportError(f"malformed message: {type(exc).__name__}: {exc}") from exc


def write_message(stream: BinaryIO, header: dict[str, Any], values: dict[str, Any] | None = None) -> None:
    """Write one length-prefixed message to a binary stream and flush it."""
    write_raw(stream, dumps(header, values))


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(min(remaining, 1 << 20))
        if not chunk:
            raise TransportError("stream ended in the middle of a message")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def write_raw(stream: BinaryIO, body: bytes) -> None:
    """Write an already serialised message body, length-prefixed, and flush."""
    stream.write(struct.pack("<Q", len(body)) + body)
    stream.flush()


def read_raw(stream: BinaryIO, limit: int = MAX_MESSAGE_BYTES) -> bytes:
    """Read one length-prefixed message body; EOFError when the stream is closed before it starts."""
    prefix = stream.read(8)
    if not prefix:
        raise EOFError("stream closed")
    if len(prefix) < 8:
        raise TransportError("stream ended in the middle of a length prefix")
    (size,) = struct.unpack("<Q", prefix)
    if size > limit:
        raise TransportError(f"message of {size} bytes exceeds the limit of {limit}")
    return _read_exact(stream, size)


def read_message(stream: BinaryIO, limit: int = MAX_MESSAGE_BYTES) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read and parse one message written by ``write_message``."""
    return loads(read_raw(stream, limit))


def call_key(func: str, args: tuple, kwargs: dict[str, Any]) -> str:
    """A stable identity for a function call, so recorded results can be matched to repeated calls."""
    return hashlib.sha256(dumps({"func": func}, {"args": args, "kwargs": kwargs})).hexdigest()
