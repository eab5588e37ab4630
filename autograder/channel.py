"""A child process spoken to with transport messages over its stdin/stdout, with deadlines."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

from autograder import transport


class ChannelTimeout(Exception):
    """The child did not answer in time; it has been killed."""


class ChannelClosed(Exception):
    """The child died or closed its end before answering."""


class Channel:
    """Owns one child process; ``request`` sends a message and waits for the raw reply."""

    def __init__(
        self,
        command: list[str],
        *,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        stderr_path: Path | None = None,
    ) -> None:
        with open(stderr_path or os.devnull, "wb") as stderr:
            self.proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                cwd=cwd,
                env=env,
                start_new_session=True,
            )

    def send(self, header: dict[str, Any], values: dict[str, Any] | None = None) -> None:
        self.send_raw(transport.dumps(header, values))

    def send_raw(self, body: bytes) -> None:
        assert self.proc.stdin
        try:
            transport.write_raw(self.proc.stdin, body)
        except OSError as exc:
            raise ChannelClosed(str(exc)) from exc

    def receive(self, timeout: float) -> bytes:
        """The next raw message body; kills the child and raises ChannelTimeout after ``timeout`` s."""
        reply: list[bytes | BaseException] = []

        def read() -> None:
            try:
                reply.append(transport.read_raw(self.proc.stdout))
            except BaseException as exc:
                reply.append(exc)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout)
        if not reply:
            self.kill()
            reader.join(5)
            raise ChannelTimeout(f"no answer within {timeout:g} s")
        if isinstance(reply[0], (EOFError, transport.TransportError, OSError)):
            raise ChannelClosed(str(reply[0])) from reply[0]
        if isinstance(reply[0], BaseException):
            raise reply[0]
        return reply[0]

    def request(self, header: dict[str, Any], values: dict[str, Any] | None, timeout: float) -> bytes:
        self.send(header, values)
        return self.receive(timeout)

    def returncode(self, wait: float = 5.0) -> int | None:
        try:
            return self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def close(self, goodbye: dict[str, Any] | None = None) -> None:
        """Say goodbye if still alive, give it a moment to exit, then make sure it is gone."""
        if goodbye is not None and self.proc.poll() is None:
            try:
                self.send(goodbye)
                self.proc.wait(timeout=2)
            except (ChannelClosed, subprocess.TimeoutExpired):
                pass
        self.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream:
                stream.close()
