from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 2

@test_case(points=None, hidden=False)
def test_q7_color_batch_layout(color_batch):
    """Shape (16, 8, 8, 3), channels last, dtype float32; known slips are named."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    images = load_digits().images

    def painted(channel, dtype='float32'):
        batch = np.zeros((16, 8, 8, 3), dtype=dtype)
        batch[..., channel] = images[:16] / 16
        return batch
    mistakes = {"`color_batch` is float64, the default dtype of `np.zeros`: pass `dtype='float32'`.": painted(1, 'float64'), '`color_batch` is still all zeros: write `images[:16] / 16` into channel 1.': np.zeros((16, 8, 8, 3), dtype='float32'), '`color_batch` has the digits in channel 0, which is red: green is channel 1.': painted(0), '`color_batch` has the digits in channel 2, which is blue: green is channel 1.': painted(2)}
    want = painted(1)
    expect('color_batch', color_batch, want, check_values=False, candidates=mistakes)

