"""The grader's side of a peer spoken to with protocol messages over a pair of byte streams, with deadlines.

The peer is a child process (``Channel.spawn``) or a sandboxed child of a zygote, reached through pipes
handed over when it was forked; either way the channel knows how to kill it and how to learn its fate.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from autograder import protocol, transport


class ChannelTimeout(Exception):
    """The peer did not answer in time; it has been killed."""


class ChannelClosed(Exception):
    """The peer died or closed its end before answering."""


class Channel:
    """Send a message, wait for the raw reply, kill the peer when it does not answer in time."""

    def __init__(
        self,
        writer: BinaryIO,
        reader: BinaryIO,
        *,
        kill: Callable[[], None],
        wait: Callable[[float], int | None],
        alive: Callable[[], bool],
    ) -> None:
        self.writer = writer
        self.reader = reader
        self._kill = kill
        self._wait = wait
        self.alive = alive
        self.pid: int | None = None
        """The peer's process id, when it is a direct child (``spawn``)."""

    @classmethod
    def spawn(
        cls, command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
        stderr_path: Path | None = None, user: int | None = None, group: int | None = None,
    ) -> Channel:
        """Start ``command`` in its own session, speaking on its stdin/stdout (as ``user`` when given)."""
        ids = {"user": user, "group": user if group is None else group, "extra_groups": []} if user is not None else {}
        with open(stderr_path or os.devnull, "wb") as stderr:
            proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, cwd=cwd,
                                    env=env, start_new_session=True, **ids)
        assert proc.stdin and proc.stdout

        def kill() -> None:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

        def wait(timeout: float) -> int | None:
            try:
                return proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                return None

        channel = cls(proc.stdin, proc.stdout, kill=kill, wait=wait, alive=lambda: proc.poll() is None)
        channel.pid = proc.pid
        return channel

    def send(self, message: protocol.Message, values: dict[str, Any] | None = None) -> None:
        self.send_raw(protocol.encode(message, values))

    def send_raw(self, body: bytes) -> None:
        try:
            transport.write_raw(self.writer, body)
        except (OSError, ValueError) as exc:
            raise ChannelClosed(str(exc)) from exc

    def receive(self, timeout: float, limit: int = transport.MAX_MESSAGE_BYTES) -> bytes:
        """The next raw message body (at most ``limit`` bytes, or ChannelClosed); kills the peer and raises
        ChannelTimeout after ``timeout`` s."""
        reply: list[bytes | BaseException] = []

        def read() -> None:
            try:
                reply.append(transport.read_raw(self.reader, limit))
            except BaseException as exc:
                reply.append(exc)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout)
        if not reply:
            self.kill()
            reader.join(5)
            raise ChannelTimeout(f"no answer within {timeout:g} s")
        if isinstance(reply[0], (EOFError, transport.TransportError, OSError, ValueError)):
            raise ChannelClosed(str(reply[0])) from reply[0]
        if isinstance(reply[0], BaseException):
            raise reply[0]
        return reply[0]

    def request(self, message: protocol.Message, values: dict[str, Any] | None, timeout: float,
                limit: int = transport.MAX_MESSAGE_BYTES) -> bytes:
        self.send(message, values)
        return self.receive(timeout, limit)

    def returncode(self, wait: float = 5.0) -> int | None:
        """The peer's exit code once it has ended (killed after ``wait`` s otherwise)."""
        code = self._wait(wait)
        if code is None:
            self.kill()
            code = self._wait(5.0)
        return code

    def kill(self) -> None:
        self._kill()

    def close(self, goodbye: protocol.Message | None = None) -> None:
        """Say goodbye if still alive, give it a moment to exit, then make sure it is gone."""
        if goodbye is not None and self.alive():
            with contextlib.suppress(ChannelClosed):
                self.send(goodbye)
                self._wait(2.0)
        self.kill()
        for stream in (self.writer, self.reader):
            with contextlib.suppress(OSError):
                stream.close()
