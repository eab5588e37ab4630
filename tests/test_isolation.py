"""Between submissions nothing is shared: /dev, /proc, memory ceilings, and nothing outlives a run."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from autograder.execute import cgroup, sandbox
from autograder.execute.session import StudentProcess
from autograder.execute.warm import SandboxFactory
from autograder.model import CellStatus, Limits

needs_bwrap = pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap is not installed")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="cgroups need root")
pytestmark = pytest.mark.slow

LOOK_AROUND = """
import os
print(sorted(os.listdir('/dev')))
print(sorted(os.listdir('/dev/shm')))
for pid in sorted(p for p in os.listdir('/proc') if p.isdigit()):
    try:
        print(pid, open(f'/proc/{pid}/cmdline', 'rb').read().replace(b'\\0', b' ').decode()[:300])
    except OSError as error:
        print(pid, 'unreadable', error)
"""

LEAVE_TRACES = """
import os, signal
open('/dev/shm/left-behind', 'w').write('secret of the previous student')
open('/dev/left-behind', 'w').write('secret')
for pid in (1, 2):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError as error:
        print('kill', pid, type(error).__name__)
try:
    open('/proc/2/mem', 'rb').read(1)
except OSError as error:
    print('mem', type(error).__name__)
"""


def run_warm(factory: SandboxFactory, cells: list[str]):
    with factory.session() as session:
        return session.run(tuple(cells), ())


@needs_bwrap
def test_dev_and_dev_shm_are_private_and_the_zygote_survives_its_children():
    factory = SandboxFactory(Limits(timeout=20), (), warm=True)
    try:
        first = run_warm(factory, [LEAVE_TRACES])
        assert first.cells[0].status == CellStatus.OK, first.cells[0].error
        assert "mem PermissionError" in first.cells[0].output
        second = run_warm(factory, [LOOK_AROUND])
    finally:
        factory.close()
    lines = second.cells[0].output.splitlines()
    assert lines[0] == str(sorted(["fd", "full", "null", "random", "shm", "stderr", "stdin", "stdout", "tty",
                                   "urandom", "zero"]))
    assert lines[1] == "[]", "the previous submission's /dev/shm is gone"
    processes = lines[2:]
    assert not any("pytest" in line or "autograder.check" in line for line in processes), processes
    assert not any("preload" in line or "control_fd" in line for line in processes), "no configuration in argv"
    assert len(processes) <= 4, "bwrap's init, the zygote, this submission's namespace holder and its runner"


@needs_bwrap
@needs_root
def test_each_warm_submission_has_its_own_memory_ceiling():
    hog = ("for place in ('/dev/shm', '/tmp', '/sandbox'):\n    for i in range(2):\n"
           "        with open(f'{place}/hog{i}', 'wb') as f:\n            f.write(b'x' * 60 * 2**20)")
    factory = SandboxFactory(Limits(timeout=30, memory_mb=250), (), warm=True)
    try:
        greedy = run_warm(factory, [hog])
        honest = run_warm(factory, ["print(sum(range(1000)))\nprint(open('/proc/self/cgroup').read())"])
    finally:
        factory.close()
    assert greedy.status == "crashed" and "SIGKILL" in greedy.message, "360 MiB of tmpfs is over its 250 MiB"
    lines = honest.cells[0].output.splitlines()
    assert lines[0] == "499500", "the next submission is not charged for the last one"
    memory = [line for line in lines if ":memory:" in line]
    assert memory and memory[0].rsplit("/", 1)[-1].startswith("autograder-"), "a cgroup of its own, not the zygote's"


def nobody_can_run_python() -> bool:
    from autograder.gradescope.run import Account, probe

    return os.geteuid() == 0 and probe("plain", Account("nobody", 65534, 65534))


@pytest.mark.parametrize("account", [(0, 0), (65534, 65534)], ids=["grader's account", "nobody"])
def test_without_bubblewrap_a_daemon_does_not_outlive_the_run(tmp_path, account):
    if os.geteuid() != 0:
        pytest.skip("the fallback's account and cgroup need a root grader")
    if account[0] and not nobody_can_run_python():
        pytest.skip("user nobody may not run this Python here")
    marker = tmp_path / "daemon-alive"
    program = tmp_path / "daemon.py"
    program.write_text(f"import os, time\ntime.sleep(0.5)\nopen({str(marker)!r}, 'w').write(str(os.getpid()))\n"
                       "time.sleep(60)\n")
    daemon = f"import subprocess, sys\nsubprocess.Popen([sys.executable, {str(program)!r}], start_new_session=True)"
    os.chmod(tmp_path, 0o777)
    with StudentProcess(Limits(timeout=20, use_bwrap=False, run_as=account)) as student:
        execution = student.run((daemon,), ())
        assert execution.cells[0].status == CellStatus.OK, execution.cells[0].error
        deadline = time.monotonic() + 10
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    pid = int(marker.read_text())
    time.sleep(0.2)
    stat = Path(f"/proc/{pid}/stat")
    assert not stat.exists() or stat.read_text().split()[2] == "Z", "the daemon was killed with the run"


@needs_root
def test_groups_of_a_killed_grader_are_swept():
    stale = cgroup.ROOT / "pids" / "autograder-999999-0"
    if not (cgroup.ROOT / "pids").is_dir():
        pytest.skip("no cgroup v1 pids hierarchy here")
    stale.mkdir(exist_ok=True)
    assert cgroup.sweep_stale() >= 1 and not stale.exists()


@needs_root
def test_a_daemon_that_left_its_session_is_still_killed_through_its_cgroup(tmp_path):
    import subprocess

    group = cgroup.create(16, 256)
    if group is None:
        pytest.skip("no cgroup can be made here")
    pid_file = tmp_path / "pid"
    try:
        subprocess.run(group.wrap(["/bin/sh", "-c", f"setsid sleep 60 & echo $! > {pid_file}"]), check=True)
        pid = int(pid_file.read_text())
        assert os.path.exists(f"/proc/{pid}")
        group.kill_all()
        time.sleep(0.1)
        stat = Path(f"/proc/{pid}/stat")
        assert not stat.exists() or stat.read_text().split()[2] == "Z", "killed (at most a zombie left to reap)"
    finally:
        group.remove()
