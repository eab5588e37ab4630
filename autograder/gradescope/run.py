"""Gradescope's entry point: grade the notebook in /autograder/submission, write /autograder/results/results.json.

``run_autograder`` starts this as root for every submission. The lab's bundle (``source/bundle``) is
made readable by root only; the student's cells run in a separate process, in bubblewrap when it
works in this container, and as the unprivileged account ``student`` whenever the grader can arrange
it; the checks run in a third process (see ``autograder.grade.Grader``). Every path is below
``$AUTOGRADER_GRADESCOPE_ROOT`` (default ``/autograder``), so tests can run it anywhere.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from autograder.execute import sandbox
from autograder.grade import Grader
from autograder.gradescope.results import error_results_json, to_results_json
from autograder.labs import LabBundle
from autograder.model import Limits

log = logging.getLogger("autograder.gradescope")

ROOT_ENV = "AUTOGRADER_GRADESCOPE_ROOT"
USER_ENV = "AUTOGRADER_GRADESCOPE_USER"
TIMEOUT_ENV = "AUTOGRADER_GRADESCOPE_TIMEOUT"
DEFAULT_ROOT = "/autograder"
DEFAULT_USER = "student"
LIMITS = Limits(timeout=120.0)
"""Gradescope's containers are small (one CPU by default): twice the local time limit."""
PROBE_TIMEOUT = 60.0
BROKEN = "the autograder is not set up correctly (no lab manifest); please tell your instructor"
UNSAFE = (
    "the autograder cannot run student code safely in this container (no working sandbox and no "
    "unprivileged account), so nothing was run; please tell your instructor"
)


@dataclass(frozen=True)
class Layout:
    """Gradescope's folders, below one root."""

    root: Path

    @classmethod
    def from_env(cls) -> Layout:
        return cls(Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT))

    @property
    def bundle_dir(self) -> Path:
        return self.root / "source" / "bundle"

    @property
    def manifest(self) -> Path:
        return self.bundle_dir / "manifest.json"

    @property
    def submission(self) -> Path:
        return self.root / "submission"

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def metadata(self) -> Path:
        return self.root / "submission_metadata.json"


class NoSubmission(Exception):
    """Not exactly one notebook (or one export zip) was submitted; the message is for the student."""


def _ignored(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def _submitted_files(folder: Path) -> list[Path]:
    """Regular files below ``folder``, sorted; hidden files, macOS debris and symlinks are skipped."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not _ignored(d))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not _ignored(name) and not path.is_symlink() and path.is_file():
                found.append(path)
    return found


def find_submission(folder: Path) -> Path:
    """The one notebook submitted (in any subfolder), else the one zip (a ``grader.export()``)."""
    files = _submitted_files(folder)
    notebooks = [p for p in files if p.suffix.lower() == ".ipynb"]
    zips = [p for p in files if p.suffix.lower() == ".zip"]
    if len(notebooks) == 1:
        return notebooks[0]
    if len(notebooks) > 1:
        names = ", ".join(p.relative_to(folder).as_posix() for p in notebooks)
        raise NoSubmission(f"found {len(notebooks)} notebooks ({names}); submit exactly one .ipynb file")
    if len(zips) == 1:
        return zips[0]
    if zips:
        raise NoSubmission(f"found {len(zips)} zip files and no notebook; submit exactly one .ipynb file")
    raise NoSubmission("no notebook (.ipynb file) was found in your submission; upload your lab notebook")


@dataclass(frozen=True)
class Account:
    """The unprivileged account student code runs as."""

    name: str
    uid: int
    gid: int


def student_account() -> Account | None:
    """``$AUTOGRADER_GRADESCOPE_USER`` (default ``student``, created by setup.sh), unless missing or root."""
    name = os.environ.get(USER_ENV) or DEFAULT_USER
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return None
    if entry.pw_uid == 0 or entry.pw_gid == 0:
        return None
    return Account(name, entry.pw_uid, entry.pw_gid)


def supports_run_as() -> bool:
    """Whether ``Limits`` can start the student's process as another user (the session hook)."""
    return {"run_as", "use_bwrap"} <= {f.name for f in dataclasses.fields(Limits)}


def probe(kind: str, account: Account | None) -> bool:
    """Whether a student process starts here: ``bwrap`` (sandboxed) or ``plain``, as ``account`` or as us."""
    inner = [sys.executable, "-s", "-P", "-c", "import autograder.inside.runner"]
    scratch = Path(tempfile.mkdtemp(prefix="autograder-probe-"))
    try:
        if account:
            os.chown(scratch, account.uid, account.gid)
        if kind == "bwrap":
            bwrap = sandbox.bwrap_path()
            if bwrap is None:
                return False
            command, env = sandbox.bwrap_command(bwrap, scratch, inner), None
        else:
            command, env = inner, sandbox.unsandboxed_environment(scratch)
        ids: dict[str, Any] = {"user": account.uid, "group": account.gid, "extra_groups": []} if account else {}
        proc = subprocess.run(command, cwd=scratch, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=PROBE_TIMEOUT, check=False, **ids)
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("%s as %s cannot start: %s", kind, account.name if account else "root/self", exc)
        return False
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        log.info("%s as %s does not work here: %s", kind, account.name if account else "root/self", tail[0][:300])
    return proc.returncode == 0


@dataclass(frozen=True)
class Isolation:
    """The limits to grade with, and how student code is isolated by them (for the instructor's log)."""

    limits: Limits
    description: str


Probe = Callable[[str, Account | None], bool]
"""``works(kind, account)``: whether a ``bwrap`` or ``plain`` student process starts, as account or as us."""


def choose_isolation(base: Limits, account: Account | None, *, root: bool | None = None,
                     works: Probe = probe) -> Isolation | None:
    """The safest way to run student code here, or None when it would have to run as root unsandboxed.

    As root: bubblewrap started as ``account``, else bubblewrap started as root (uid 65534 inside, no
    capabilities, nothing of ours mounted), else ``account`` with resource limits only.
    """
    root = os.geteuid() == 0 if root is None else root
    hook = supports_run_as()
    if not root:
        if works("bwrap", None):
            return Isolation(base, "bubblewrap sandbox")
        if hook:
            return Isolation(replace(base, use_bwrap=False), "resource limits only (bubblewrap cannot start here)")
        if sandbox.bwrap_path() is None:
            return Isolation(base, "resource limits only (bubblewrap is not installed)")
        return None
    ids = (account.uid, account.gid) if account else None
    if hook and account and works("bwrap", account):
        return Isolation(replace(base, run_as=ids), f"bubblewrap sandbox started as {account.name}")
    if works("bwrap", None):
        return Isolation(base, "bubblewrap sandbox started as root (uid 65534 inside, no capabilities)")
    if hook and account and works("plain", account):
        return Isolation(replace(base, run_as=ids, use_bwrap=False),
                         f"no bubblewrap here: runs as {account.name} with resource limits only")
    return None


def protect(layout: Layout) -> None:
    """Make root-only what student code running as another user must not read or write."""
    for path, mode in ((layout.bundle_dir, 0o700), (layout.submission, 0o700), (layout.results, 0o700),
                       (layout.metadata, 0o600)):
        with contextlib.suppress(OSError):
            path.chmod(mode)


def limits_from_env() -> Limits:
    timeout = os.environ.get(TIMEOUT_ENV)
    return replace(LIMITS, timeout=float(timeout)) if timeout else LIMITS


def grade(layout: Layout) -> dict[str, Any]:
    """Grade the submission found in ``layout``; results.json's content, whatever happens to the submission."""
    try:
        bundle = LabBundle.read(layout.manifest)
    except (OSError, ValueError, KeyError) as exc:
        log.error("cannot read %s: %s", layout.manifest, exc)
        return error_results_json(BROKEN)
    if os.geteuid() == 0:
        protect(layout)
    try:
        submission = find_submission(layout.submission)
    except NoSubmission as exc:
        return error_results_json(str(exc), bundle)
    isolation = choose_isolation(limits_from_env(), student_account())
    if isolation is None:
        log.error("no safe way to run student code here (see the lines above and docs/gradescope.md)")
        return error_results_json(UNSAFE, bundle)
    log.info("grading %s for %s with %s", submission.relative_to(layout.root), bundle.lab, isolation.description)
    with Grader(bundle, isolation.limits, warm=False) as grader:
        result = grader.grade_file(submission)
    log.info("%s: %g of %g (%s) %s", result.status, result.score, result.max_score, result.lab, result.message)
    return to_results_json(result, bundle)


def write_results(layout: Layout, data: dict[str, Any]) -> Path:
    """Write results.json atomically."""
    layout.results.mkdir(parents=True, exist_ok=True)
    path = layout.results / "results.json"
    partial = layout.results / ".results.json.partial"
    partial.write_text(json.dumps(data, indent=2) + "\n")
    partial.replace(path)
    return path


def main() -> int:
    """Grade, write results.json, exit 0 (a score of 0 with a message when anything went wrong)."""
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(levelname)s %(name)s: %(message)s")
    layout = Layout.from_env()
    try:
        data = grade(layout)
    except Exception:
        log.exception("internal error while grading")
        data = error_results_json("internal autograder error; please tell your instructor")
    write_results(layout, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
