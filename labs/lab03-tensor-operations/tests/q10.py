from otter.test_files import test_case

OK_FORMAT = False

name = "q10"
points = 2

@test_case(points=None, hidden=False)
def test_q10_dense_forward_shape(dense_forward):
    """`dense_forward(X, W, b)` gives shape (5, 3) and no negatives; a missing ReLU or bias is named."""
    import numpy as np
    from autograder.feedback import call_student, expect
    from autograder.feedback.products import dense_slips
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, 4)).astype(np.float32)
    W = rng.normal(size=(4, 3)).astype(np.float32)
    b = rng.normal(size=3).astype(np.float32)
    call = 'dense_forward(X, W, b)'
    got = call_student(call, dense_forward, X, W, b)
    slips = dense_slips(call, X, W, b)
    expect(call, got, np.zeros((5, 3)), check_dtype=False, check_values=False, candidates=slips, rtol=1e-05, atol=1e-06)
    assert float(np.min(got)) >= 0, f'`{call}` has negative entries, so ReLU is not its last step: apply it last.'

@test_case(points=None, hidden=False)
def test_q10_manual_out(manual_out):
    """`manual_out` is an array of shape (5, 3) without negative entries; a missing ReLU or bias is named."""
    import numpy as np
    from autograder.feedback import expect
    from autograder.feedback.products import dense_slips
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, 4)).astype(np.float32)
    W = rng.normal(size=(4, 3)).astype(np.float32)
    b = rng.normal(size=3).astype(np.float32)
    slips = dense_slips('manual_out', X, W, b)
    expect('manual_out', manual_out, np.zeros((5, 3)), check_dtype=False, check_values=False, candidates=slips, rtol=1e-05, atol=1e-06)
    assert float(np.min(manual_out)) >= 0, '`manual_out` has negative entries, so ReLU is not its last step.'

