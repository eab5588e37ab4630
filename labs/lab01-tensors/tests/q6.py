from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=0, hidden=False)
def test_q6_scaled_is_float32_in_unit_range(pixels, scaled):
    """Same shape as the pixels, dtype float32, values between 0 and 1; slips re-enacted on your own pixels are
    named, the values are checked when graded."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.transforms import divisor_slips
    images = load_digits().images
    slips = []
    if isinstance(pixels, np.ndarray) and pixels.shape == images.shape and (pixels.dtype.kind in 'iu'):
        slips = divisor_slips('scaled', pixels, 255)
    expect('scaled', scaled, np.zeros(images.shape, dtype='float32'), check_values=False, candidates=slips)
    low, high = (float(scaled.min()), float(scaled.max()))
    assert low >= 0.0 and high <= 1.0, f'`scaled` runs from {low:g} to {high:g}, but it should stay between 0 and 1.'

