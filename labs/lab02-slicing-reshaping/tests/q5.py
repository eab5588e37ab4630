from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=0, hidden=False)
def test_q5_tiles_unrow_has_one_column_per_tile(tiles_unrow):
    """Shape (12288, 80), dtype uint8; mixed-up columns and a missing transpose are named."""
    import numpy as np
    from sklearn.datasets import load_sample_images
    from autograder.feedback.slicing import cut_tiles, explain_unrow
    tiles, _ = cut_tiles(np.stack(load_sample_images().images), 80, 64, 0)
    finding = explain_unrow('tiles_unrow', tiles_unrow, tiles, check_values=False)
    assert finding is None, finding.message

