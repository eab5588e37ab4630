from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2

@test_case(points=None, hidden=False)
def test_q3_matrix(matrix):
    """`matrix` has shape (3, 4) and is filled row by row; the exact values are checked when graded."""
    import numpy as np
    from autograder.feedback import expect
    shape_only = np.zeros((3, 4), dtype=int)
    mistakes = {'`matrix` is filled column by column (as `reshape(4, 3).T` does). `reshape(3, 4)` fills it row by row, as asked.': np.arange(12).reshape(4, 3).T}
    expect('matrix', matrix, shape_only, check_dtype=False, check_values=False, candidates=mistakes)
    first_row = np.asarray(matrix)[0].tolist()
    assert first_row == [0, 1, 2, 3], 'The first row of `matrix` should read 0, 1, 2, 3: fill it row by row.'

@test_case(points=None, hidden=False)
def test_q3_cube_shape(matrix, cube):
    """`cube` is a rank-3 tensor of shape (2, 3, 4); wrong ways of joining are named."""
    import numpy as np
    from autograder.feedback import expect
    shape_only = np.zeros((2, 3, 4))
    mistakes = {}
    if isinstance(matrix, np.ndarray) and matrix.shape == (3, 4):
        mistakes = {'`cube` glues the matrices along an axis they already have (`np.concatenate` or `np.vstack`), giving shape (6, 4). Use `np.stack`, which adds a new first axis.': np.concatenate([matrix, matrix * 10]), '`cube` stacks the matrices along a new last axis, giving shape (3, 4, 2). Stack along a new first axis instead: `np.stack([...])` uses `axis=0` unless told otherwise.': np.stack([matrix, matrix * 10], axis=-1)}
    expect('cube', cube, shape_only, check_dtype=False, check_values=False, candidates=mistakes)

