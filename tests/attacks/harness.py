"""Grade one submission through the CLI and report which files changed meanwhile (run inside overlay.sh).

Every watched file that existed before must be unchanged afterwards, and no new file may appear in the
project or the Python installations. New files in the temporary directory are not counted, since other
programs on the machine create their own there while the test runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WATCHED_SUFFIXES = (".py", ".zip", ".ipynb", ".json", ".pth")


def watched_roots() -> list[Path]:
    roots = {ROOT, Path(sys.prefix), Path(sys.base_prefix), Path(tempfile.gettempdir())}
    return sorted(r.resolve() for r in roots)


SKIPPED_DIRS = ("__pycache__", ".git", ".pytest_cache", ".ruff_cache")
EPHEMERAL = ("autograder-", "pytest-of-")
"""Temporary trees of graders and test runs (this one's or a concurrent one's), created and removed by design."""


def _keep(folder: str, name: str) -> bool:
    if name in SKIPPED_DIRS:
        return False
    return not (folder == tempfile.gettempdir() and name.startswith(EPHEMERAL))


def snapshot() -> dict[str, str]:
    digests: dict[str, str] = {}
    for root in watched_roots():
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if _keep(folder, d)]
            for name in files:
                if name.endswith(WATCHED_SUFFIXES):
                    path = os.path.join(folder, name)
                    try:
                        digests[path] = hashlib.sha1(Path(path).read_bytes()).hexdigest()
                    except OSError:
                        digests[path] = "unreadable"
    return digests


def main() -> None:
    lab, submission = sys.argv[1], sys.argv[2]
    before = snapshot()
    cli = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", lab, submission, "--json", "--timeout", "180"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    after = snapshot()
    tmp = tempfile.gettempdir() + os.sep
    rewritten = {p for p in before if before[p] != after.get(p)}
    created = {p for p in after.keys() - before.keys() if not p.startswith(tmp)}
    changed = sorted((rewritten | created) - {submission})
    print(json.dumps({"stdout": cli.stdout, "stderr": cli.stderr, "returncode": cli.returncode, "changed": changed}))


if __name__ == "__main__":
    main()
