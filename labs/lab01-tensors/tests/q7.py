from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 2

@test_case(points=None, hidden=False)
def test_q7_color_batch_layout(color_batch):
    """Shape (16, 8, 8, 3), channels last, dtype float32, digits in the green channel only."""
    import numpy as np
    from autograder.feedback import expect
    shape_and_dtype = np.zeros((16, 8, 8, 3), dtype='float32')
    expect('color_batch', color_batch, shape_and_dtype, check_values=False)
    names = {0: 'red', 1: 'green', 2: 'blue'}
    painted = [channel for channel in range(3) if np.any(color_batch[..., channel])]
    assert painted, '`color_batch` is still all zeros: write `images[:16] / 16` into channel 1.'
    assert painted == [1], f"`color_batch` has digits in the {' and '.join((names[c] for c in painted))} channel: only channel 1, which is green, should hold them."

