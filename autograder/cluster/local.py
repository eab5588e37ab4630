"""A Dask cluster of separate processes on 127.0.0.1: one ``dask scheduler`` and nanny-managed ``dask worker``s.

For trying the cluster path on one machine, and for the tests and the benchmark, which must see real
processes (a worker killed with SIGKILL, a nanny starting a new one) rather than threads of one process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


class LocalProcesses:
    """Start the scheduler and ``workers`` one-thread workers, logging into ``folder``; ``stop()`` ends them."""

    def __init__(self, folder: Path, workers: int = 2, *, env: dict[str, str] | None = None,
                 cwd: Path | None = None, start_timeout: float = 120.0) -> None:
        dask = str(Path(sys.executable).with_name("dask"))
        self._env = os.environ | (env or {})
        self._cwd = cwd
        self._folder = folder
        self._file = folder / "scheduler.json"
        self.procs: list[subprocess.Popen[bytes]] = []
        try:
            self._start_all(dask, workers, start_timeout)
        except BaseException:
            self.stop()
            raise

    def _start_all(self, dask: str, workers: int, start_timeout: float) -> None:
        from distributed import Client

        self._start([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                     "--scheduler-file", str(self._file)], "scheduler")
        deadline = time.monotonic() + start_timeout
        while not self._file.exists():
            if time.monotonic() > deadline or self.procs[0].poll() is not None:
                raise RuntimeError(f"the scheduler did not start (see {self._folder / 'scheduler.log'})")
            time.sleep(0.1)
        self.address: str = json.loads(self._file.read_text())["address"]
        for n in range(workers):
            self._start([dask, "worker", self.address, "--nthreads", "1", "--no-dashboard", "--name", f"w{n}",
                         "--host", "127.0.0.1"], f"w{n}")
        if workers:
            with Client(self.address, set_as_default=False) as client:
                client.wait_for_workers(workers, timeout=start_timeout)

    def _start(self, command: list[str], name: str) -> None:
        with open(self._folder / f"{name}.log", "wb") as log:
            self.procs.append(subprocess.Popen(command, env=self._env, cwd=self._cwd, stdout=log,
                                               stderr=subprocess.STDOUT, start_new_session=True))

    def worker_pids(self) -> dict[str, int]:
        """Worker address to the pid of its worker process (not its nanny)."""
        from distributed import Client

        with Client(self.address, set_as_default=False) as client:
            return client.run(os.getpid)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def __enter__(self) -> LocalProcesses:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
