from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=0, hidden=False)
def test_q6_labels_row_is_a_row(labels_row):
    """Shape (1, 80): a row, not a plain vector or a column; the labels are checked when graded."""
    import numpy as np
    from autograder.feedback.reshapes import explain_vector_shape
    labels = np.random.default_rng(0).integers(0, 2, size=80)
    finding = explain_vector_shape('labels_row', labels_row, len(labels), want='row', sources={'labels': labels})
    assert finding is None, finding.message

