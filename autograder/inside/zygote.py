"""Inside the sandbox: a pre-imported process that forks one fresh sandbox per submission.

Importing NumPy, IPython, scikit-learn and TensorFlow costs seconds; a zygote pays it once per grading
thread. It never runs student code. For each submission it receives a private channel (two file
descriptors passed over its control socket) and forks; the child enters new user, mount, PID, IPC,
network and UTS namespaces, mounts an empty private ``/tmp`` and ``/sandbox``, drops every
capability and only then runs the student's cells with ``runner.serve``. Nothing of an earlier
submission is visible to a later one: its files lived on a tmpfs that vanished with its mount
namespace, and its processes died with its PID namespace. The zygote is not dumpable, so a child
cannot ptrace it even though both run as the same uid.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import signal
import socket
import sys

from autograder import protocol
from autograder.inside import runner

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4


class NamespaceError(Exception):
    """A namespace or mount step failed; the child reports it and exits."""


def _check(result: int, what: str) -> None:
    if result != 0:
        raise NamespaceError(f"{what}: {os.strerror(ctypes.get_errno())}")


def _mount_tmpfs(target: str, size_mb: int, mode: str = "0755", flags: int = MS_NOSUID | MS_NODEV) -> None:
    options = f"size={size_mb}m,mode={mode}".encode()
    _check(_libc.mount(b"tmpfs", target.encode(), b"tmpfs", flags, options), f"mount {target}")


DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
"""The device nodes a submission keeps; everything else bwrap's shared /dev held is gone."""


def _private_dev(shm_mb: int) -> None:
    """A fresh /dev (and /dev/shm) of this submission's own, so nothing written there reaches the next one.

    bwrap's /dev is one tmpfs for every child of the zygote; the device nodes are bound back from it before
    it is covered (the bind keeps the source mount's permission to use devices).
    """
    nodes = {name: os.open(f"/dev/{name}", os.O_PATH) for name in DEVICES if os.path.exists(f"/dev/{name}")}
    _mount_tmpfs("/dev", 1, flags=MS_NOSUID)
    for name, fd in nodes.items():
        target = f"/dev/{name}"
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o666))
        _check(_libc.mount(f"/proc/self/fd/{fd}".encode(), target.encode(), None, MS_BIND, None), f"bind {target}")
        os.close(fd)
    os.mkdir("/dev/shm")
    _mount_tmpfs("/dev/shm", shm_mb, mode="1777")
    for link, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"/dev/{link}")


def _drop_capabilities() -> None:
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    _check(_libc.capset(ctypes.byref(Header(0x20080522, 0)), (Data * 2)()), "capset")


def _bind_back(fds: list[int], paths: list[str]) -> None:
    """Re-attach read-only paths that lived under /tmp (a checkout there, say) on top of the fresh /tmp."""
    for fd, path in zip(fds, paths, strict=True):
        os.makedirs(path, exist_ok=True)
        _check(_libc.mount(f"/proc/self/fd/{fd}".encode(), path.encode(), None, MS_BIND | MS_REC, None),
               f"bind {path}")
        os.close(fd)


def enter_namespaces(scratch_mb: int, keep: list[str]) -> None:
    """New user/mount/PID/IPC/net/UTS namespaces with private empty /tmp, /sandbox and /dev (before forking init).

    ``keep`` lists the read-only mounts under /tmp (the Python environment of a checkout in /tmp): they are
    opened before /tmp is covered and bound back afterwards, keeping their read-only flag.
    """
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS),
           "unshare")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{uid} {uid} 1\n")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{gid} {gid} 1\n")
    _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "make mounts private")
    fds = [os.open(path, os.O_PATH) for path in keep]
    _mount_tmpfs("/tmp", scratch_mb)
    _mount_tmpfs("/sandbox", scratch_mb)
    _private_dev(scratch_mb)
    _bind_back(fds, keep)
    os.chdir("/sandbox")


def _become_init_and_run(channel_in: int, channel_out: int) -> None:
    """In the new PID namespace: no capabilities, die with the reaper, then the cells.

    The zygote's /proc entries stay listed (a new procfs cannot be mounted over bwrap's), but the
    zygote is not dumpable and this process has no capability in its user namespace, so it can
    neither read them nor ptrace it; signals cannot cross out of the new PID namespace.
    """
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _drop_capabilities()
    _libc.prctl(PR_SET_DUMPABLE, 1)
    os.dup2(channel_in, 0)
    os.dup2(channel_out, 1)
    os.closerange(3, 1 << 16)
    runner.main()


def _child(control: socket.socket, channel_in: int, channel_out: int, config: protocol.ZygoteConfig) -> None:
    """The forked child: enter namespaces, fork init, reap it, exit with its status."""
    try:
        control.close()
        enter_namespaces(config.scratch_mb, list(config.keep))
        init = os.fork()
        if init == 0:
            _become_init_and_run(channel_in, channel_out)
            os._exit(0)
        os.close(channel_in)
        os.close(channel_out)
        _, status = os.waitpid(init, 0)
        os._exit(os.waitstatus_to_exitcode(status) % 256 if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
    except BaseException as exc:
        os.write(2, f"sandbox child failed: {exc}\n".encode())
        os._exit(70)


MAX_CHILDREN = 4
"""Children alive at once: a submission's runner and the sandbox that rebuilds its Keras models."""


def _reap(children: set[int], control: socket.socket) -> None:
    """Report every child that has ended."""
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in children:
            children.discard(pid)
            control.sendall(protocol.encode_control(protocol.Exited(pid, os.waitstatus_to_exitcode(status))))


def _fork(control: socket.socket, fds: list[int], config: protocol.ZygoteConfig, children: set[int]) -> None:
    child = os.fork()
    if child == 0:
        _child(control, fds[0], fds[1], config)
    for fd in fds:
        os.close(fd)
    children.add(child)
    control.sendall(protocol.encode_control(protocol.Forked(child)))


def serve(control: socket.socket, config: protocol.ZygoteConfig) -> None:
    """Fork one child per ``fork`` request (its channel fds attached), kill on request, report each exit.

    Anything unexpected on the control socket ends the zygote: only the grader holds its other end.
    """
    children: set[int] = set()
    try:
        while True:
            ready, _, _ = select.select([control], [], [], 0.02 if children else None)
            if ready:
                message, fds, _, _ = socket.recv_fds(control, 4096, 2)
                request = protocol.decode_control(message, protocol.Fork, protocol.Kill) if message else None
                if isinstance(request, protocol.Fork) and len(fds) == 2 and len(children) < MAX_CHILDREN:
                    _fork(control, fds, config, children)
                elif isinstance(request, protocol.Kill) and request.pid in children:
                    os.kill(request.pid, signal.SIGKILL)
                else:
                    return
            _reap(children, control)
    except (OSError, protocol.ProtocolError):
        return
    finally:
        for pid in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def preload(modules: list[str]) -> None:
    """Import what every submission will need, without running anything that starts threads."""
    import IPython.core.interactiveshell  # noqa: F401
    import numpy  # noqa: F401

    import autograder.inside.describe  # noqa: F401

    for name in modules:
        __import__(name)
    runner.warm_shell()


def main() -> int:
    """Read the configuration from stdin (so it is not on the command line /proc shows), preload, serve."""
    _libc.prctl(PR_SET_DUMPABLE, 0)
    config = protocol.build(protocol.ZygoteConfig, json.loads(sys.stdin.buffer.read()))
    preload(list(config.preload))
    control = socket.socket(fileno=config.control_fd)
    serve(control, config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
