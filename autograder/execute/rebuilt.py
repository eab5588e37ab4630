"""The grader's side of rebuilt Keras models: a fresh sandbox that answers checks' calls on them.

Checks call ``model.predict`` and ``model.evaluate`` through probes marked ``rebuilt:``; those calls never
reach the student's process. A second child of the thread's zygote (or a cold sandbox) receives the
student's exported values, rebuilds each model from its architecture, weights and compile settings, and
answers them, so a class of the student's that overrides ``predict`` to look answers up changes nothing.
"""

from __future__ import annotations

import contextlib
from typing import Any, Protocol

from autograder import protocol, transport
from autograder.execute.channel import ChannelClosed, ChannelTimeout
from autograder.execute.session import StudentSession
from autograder.model import Execution

REBUILD_TIMEOUT = 120.0


class Sessions(Protocol):
    def session(self) -> StudentSession: ...


def model_name(func: str) -> str:
    """``rebuilt:model.predict`` -> ``model``."""
    return func.removeprefix(protocol.REBUILT).rsplit(".", 1)[0]


class Rebuilder:
    """Rebuilds the models a check asks about, once per submission, and relays calls to them."""

    def __init__(self, sessions: Sessions, execution: Execution, preload: tuple[str, ...]) -> None:
        self._sessions = sessions
        self._execution = execution
        self._preload = preload
        self._session: StudentSession | None = None
        self._names: tuple[str, ...] = ()
        self._errors: dict[str, str] = {}

    def __enter__(self) -> Rebuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._session is not None:
            with contextlib.suppress(Exception):
                self._session.__exit__(None, None, None)
            self._session = None

    def _ready(self, names: set[str]) -> StudentSession:
        if self._session is not None and names <= set(self._names):
            return self._session
        self.close()
        self._names = tuple(sorted(names | set(self._names)))
        session = self._sessions.session()
        self._session = session
        request = protocol.RebuildModels(self._names, session._rlimits(), self._preload)
        session.channel.send(request)
        session.channel.send_raw(self._execution.raw_values)
        reply, _ = protocol.decode(session.channel.receive(REBUILD_TIMEOUT), protocol.Rebuilt)
        self._errors = dict(reply.errors)
        return session

    def call(self, calls: tuple[protocol.Call, ...], arguments: dict[str, Any]) -> tuple[dict[str, str], dict]:
        """(errors, results) by call key for calls on rebuilt models."""
        try:
            session = self._ready({model_name(c.func) for c in calls})
        except (ChannelClosed, ChannelTimeout, transport.TransportError) as exc:
            return {c.key: f"the model could not be rebuilt for checking ({exc})" for c in calls}, {}
        failed = {c.key: self._errors[model_name(c.func)] for c in calls if model_name(c.func) in self._errors}
        todo = tuple(protocol.Call(c.key, c.func.removeprefix(protocol.REBUILT)) for c in calls if c.key not in failed)
        if not todo:
            return failed, {}
        raw = session.call(todo, {c.key: arguments[c.key] for c in todo})
        if raw is None:
            return failed | {c.key: "the rebuilt model did not answer in time" for c in todo}, {}
        try:
            answer, results = protocol.decode(raw, protocol.CallResults)
        except transport.TransportError as exc:
            return failed | {c.key: f"the rebuilt model's answer was unreadable ({exc})" for c in todo}, {}
        return failed | answer.errors, results
