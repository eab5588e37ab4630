from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=None, hidden=False)
def test_q2_lower_right_is_a_quadrant_of_every_digit(lower_right):
    """Shape (1797, 4, 4); the three other quadrants and a missing leading `:` are named."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.slicing import quadrant_candidates
    images = load_digits().images
    mistakes = quadrant_candidates('lower_right', images, want='lower-right')
    expect('lower_right', lower_right, np.zeros((1797, 4, 4)), check_values=False, candidates=mistakes)

