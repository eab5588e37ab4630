from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=0, hidden=False)
def test_q5_pixels_are_8_bit(pixels):
    """Same shape as `images`, dtype uint8, spanning 0 to 255; known slips are named, the values are checked when
    graded."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    images = load_digits().images
    shape_and_dtype = np.zeros(images.shape, dtype='uint8')
    mistakes = {'`pixels` was cast to uint8 without rounding: `.astype` cuts the fraction off (2.9 becomes 2). Round to the nearest whole number first, then cast.': (images * 255 / 16).astype('uint8'), '`pixels` was only divided by 16, which leaves every pixel at 0 or 1. Multiply by 255 as well.': np.round(images / 16).astype('uint8'), '`pixels` was computed in uint8 with `* 255 // 16`: uint8 arithmetic wraps around above 255 (200 * 2 gives 144), and `//` rounds down. Do the arithmetic on floats, round, and cast last.': images.astype('uint8') * 255 // 16, '`pixels` was cast to uint8 before the multiplication, and uint8 arithmetic wraps around above 255 (200 * 2 gives 144). Do the arithmetic on floats, round, and cast last.': np.round(images.astype('uint8') * 255 / 16).astype('uint8')}
    expect('pixels', pixels, shape_and_dtype, check_values=False, candidates=mistakes)
    low, high = (int(pixels.min()), int(pixels.max()))
    assert (low, high) == (0, 255), f'`pixels` runs from {low} to {high}, but it should span 0 to 255.'

