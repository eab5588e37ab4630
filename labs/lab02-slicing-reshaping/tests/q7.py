from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 2

@test_case(points=0, hidden=False)
def test_q7_temple_col_is_a_column(temple_col):
    """Shape (80, 1): a column, not a plain vector, a row or a row of `onehot`."""
    import numpy as np
    from autograder.feedback.reshapes import explain_vector_shape
    labels = np.random.default_rng(0).integers(0, 2, size=80)
    onehot = np.eye(2, dtype='float32')[labels]
    finding = explain_vector_shape('temple_col', temple_col, len(onehot), want='column', sources={'onehot': onehot})
    assert finding is None, finding.message

@test_case(points=0, hidden=False)
def test_q7_temple_row_is_a_row(temple_row):
    """Shape (1, 80): a row, not a plain vector or a column."""
    import numpy as np
    from autograder.feedback.reshapes import explain_vector_shape
    labels = np.random.default_rng(0).integers(0, 2, size=80)
    onehot = np.eye(2, dtype='float32')[labels]
    finding = explain_vector_shape('temple_row', temple_row, len(onehot), want='row', sources={'onehot': onehot})
    assert finding is None, finding.message

