from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=None, hidden=False)
def test_q2_shapes(plus_rows, plus_cols):
    """Both keep the shape (4, 3) of `M`; transposed, unchanged and trimmed results and other operators are named."""
    import numpy as np
    from autograder.feedback import expect
    from autograder.feedback.broadcasting import broadcast_slips
    M = np.arange(12).reshape(4, 3)
    row_offsets = np.array([10, 20, 30])
    col_offsets = np.array([100, 200, 300, 400])
    shape_only = np.zeros((4, 3))
    rows = broadcast_slips('plus_rows', M, row_offsets, 'M', 'row_offsets', along='rows')
    expect('plus_rows', plus_rows, shape_only, check_dtype=False, check_values=False, candidates=rows)
    cols = broadcast_slips('plus_cols', M, col_offsets, 'M', 'col_offsets', along='columns')
    expect('plus_cols', plus_cols, shape_only, check_dtype=False, check_values=False, candidates=cols)

