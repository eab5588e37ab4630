"""scripts/setup.sh on machines unlike the one it was written on: no apt-get, a failing apt-get, no root.

The virtual environment is the project's own (already installed, so that part is a no-op); PATH holds only the
tools the script needs, so that ``bwrap`` is missing and the system-package path runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("bash", "cat", "sha256sum", "cut", "id", "dirname", "env")


@pytest.fixture
def bare_path(tmp_path: Path) -> Path:
    """A bin folder with only the basic tools, and no bwrap, apt-get or sudo."""
    if not (ROOT / ".venv" / ".installed").is_file():
        pytest.skip("the project's virtual environment is not set up by scripts/setup.sh here")
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (folder / tool).symlink_to(found)
    return folder


def fake(folder: Path, name: str, script: str) -> None:
    """A stand-in for ``name`` in ``folder``. The link to the real tool is removed first and the file created
    exclusively, so the real tool (``/usr/bin/id``, say) is never written through the link."""
    path = folder / name
    path.unlink(missing_ok=True)
    with open(path, "x") as out:
        out.write(f"#!{shutil.which('bash')}\n{script}\n")
    path.chmod(0o755)


def test_a_stand_in_never_writes_through_to_the_tool_it_replaces(tmp_path: Path) -> None:
    real = tmp_path / "real-id"
    real.write_text("the real tool")
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "id").symlink_to(real)
    fake(folder, "id", "echo 1000")
    assert real.read_text() == "the real tool"
    assert not (folder / "id").is_symlink() and "echo 1000" in (folder / "id").read_text()


def setup(path: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(path), "HOME": os.environ.get("HOME", "/root")}
    return subprocess.run([shutil.which("bash"), str(ROOT / "scripts" / "setup.sh")], capture_output=True, text=True,
                          env=env, timeout=120)


def test_without_apt_get_it_says_what_to_install_and_goes_on(bare_path: Path) -> None:
    done = setup(bare_path)
    assert done.returncode == 0, done.stderr
    assert "setup: no apt-get here; install bubblewrap yourself (the sandbox for student code" in done.stderr


def test_a_failing_apt_get_is_reported_and_the_rest_still_runs(bare_path: Path) -> None:
    fake(bare_path, "apt-get", "exit 100")
    fake(bare_path, "id", 'echo 0')
    done = setup(bare_path)
    assert done.returncode == 0, done.stderr
    assert "setup: installing bubblewrap" in done.stdout and "setup: could not install bubblewrap" in done.stderr


def test_without_root_it_asks_sudo_without_a_password_prompt(bare_path: Path, tmp_path: Path) -> None:
    log = tmp_path / "sudo.log"
    fake(bare_path, "apt-get", "exit 0")
    fake(bare_path, "id", "echo 1000")
    fake(bare_path, "sudo", f'printf "%s " "$@" >> {log}; echo >> {log}; exit 1')
    done = setup(bare_path)
    assert done.returncode == 0, done.stderr
    assert log.read_text().splitlines()[0].startswith("-n apt-get update"), "sudo -n: never waits for a password"
    assert "setup: could not install bubblewrap" in done.stderr


def test_without_root_or_sudo_it_says_what_to_install_and_goes_on(bare_path: Path) -> None:
    fake(bare_path, "apt-get", "exit 0")
    fake(bare_path, "id", "echo 1000")
    done = setup(bare_path)
    assert done.returncode == 0, done.stderr
    assert "setup: not root and no sudo here; install bubblewrap yourself" in done.stderr
    assert "command not found" not in done.stderr
