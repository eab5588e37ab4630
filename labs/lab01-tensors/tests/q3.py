from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2

@test_case(points=0, hidden=False)
def test_q3_matrix_and_cube_have_the_right_form(matrix, cube):
    """`matrix` has shape (3, 4) and `cube` shape (2, 3, 4); slips re-enacted on 0..11 are named, the values are
    checked when graded."""
    import numpy as np
    from autograder.feedback import expect
    from autograder.feedback.axes import stack_slips
    from autograder.feedback.transforms import sequence_slips
    expect('matrix', matrix, np.zeros((3, 4)), check_dtype=False, check_values=False, candidates=sequence_slips('matrix', 0, 12, shape=(3, 4)))
    slips = []
    if isinstance(matrix, np.ndarray) and matrix.shape == (3, 4):
        slips = stack_slips('cube', [matrix, matrix * 10])
    expect('cube', cube, np.zeros((2, 3, 4)), check_dtype=False, check_values=False, candidates=slips)

