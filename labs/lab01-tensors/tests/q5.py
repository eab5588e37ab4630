from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=0, hidden=False)
def test_q5_pixels_are_8_bit(pixels):
    """Same shape as `images`, dtype uint8, spanning 0 to 255; slips re-enacted on the digits are named, the values
    are checked when graded."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import Slip, expect
    from autograder.feedback.transforms import rounding_slips
    images = load_digits().images
    exact = images * 255 / 16
    slips = [*rounding_slips('pixels', exact, 'even', cast=lambda a: a.astype('uint8'), keep_fraction=False), Slip('`pixels` was only divided by 16, which leaves every pixel at 0 or 1. Multiply by 255 as well.', np.round(images / 16).astype('uint8')), Slip('`pixels` was computed in uint8 with `* 255 // 16`: uint8 arithmetic wraps around above 255 (200 * 2 gives 144), and `//` rounds down. Do the arithmetic on floats, round, and cast last.', images.astype('uint8') * 255 // 16), Slip('`pixels` was cast to uint8 before the multiplication, and uint8 arithmetic wraps around above 255 (200 * 2 gives 144). Do the arithmetic on floats, round, and cast last.', np.round(images.astype('uint8') * 255 / 16).astype('uint8')), Slip('`pixels` is not rescaled: it still holds the 0 to 16 brightness of `images`, cast to uint8. Multiply by 255/16 first.', images.astype('uint8'))]
    expect('pixels', pixels, np.zeros(images.shape, dtype='uint8'), check_values=False, candidates=slips)
    low, high = (int(pixels.min()), int(pixels.max()))
    assert (low, high) == (0, 255), f'`pixels` runs from {low} to {high}, but it should span 0 to 255.'

