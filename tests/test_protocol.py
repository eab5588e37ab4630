"""The message protocol, tested without starting any process: round trips, versions, kinds and hostile fields."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from autograder import protocol, transport
from autograder.execute.channel import Channel
from autograder.model import (
    Candidate,
    CaseResult,
    CaseState,
    CellFailure,
    CellRecord,
    CellStatus,
    QuestionResult,
    Received,
    Source,
    Status,
    SubmissionResult,
)

RUN = protocol.RunCells(
    cells=("x = 1", "y = x + 1"), names=("x", "y"), timeout=5.0,
    rlimits=protocol.RLimits(memory_mb=512, cpu_seconds=10, file_size_mb=8, nproc=None), output_limit=1024,
    preload=("keras",), own_pid_namespace=False,
)

EVERY_MESSAGE = [
    RUN,
    protocol.Ran((CellRecord(0, CellStatus.OK, "hi"), CellRecord(1, CellStatus.ERROR, "", "ZeroDivisionError", "1/0")),
                 True),
    protocol.CallFunctions((protocol.Call("k1", "f"), protocol.Call("k2", "model.predict")), 2.5),
    protocol.CallResults({"k2": "ValueError: bad"}),
    protocol.Exit(),
    protocol.Check(("/x/q1.py", "/x/q2.py")),
    protocol.Check(("/x/q1.py",), 7, (CellFailure(("a", "b"), "KeyError: 'acc'", "a = h['acc']"),), "/x/support"),
    protocol.Checked(
        (protocol.CaseOutcome("q1", "test_a", 1.0, False, CaseState.PASSED, ""),
         protocol.CaseOutcome("q1", "test_b", 0.5, True, CaseState.PENDING)),
        {"q1": False}, (protocol.Call("k", "f"),),
    ),
    protocol.Answers({"k": "TypeError: no"}),
    protocol.GiveUp("too slow"),
    protocol.Done(),
    protocol.Forked(123),
    protocol.Exited(7, -9),
    protocol.Kill(7),
    protocol.Fork(),
    protocol.GradeTask("5a99", Received(
        Candidate(Path("class/jones_12346_67891_lab01.ipynb"), "12346", "jones", datetime(2026, 12, 1, 9, tzinfo=UTC),
                  True, Source.CANVAS, "lab01.ipynb", "67891", ("jones",)),
        "ab" * 32, ("x = 1", "print(x)"))),
    protocol.Graded(
        SubmissionResult("class/a.ipynb", "a", "lab01", Status.GRADED, 1.5, 2.0, "",
                         (QuestionResult("q1", 1.5, 2.0, (CaseResult("q1", "test_a", 1.5, True, False, ""),)),),
                         (CellRecord(0, CellStatus.OK, "hi"),), 2.5, timings={"cells": 0.25}),
        datetime(2026, 12, 1, 9, tzinfo=UTC), datetime(2026, 12, 1, 9, 1, tzinfo=UTC), "0.1.0",
        (protocol.ArtifactRef("artifact0", "history", "history"),)),
]


@pytest.mark.parametrize("message", EVERY_MESSAGE, ids=lambda m: type(m).__name__)
def test_every_message_survives_a_round_trip(message):
    decoded, values = protocol.decode(protocol.encode(message), type(message))
    assert decoded == message and values == {}
    assert protocol.decode_control(protocol.encode_control(message), type(message)) == message


def test_values_travel_beside_the_message():
    values = {"x": np.arange(6).reshape(2, 3), "name": "ana"}
    decoded, got = protocol.decode(protocol.encode(RUN, values), protocol.RunCells)
    assert decoded == RUN
    assert np.array_equal(got["x"], values["x"]) and got["name"] == "ana"


def test_a_message_of_another_version_is_refused():
    header = RUN.header() | {"v": protocol.PROTOCOL_VERSION + 1}
    with pytest.raises(protocol.ProtocolError, match="version"):
        protocol.decode(transport.dumps(header), protocol.RunCells)


def test_a_message_of_an_unexpected_kind_is_refused():
    with pytest.raises(protocol.ProtocolError, match="unexpected message 'ran'"):
        protocol.decode(protocol.encode(protocol.Ran(())), protocol.RunCells, protocol.Exit)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"cells": [{"index": "0", "status": "ok", "output": "", "error": ""}]}, "expected int"),
        ({"cells": [{"index": 0, "status": "exploded", "output": "", "error": ""}]}, "not a CellStatus"),
        ({"cells": "everything"}, "expected a list"),
        ({"timed_out": "yes"}, "expected bool"),
        ({"cells": [], "secret": 1}, "unknown fields"),
        ({"cells": [{"index": 0}]}, "missing"),
    ],
)
def test_a_reply_with_fields_of_the_wrong_type_is_refused(change, complaint):
    header = protocol.Ran(()).header() | change
    with pytest.raises(protocol.ProtocolError, match=complaint):
        protocol.decode(transport.dumps(header), protocol.Ran)


def test_a_garbled_control_datagram_is_a_protocol_error():
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_control(b"\xff{", protocol.Exited)
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_control(json.dumps([1, 2]).encode(), protocol.Exited)


def test_headers_are_plain_json():
    header = next(m for m in EVERY_MESSAGE if isinstance(m, protocol.Checked)).header()
    assert json.loads(json.dumps(header)) == header
    assert header["op"] == "checked" and header["cases"][0]["state"] == "passed"


class FakePeer:
    """Both ends of a channel in memory: what the grader writes, and replies queued as a peer would send them."""

    def __init__(self, *replies: bytes) -> None:
        self.sent = io.BytesIO()
        incoming = io.BytesIO()
        for body in replies:
            transport.write_raw(incoming, body)
        incoming.seek(0)
        self.channel = Channel(self.sent, incoming, kill=lambda: None, wait=lambda t: 0, alive=lambda: True)

    def messages(self, *kinds: type) -> list:
        stream = io.BytesIO(self.sent.getvalue())
        found = []
        while stream.tell() < len(self.sent.getvalue()):
            found.append(protocol.read(stream, *kinds)[0])
        return found


def test_a_session_sends_run_cells_and_reads_the_ran_reply_without_decoding_values():
    from autograder.execute.session import StudentSession
    from autograder.model import ExecutionStatus, Limits

    body = protocol.encode(protocol.Ran((CellRecord(0, CellStatus.OK, "4"),)), {"x": np.ones(3)})
    peer = FakePeer(body)
    session = StudentSession(peer.channel, Limits(timeout=3, memory_mb=256), own_pid_namespace=True)
    execution = session.run(("print(2 + 2)",), ("x",))
    assert execution.status == ExecutionStatus.OK
    assert execution.cells == (CellRecord(0, CellStatus.OK, "4"),)
    assert execution.raw_values == body
    (sent,) = peer.messages(protocol.RunCells)
    assert sent.cells == ("print(2 + 2)",) and sent.rlimits.memory_mb == 256 and sent.timeout == 3


def test_a_session_reports_a_hostile_reply_as_a_crash_not_an_exception():
    from autograder.execute.session import StudentSession
    from autograder.model import ExecutionStatus, Limits

    hostile = transport.dumps({"v": protocol.PROTOCOL_VERSION, "op": "ran", "cells": [{"index": [1]}]})
    session = StudentSession(FakePeer(hostile).channel, Limits())
    execution = session.run(("x = 1",), ("x",))
    assert execution.status == ExecutionStatus.CRASHED and "unreadable reply" in execution.message


def test_the_check_relay_answers_calls_then_returns_the_final_cases():
    from autograder.check.run import Probes, _rounds

    call = protocol.Call("k", "f")
    first = protocol.encode(protocol.Checked((protocol.CaseOutcome("q1", "t", 1.0, False),), {"q1": False}, (call,)),
                            {"k": ((2,), {})})
    final_case = protocol.CaseOutcome("q1", "t", 1.0, False, CaseState.PASSED)
    final = protocol.encode(protocol.Checked((final_case,), {"q1": False}))
    peer = FakePeer(first, final)

    class FakeStudent:
        def call(self, calls, arguments):
            assert calls == (call,) and arguments == {"k": ((2,), {})}
            return protocol.encode(protocol.CallResults(), {"k": 4})

    reply = _rounds(peer.channel, Probes(FakeStudent(), None), timeout=5)
    assert reply.cases == (final_case,)
    (answers,) = peer.messages(protocol.Answers)
    assert answers.errors == {}


def test_the_keras_record_keys_are_the_dataclass_fields():
    assert protocol.record_keys(protocol.KerasModelRecord)[:3] == ("class_name", "built", "layers")
    assert "history" in protocol.record_keys(protocol.HistoryRecord)


def test_unseen_inputs_are_fixed_per_submission_and_differ_between_submissions(tmp_path):
    from autograder.check import unseen

    key = unseen.course_key(tmp_path / "dist")
    assert unseen.course_key(tmp_path / "dist") == key and len(key) == 32
    assert (tmp_path / "dist" / unseen.KEY_FILE).stat().st_mode & 0o077 == 0, "only the grader may read the key"
    first, again, other = (unseen.seed_for(key, sha) for sha in ("aa" * 32, "aa" * 32, "bb" * 32))
    assert first == again != other
    assert unseen.seed_for(unseen.course_key(tmp_path / "other-course"), "aa" * 32) != first
    unseen.use_seed(first)
    draws = [unseen.rng().integers(0, 10**9) for _ in range(2)]
    unseen.use_seed(None)
    assert draws[0] == draws[1], "every probe round of one submission meets the same inputs"
