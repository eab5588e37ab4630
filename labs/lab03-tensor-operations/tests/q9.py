from otter.test_files import test_case

OK_FORMAT = False

name = "q9"
points = 2

@test_case(points=None, hidden=False)
def test_q9_summed_has_room(summed):
    """Shape (3, 8, 8) in an integer dtype wider than uint8; wrap-around and clipping are named."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.overflow import wrap_slips
    pixels = np.round(load_digits().images[:6] * 255 / 16).astype(np.uint8)
    first_three, last_three = (pixels[:3], pixels[3:])
    slips = wrap_slips('summed', first_three, last_three, '+', 'first_three', 'last_three')
    expect('summed', summed, np.zeros((3, 8, 8), dtype=np.int64), check_dtype=False, check_values=False, candidates=slips)
    kind, size = (summed.dtype.kind, summed.dtype.itemsize)
    assert kind in 'iu', f'`summed` has dtype {summed.dtype}: pixel sums are whole numbers, so cast to an integer type such as `np.int32` before adding.'
    assert size >= 2, f'`summed` has dtype {summed.dtype}, which cannot hold sums above 255: cast to a wider type such as `np.int32` before adding.'

@test_case(points=None, hidden=False)
def test_q9_blended_is_an_image(blended):
    """Shape (3, 8, 8) and dtype uint8; wrap-around, early halving and other roundings are named."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.overflow import halving_slips
    pixels = np.round(load_digits().images[:6] * 255 / 16).astype(np.uint8)
    first_three, last_three = (pixels[:3], pixels[3:])
    slips = halving_slips('blended', first_three, last_three, 'first_three', 'last_three')
    expect('blended', blended, np.zeros((3, 8, 8), dtype=np.uint8), check_values=False, candidates=slips)

