from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=0, hidden=False)
def test_q6_scaled_is_float32_in_unit_range(pixels, scaled):
    """Same shape as the pixels, dtype float32, values between 0 and 1; known slips are named, the values are
    checked when graded."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    images = load_digits().images
    shape_and_dtype = np.zeros(images.shape, dtype='float32')
    mistakes = {}
    if isinstance(pixels, np.ndarray) and pixels.shape == images.shape:
        mistakes = {'`scaled` is float64: NumPy divides a uint8 array into float64. Convert to float32 before dividing, or cast the result.': pixels / 255, '`scaled` holds only 0s and 1s: `//` (floor division), or casting to an integer type after dividing, throws the fractions away. Divide a float32 copy with `/`.': pixels // 255, '`scaled` still runs up to 255: you converted to float32 but did not divide by 255.': pixels.astype('float32'), '`scaled` is rounded back to whole numbers: divide a float32 copy with `/` and keep the fractions.': pixels.astype('float32') // 255}
    expect('scaled', scaled, shape_and_dtype, check_values=False, candidates=mistakes)
    low, high = (float(scaled.min()), float(scaled.max()))
    assert low >= 0.0 and high <= 1.0, f'`scaled` runs from {low:g} to {high:g}, but it should stay between 0 and 1.'

