from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2

@test_case(points=0, hidden=False)
def test_q4_three_batches_of_32(batch):
    """`batch(0)`, `batch(1)` and `batch(2)` hold 32, 32 and 16 whole tiles; known slips are named."""
    import numpy as np
    from sklearn.datasets import load_sample_images
    from autograder.feedback import expect
    from autograder.feedback.slicing import batch_candidates, call_student, cut_tiles
    tiles, _ = cut_tiles(np.stack(load_sample_images().images), 80, 64, 0)
    for k in range(3):
        count = min(32, len(tiles) - 32 * k)
        got = call_student(batch, f'`batch({k})`', k)
        mistakes = batch_candidates(f'batch({k})', tiles, k, 32)
        shape_and_dtype = np.zeros((count, *tiles.shape[1:]), dtype=tiles.dtype)
        expect(f'batch({k})', got, shape_and_dtype, check_values=False, candidates=mistakes)

