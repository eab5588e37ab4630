"""A seeded fuzz of the grader's boundary: random hostile notebooks, names and bytes; the batch always completes."""

from __future__ import annotations

import os
import random

import nbformat
import pytest

from autograder.batch import BatchOptions, grade_batch
from autograder.intake.lms import discover
from autograder.model import INTERNAL_ERROR, Limits, Status
from autograder.record.gradebook import Gradebook

pytestmark = pytest.mark.slow

SNIPPETS = [
    "print('\\udc80' * 1000)",
    "raise RuntimeError('\\ud800 ' + 'x' * 100_000)",
    "import sys\nsys.stdout.write('\\x00\\x1b[2J' * 1000)",
    "print('=' * 300_000)",
    "scalar = {'a': [1, (2, {3})], 7: None}",
    "class Liar:\n    def __eq__(self, other):\n        return True\n    def __getattr__(self, name):\n"
    "        raise SystemExit(3)\nvector = Liar()",
    "vector = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "scalar = 10 ** 4000",
    "import numpy as np\nscalar = np.array(['\\udc80', 'é'])",
    "import numpy as np\nvector = np.array([np.nan, np.inf, -np.inf])",
    "describe = lambda t: (_ for _ in ()).throw(KeyboardInterrupt())",
    "import os\nos.environ.clear()",
    "exec('def f():\\n    return f()\\nf()')",
    "import numpy as np\npixels = np.zeros((2, 2), dtype=[('a', 'i4'), ('b', 'f8')])",
    "input('? ')",
    "del np",
    "globals().clear()",
]
NAMES = ["=HYPERLINK(\"x\")", "+1", "-2", "@sum", "tab\tname", "ünïcødé", "space name", "a" * 120, "..", "dot.name"]


def fuzz_class(folder, rng: random.Random, count: int) -> int:
    """Write ``count`` hostile submissions (notebooks, broken files, odd names); how many are not hidden files
    (intake skips names starting with a dot, as it skips editor and OS litter)."""
    written = 0
    for number in range(count):
        name = f"{rng.choice(NAMES)}-{number}"
        kind = rng.random()
        if kind < 0.15:
            data = rng.randbytes(rng.randint(0, 4000))
        elif kind < 0.25:
            data = b'{"cells": [{"cell_type": "code", "source": "x = 1"'
        else:
            nb = nbformat.v4.new_notebook()
            nb.metadata["otter"] = {"assignment_name": "lab01-tensors"}
            nb.cells = [nbformat.v4.new_code_cell(rng.choice(SNIPPETS)) for _ in range(rng.randint(1, 4))]
            data = nbformat.writes(nb).encode()
        raw_name = os.fsencode(name) + (b"\xff\xfe" if rng.random() < 0.2 else b"") + b".ipynb"
        try:
            (os.fsencode(folder) + b"/" + raw_name).decode("utf-8", "surrogateescape")
            with open(os.fsencode(folder) + b"/" + raw_name, "wb") as out:
                out.write(data)
            written += not name.startswith(".")
        except OSError:
            continue
    return written


def test_a_random_hostile_class_is_graded_to_the_last_submission(lab01, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    written = fuzz_class(folder, random.Random(20261201), 28)
    candidates = discover([folder], tmp_path / "work", lab01.lab)
    assert len(candidates) == written
    with Gradebook(tmp_path / "g.sqlite") as book:
        grade_batch(lab01, book, candidates, BatchOptions(jobs=2, limits=Limits(timeout=20, grace=3)))
        stored = book.results(lab01.lab, include_superseded=True)
    assert len(stored) == written and all(s.result is not None for s in stored)
    assert all(s.result.status in set(Status) for s in stored)
    internal = [s.result.message for s in stored if s.result.message.startswith(INTERNAL_ERROR)]
    assert not internal, internal
    assert all(s.result.score == 0 for s in stored), "no hostile snippet answers a question"
