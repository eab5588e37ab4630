"""Inputs a check chooses at grading time that no student can know in advance.

A hidden check that calls a student's function on "unseen" inputs draws them from ``unseen.rng()``. The seed
is derived per submission from a key of the course's (kept beside the grading bundles, never mounted into a
sandbox) and the submission's content: the same file always meets the same inputs, so regrading is
deterministic, but a second attempt cannot learn the first one's inputs and answer them from a table.
Messages should describe the kind of input that failed ("a batch that does not divide evenly"), never
its values.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import numpy as np

KEY_FILE = "probe-seed.key"
_PROCESS_KEY = secrets.token_bytes(32)
_seed: int | None = None


def rng(salt: int = 0) -> np.random.Generator:
    """A generator seeded for the submission being checked (the same one on every probe round); checks that
    need several independent streams pass different ``salt``s."""
    return np.random.default_rng([_seed if _seed is not None else 0, salt])


def use_seed(seed: int | None) -> None:
    """Set by the check process for each submission it checks."""
    global _seed
    _seed = seed


def course_key(folder: Path) -> bytes:
    """The course's secret key, created (readable by the grader only) on first use.

    Where it cannot be stored (a read-only bundle), a key for this process only is used: inputs then stay
    unpredictable but differ between runs.
    """
    path = folder / KEY_FILE
    try:
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                out.write(secrets.token_bytes(32))
        return path.read_bytes()
    except FileExistsError:
        return path.read_bytes()
    except OSError:
        return _PROCESS_KEY


def seed_for(key: bytes, content_sha256: str) -> int:
    """The seed of one submission: an HMAC of its content under the course key."""
    return int.from_bytes(hmac.new(key, content_sha256.encode(), hashlib.sha256).digest()[:8], "big") >> 1
