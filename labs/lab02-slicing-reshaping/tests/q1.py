from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=None, hidden=False)
def test_q1_first_100_is_a_batch_of_100(first_100):
    """`first_100` is a float64 batch of shape (100, 8, 8) that begins with the first picture."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    images = load_digits().images
    mistakes = {'`first_100` is a single picture: an index such as `images[100]` picks one picture and drops the batch axis, while a slice `images[start:stop]` keeps a batch.': images[100]}
    expect('first_100', first_100, np.zeros((100, 8, 8)), check_values=False, candidates=mistakes)
    assert np.array_equal(first_100[0], images[0]), '`first_100` does not begin with the first picture: indices count from 0, and a slice without a start begins at index 0.'

