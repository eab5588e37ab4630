from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 2

@test_case(points=0, hidden=False)
def test_q7_color_batch_layout(color_batch):
    """16 pictures of the digits' size, channels last, dtype float32, digits in the green channel only; the values
    are checked when graded."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    height, width = load_digits().images.shape[1:]
    shape_and_dtype = np.zeros((16, height, width, 3), dtype='float32')
    expect('color_batch', color_batch, shape_and_dtype, check_values=False)
    names = {0: 'red', 1: 'green', 2: 'blue'}
    painted = [channel for channel in range(3) if np.any(color_batch[..., channel])]
    assert painted, '`color_batch` is still all zeros: paint the digits into its green channel.'
    assert painted == [1], f"`color_batch` has digits in the {' and '.join((names[c] for c in painted))} channel: only the green channel should hold them."

