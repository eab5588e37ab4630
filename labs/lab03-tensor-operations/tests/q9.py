from otter.test_files import test_case

OK_FORMAT = False

name = "q9"
points = 2

@test_case(points=None, hidden=False)
def test_q9_keras_agrees_with_manual(keras_out, manual_out):
    """A NumPy array of shape (5, 3) without negatives, equal to `manual_out` up to rounding."""
    import numpy as np
    from autograder.feedback import expect
    from autograder.feedback.operations import dense_candidates
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, 4)).astype(np.float32)
    W = rng.normal(size=(4, 3)).astype(np.float32)
    b = rng.normal(size=3).astype(np.float32)
    if keras_out is not None and keras_out is not Ellipsis and (not isinstance(keras_out, np.ndarray)):
        kind = getattr(keras_out, 'type_name', type(keras_out).__name__)
        raise AssertionError(f"`keras_out` has type {kind}, not a NumPy array: convert the layer's output with `np.asarray(...)`.")
    linear = '`keras_out` has negative values: the layer has no activation, so it stays linear. Create it with `activation="relu"`.'
    mistakes = {linear: X @ W + b, **dense_candidates('keras_out', X, W, b)}
    expect('keras_out', keras_out, np.zeros((5, 3)), check_dtype=False, check_values=False, candidates=mistakes, rtol=0.0001, atol=1e-05)
    if isinstance(manual_out, np.ndarray) and manual_out.shape == keras_out.shape:
        assert np.allclose(keras_out, manual_out, rtol=0.0001, atol=1e-05), '`keras_out` and `manual_out` disagree. Check that the layer has ReLU activation and holds `W` and `b` (`layer.set_weights([W, b])` after `layer.build(X.shape)`), and that `dense_forward` adds the bias before the ReLU.'

