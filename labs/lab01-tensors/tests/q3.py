from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2

@test_case(points=0, hidden=False)
def test_q3_matrix_and_cube_have_the_right_form(matrix, cube):
    """`matrix` has shape (3, 4) and `cube` shape (2, 3, 4); known slips are named, the values are checked when
    graded."""
    import numpy as np
    from autograder.feedback import expect
    numbers = np.arange(12)
    matrix_mistakes = {'`matrix` is filled column by column (as `reshape(4, 3).T` does). `reshape(3, 4)` fills it row by row, as asked.': numbers.reshape(4, 3).T, '`matrix` starts at 1: `np.arange(n)` starts at 0 and stops before n, so `np.arange(12)` gives 0 to 11.': (numbers + 1).reshape(3, 4)}
    expect('matrix', matrix, np.zeros((3, 4)), check_dtype=False, check_values=False, candidates=matrix_mistakes)
    cube_mistakes = {}
    if isinstance(matrix, np.ndarray) and matrix.shape == (3, 4):
        cube_mistakes = {'`cube` glues the matrices along an axis they already have (`np.concatenate` or `np.vstack`), giving shape (6, 4). Use `np.stack`, which adds a new first axis.': np.concatenate([matrix, matrix * 10]), '`cube` stacks the matrices along a new last axis, giving shape (3, 4, 2). Stack along a new first axis instead: `np.stack([...])` uses `axis=0` unless told otherwise.': np.stack([matrix, matrix * 10], -1)}
    expect('cube', cube, np.zeros((2, 3, 4)), check_dtype=False, check_values=False, candidates=cube_mistakes)

