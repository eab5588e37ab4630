from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=0, hidden=False)
def test_q5_tiles_unrow_has_one_column_per_tile(tiles_unrow):
    """Shape (12288, 80), dtype uint8; mixed-up columns and a missing transpose are named."""
    import numpy as np
    from sklearn.datasets import load_sample_images
    from autograder.feedback.reshapes import explain_unrow
    photos = np.stack(load_sample_images().images)
    rng = np.random.default_rng(0)
    which = rng.integers(0, len(photos), size=80)
    tops = rng.integers(0, photos.shape[1] - 64 + 1, size=80)
    lefts = rng.integers(0, photos.shape[2] - 64 + 1, size=80)
    tiles = np.stack([photos[p, t:t + 64, c:c + 64] for p, t, c in zip(which, tops, lefts, strict=True)])
    finding = explain_unrow('tiles_unrow', tiles_unrow, tiles, batch_name='tiles', check_values=False)
    assert finding is None, finding.message

