from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0, hidden=False)
def test_q1_scalar_and_vector_are_tensors(scalar, vector):
    """`scalar` is a rank-0 NumPy array and `vector` a rank-1 array of five numbers; the values are checked when
    graded."""
    import numpy as np
    from autograder.feedback import expect
    expect('scalar', scalar, np.array(0), check_dtype=False, check_values=False)
    assert isinstance(scalar, np.ndarray), '`scalar` is a plain Python number: wrap it with `np.array(...)`.'
    expect('vector', vector, np.zeros(5), check_dtype=False, check_values=False)
    for name, value in (('scalar', scalar), ('vector', vector)):
        assert value.dtype.kind in 'iu', f'`{name}` has dtype {value.dtype}, but it should hold integers: write whole numbers without a decimal point, and NumPy picks an integer dtype.'

