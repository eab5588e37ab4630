from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=None, hidden=False)
def test_q1_scalar_has_no_axes(scalar):
    """`scalar` is a NumPy tensor of rank 0 holding 7."""
    import numpy as np
    from autograder.feedback import expect
    expect('scalar', scalar, np.array(7), check_dtype=False)
    assert isinstance(scalar, np.ndarray), '`scalar` is a plain Python number: wrap it with `np.array(...)`.'

@test_case(points=None, hidden=False)
def test_q1_vector_has_one_axis(vector):
    """`vector` is a rank-1 tensor holding 1 to 5."""
    import numpy as np
    from autograder.feedback import expect
    expect('vector', vector, np.array([1, 2, 3, 4, 5]), check_dtype=False)

