"""The check process's economies: calls asked for in one round, data loaders read once. Neither may change what a
check sees."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import transport
from autograder.check.probes import CallLedger, FunctionProbe, PendingCall
from autograder.check.worker import _memoised, memoise_loaders
from autograder.feedback import prefetch


def test_prefetch_asks_for_every_unknown_call_in_one_round_and_then_lets_the_loop_run() -> None:
    ledger = CallLedger()
    probe = FunctionProbe("batch", ledger)
    calls = [(0, 7), (3, 7), (0, 7), (1, 5)]
    with pytest.raises(PendingCall):
        prefetch(probe, calls)
    pending = ledger.take_pending()
    assert sorted(args for _, args, _ in pending.values()) == [(0, 7), (1, 5), (3, 7)], "each distinct call once"
    ledger.results |= {key: args[0] * 10 for key, (_, args, _) in pending.items()}
    prefetch(probe, calls)  # everything known: no round
    assert [probe(*args) for args in calls] == [0, 30, 0, 10], "the loop's own calls find the prefetched answers"
    assert ledger.take_pending() == {}


def test_prefetch_keys_are_the_keys_of_the_calls_themselves() -> None:
    ledger = CallLedger()
    probe = FunctionProbe("describe", ledger)
    arrays = [np.arange(3), np.zeros((2, 2), dtype="uint8")]
    with pytest.raises(PendingCall):
        prefetch(probe, [(a,) for a in arrays])
    assert set(ledger.take_pending()) == {transport.call_key("describe", (a,), {}) for a in arrays}


def test_prefetch_is_nothing_on_a_real_function() -> None:
    """In the student's kernel a public check holds the real function: it must not be called twice."""
    seen = []
    prefetch(lambda *args: seen.append(args), [(1,), (2,)])
    assert seen == []


def test_a_memoised_loader_reads_once_and_hands_out_copies() -> None:
    reads = []

    def load(*, as_frame: bool = False) -> dict:
        reads.append(as_frame)
        return {"images": np.arange(6).reshape(2, 3)}

    cached = _memoised(load)
    first = cached()
    first["images"][0, 0] = 99
    second = cached()
    assert reads == [False] and second["images"][0, 0] == 0, "a check that changes its copy changes nothing else"
    cached(as_frame=True)
    assert reads == [False, True]


def test_the_real_loaders_are_memoised_once_and_give_the_same_data() -> None:
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    original, images = sklearn_datasets.load_digits, sklearn_datasets.load_sample_images
    try:
        memoise_loaders()
        memoise_loaders()
        assert sklearn_datasets.load_digits.__wrapped__ is original
        assert np.array_equal(sklearn_datasets.load_digits().images, original().images)
    finally:
        sklearn_datasets.load_digits, sklearn_datasets.load_sample_images = original, images
