from otter.test_files import test_case

OK_FORMAT = False

name = "q10"
points = 2

@test_case(points=None, hidden=False)
def test_q10_dense_forward_shape(dense_forward):
    """`dense_forward(X, W, b)` gives shape (5, 3) and no negatives; a missing ReLU or bias is named."""
    import numpy as np
    from autograder.feedback import expect
    from autograder.feedback.operations import dense_candidates, student_call
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, 4)).astype(np.float32)
    W = rng.normal(size=(4, 3)).astype(np.float32)
    b = rng.normal(size=3).astype(np.float32)
    got = student_call('dense_forward(X, W, b)', dense_forward, X, W, b)
    mistakes = dense_candidates('dense_forward(X, W, b)', X, W, b)
    expect('dense_forward(X, W, b)', got, np.zeros((5, 3)), check_dtype=False, check_values=False, candidates=mistakes, rtol=1e-05, atol=1e-06)
    assert float(np.min(got)) >= 0, '`dense_forward(X, W, b)` has negative entries: apply ReLU last.'

@test_case(points=None, hidden=False)
def test_q10_manual_out(manual_out):
    """`manual_out` is an array of shape (5, 3) without negative entries."""
    import numpy as np
    from autograder.feedback import expect
    expect('manual_out', manual_out, np.zeros((5, 3)), check_dtype=False, check_values=False)
    assert float(np.min(manual_out)) >= 0, '`manual_out` has negative entries: apply ReLU last.'

