from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 2

@test_case(points=0, hidden=False)
def test_q7_temple_col_is_a_column(temple_col):
    """Shape (80, 1): a column, not a plain vector, a row or a row of `onehot`."""
    from autograder.feedback.slicing import explain_vector_shape
    finding = explain_vector_shape('temple_col', temple_col, 80, want='column')
    assert finding is None, finding.message

@test_case(points=0, hidden=False)
def test_q7_temple_row_is_a_row(temple_row):
    """Shape (1, 80): a row, not a plain vector or a column."""
    from autograder.feedback.slicing import explain_vector_shape
    finding = explain_vector_shape('temple_row', temple_row, 80, want='row')
    assert finding is None, finding.message

