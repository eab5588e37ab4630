from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2

@test_case(points=0, hidden=False)
def test_q4_three_batches_of_32(batch):
    """`batch(0)`, `batch(1)` and `batch(2)` hold 32, 32 and 16 whole tiles; slips all three calls show are named."""
    import numpy as np
    from sklearn.datasets import load_sample_images
    from autograder.feedback import call_student, explain, prefetch
    from autograder.feedback.slices import across_calls, batch_slips
    photos = np.stack(load_sample_images().images)
    rng = np.random.default_rng(0)
    which = rng.integers(0, len(photos), size=80)
    tops = rng.integers(0, photos.shape[1] - 64 + 1, size=80)
    lefts = rng.integers(0, photos.shape[2] - 64 + 1, size=80)
    tiles = np.stack([photos[p, t:t + 64, c:c + 64] for p, t, c in zip(which, tops, lefts, strict=True)])
    findings, plain = ([], [])
    prefetch(batch, [(k,) for k in range(3)])
    for k in range(3):
        got = call_student(f'batch({k})', batch, k)
        shape_and_dtype = np.zeros((min(32, len(tiles) - 32 * k), *tiles.shape[1:]), dtype=tiles.dtype)
        slips = batch_slips('batch(k)', tiles, k, 32, 'the tiles')
        findings.append(explain('batch(k)', got, shape_and_dtype, check_values=False, candidates=slips))
        plain.append(explain(f'batch({k})', got, shape_and_dtype, check_values=False))
    finding = across_calls('batch', findings, plain)
    assert finding is None, finding.message

