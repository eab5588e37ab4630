from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0, hidden=False)
def test_q1_first_100_is_a_batch_of_100(first_100):
    """`first_100` is a batch of 100 digits of 8 x 8 pixels; the pixels are checked when graded."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.slices import index_slips
    images = load_digits().images
    slips = index_slips('first_100', images, np.s_[:100], ('the pictures',))
    shape_only = np.zeros((100, *images.shape[1:]))
    expect('first_100', first_100, shape_only, check_dtype=False, check_values=False, candidates=slips)

