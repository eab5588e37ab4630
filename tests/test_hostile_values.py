"""Student data at the grader's boundary: odd names, hostile text, forged and oversized replies never stop a batch."""

from __future__ import annotations

import os
import shutil

import pytest

from autograder import text
from autograder.batch import BatchOptions, grade_batch
from autograder.intake.lms import discover
from autograder.model import INTERNAL_ERROR, Limits, Status
from autograder.record.gradebook import Gradebook

pytestmark = pytest.mark.slow

FORGE_REPLY = """
import os, stat
from autograder import protocol
from autograder.model import CellRecord, CellStatus
for fd in range(3, 64):
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        continue
    if stat.S_ISFIFO(mode) and os.get_blocking(fd) is not None:
        try:
            forged = protocol.encode(protocol.Ran((CellRecord(0, CellStatus.OK, 'y' * 10_000_000, '\\udc80' * 9),)))
            os.write(fd, len(forged).to_bytes(8, 'little') + forged)
        except OSError:
            continue
os._exit(0)
"""

SUBMISSIONS = {
    "surrogate": ["raise ValueError('bad \\udc80 text')"],
    "history": ["class History:\n    pass\nh = History()\nh.history = {'loss': ['not a number', 1.0] * 3000}"],
    "forger": [FORGE_REPLY],
    "hoarder": ["import numpy as np\nscalar = np.zeros((4096, 1024))\nvector = np.ones((4096, 1024))"],
}


def test_hostile_values_each_get_a_status_and_the_rest_of_the_batch_is_graded(lab01, make_submission, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name, cells in SUBMISSIONS.items():
        shutil.move(make_submission(name, solved="all", append=cells), folder / f"{name}.ipynb")
    shutil.copy(make_submission("honest", solved="all"), os.fsencode(folder) + b"/caf\xe9-\xff.ipynb")
    candidates = discover([folder], tmp_path / "extracted", lab01.lab)
    limits = Limits(timeout=30, values_mb=16)
    with Gradebook(tmp_path / "g.sqlite") as book:
        outcome = grade_batch(lab01, book, candidates, BatchOptions(jobs=2, limits=limits))
        stored = {s.info.student: s for s in book.results(lab01.lab)}
    assert outcome.graded_now == len(SUBMISSIONS) + 1 and all(s.result is not None for s in stored.values())
    assert not any(s.result.message.startswith(INTERNAL_ERROR) for s in stored.values())
    honest = stored["caf\ufffd-\ufffd"]
    assert honest.result.status == Status.GRADED and honest.result.score == lab01.max_score
    surrogate = stored["surrogate"].result
    assert "bad \ufffd text" in surrogate.cells[-1].error and surrogate.score == lab01.max_score
    assert stored["history"].result.score == lab01.max_score, "a history that is not numbers is not an error"
    forger = stored["forger"].result
    assert all(len(c.output) < text.OUTPUT_CHARS + 200 for c in forger.cells), "forged output is cut by the grader"
    assert "cut at 8,000 characters by the grader" in forger.cells[0].output and "\ufffd" in forger.cells[0].error
    hoarder = stored["hoarder"].result
    assert hoarder.status == Status.ERROR and "more than 16 MiB" in hoarder.message


def test_text_from_a_submission_is_valid_and_bounded():
    assert text.valid("a\udc80b\ud800") == "a\ufffdb\ufffd"
    long = text.bounded("z" * 10_000, 100, "output")
    assert long.startswith("z" * 100) and "output cut at 100 characters by the grader; 9,900 more" in long
    assert text.bounded("short", 100) == "short"
