from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=0, hidden=False)
def test_q2_lower_right_is_a_quadrant_of_every_digit(lower_right):
    """One 4 x 4 quadrant of every digit; the three other quadrants and a missing leading `:` are named, the
    pixels are checked when graded."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.slices import quadrant_slips
    images = load_digits().images
    count, height, width = images.shape
    slips = quadrant_slips('lower_right', images, want='lower-right')
    shape_only = np.zeros((count, height // 2, width // 2))
    expect('lower_right', lower_right, shape_only, check_dtype=False, check_values=False, candidates=slips)

