"""The data-only transport: what crosses from a student's process must never execute code."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest

from autograder import transport


def roundtrip(value):
    _, values = transport.loads(transport.dumps({}, {"v": value}))
    return values["v"]


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        7,
        -(2**70),
        2.5,
        float("inf"),
        1 + 2j,
        "text",
        ...,
        (1, (2, 3)),
        [1, [2]],
        {"a": 1, 3: (4,)},
        np.float32(1.5),
        np.float64(0.97),
        np.int64(3),
        np.bool_(True),
        np.str_("s"),
        np.dtype("float32"),
        np.float64,
        float,
        {1, 2},
    ],
)
def test_plain_values_roundtrip(value):
    got = roundtrip(value)
    assert got == value and type(got) is type(value)


def test_arrays_keep_shape_dtype_and_zero_dims():
    for arr in (np.arange(12, dtype="uint8").reshape(3, 4).T, np.array(5.0), np.zeros((0, 3)), np.array([True])):
        got = roundtrip(arr)
        assert got.shape == arr.shape and got.dtype == arr.dtype and np.array_equal(got, arr)


def test_unknown_objects_arrive_as_opaque_and_functions_as_references():
    class Custom:
        pass

    assert isinstance(roundtrip(Custom()), transport.Opaque)
    assert roundtrip(transport.FunctionRef("f")) == transport.FunctionRef("f")
    assert roundtrip(np.array([object()], dtype=object)) == [transport.Opaque("builtins.object")]


def _message_with_array(raw_npy: bytes) -> bytes:
    head = b'{"header": {}, "values": {"v": {"__ndarray__": 0}}}'
    return struct.pack("<QI", len(head), 1) + head + struct.pack("<Q", len(raw_npy)) + raw_npy


def test_pickled_arrays_are_refused():
    buf = io.BytesIO()
    np.save(buf, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(transport.TransportError, match="pickle"):
        transport.loads(_message_with_array(buf.getvalue()))


@pytest.mark.parametrize(
    "body",
    [b"", b"\x00" * 3, struct.pack("<QI", 5, 0) + b"nope!", struct.pack("<QI", 2, 0) + b"{}"],
)
def test_malformed_messages_raise_transport_error(body):
    with pytest.raises(transport.TransportError):
        transport.loads(body)


def test_types_outside_the_allow_list_are_refused():
    head = b'{"header": {}, "values": {"v": {"__type__": "os.system"}}}'
    with pytest.raises(transport.TransportError, match="not allowed"):
        transport.loads(struct.pack("<QI", len(head), 0) + head)


def test_oversized_message_is_refused_before_reading():
    stream = io.BytesIO(struct.pack("<Q", transport.MAX_MESSAGE_BYTES + 1))
    with pytest.raises(transport.TransportError, match="exceeds"):
        transport.read_message(stream)


def test_call_keys_match_equal_calls_only():
    a = transport.call_key("f", (np.arange(3),), {})
    assert a == transport.call_key("f", (np.arange(3),), {})
    assert a != transport.call_key("f", (np.arange(3).astype("int32"),), {})
    assert a != transport.call_key("g", (np.arange(3),), {})
