from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=0, hidden=False)
def test_q6_labels_row_is_a_row(labels_row):
    """Shape (1, 80): a row, not a plain vector or a column; the labels are checked when graded."""
    from autograder.feedback.slicing import explain_vector_shape
    finding = explain_vector_shape('labels_row', labels_row, 80, want='row')
    assert finding is None, finding.message

