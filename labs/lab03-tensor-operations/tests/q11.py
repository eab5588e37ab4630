from otter.test_files import test_case

OK_FORMAT = False

name = "q11"
points = 2

@test_case(points=None, hidden=False)
def test_q11_model_is_built(model):
    """A built Keras model for samples of 4 features with 3 outputs; its weights and outputs are marked when graded."""
    from autograder.feedback.keras import as_record
    model = as_record(model)
    assert model is not None and model is not Ellipsis, '`model` is not set yet: replace the `...` with your code and run the cell (if the cell raised an error, fix that first).'
    is_model = {'layers', 'built', 'weights'} <= set(getattr(model, 'attrs', {}))
    kind = getattr(model, 'type_name', type(model).__name__)
    assert is_model, f'`model` is {kind}, not a Keras model: build it with `keras.Sequential([...])`.'
    assert model.built and model.weights, '`model` is not built, so its layer has no weights yet: start the model with `keras.Input(shape=...)`, the shape of one sample.'
    inputs, outputs = (tuple(model.input_shape or ()), tuple(model.output_shape or ()))
    assert inputs[-1:] == (4,), f'`model` takes inputs of shape {inputs}, but each sample here has 4 features: give `keras.Input` the shape of one row of `X`.'
    assert outputs[-1:] == (3,), f'`model` gives outputs of shape {outputs}: the Dense layer should have 3 units.'

@test_case(points=None, hidden=False)
def test_q11_keras_out_agrees_with_manual(keras_out, manual_out):
    """A NumPy array of shape (5, 3) without negatives, equal to `manual_out` up to rounding."""
    import numpy as np
    from autograder.feedback import expect
    from autograder.feedback.products import dense_slips
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, 4)).astype(np.float32)
    W = rng.normal(size=(4, 3)).astype(np.float32)
    b = rng.normal(size=3).astype(np.float32)
    if keras_out is not None and keras_out is not Ellipsis and (not isinstance(keras_out, np.ndarray)):
        kind = getattr(keras_out, 'type_name', type(keras_out).__name__)
        raise AssertionError(f'`keras_out` has type {kind}, not a NumPy array: take the output of `model.predict`, or convert a tensor with `np.asarray(...)`.')
    linear = '`keras_out` has negative values: the Dense layer has no activation, so it stays linear. Create it with `activation="relu"`.'
    slips = dense_slips('keras_out', X, W, b, unactivated=linear)
    expect('keras_out', keras_out, np.zeros((5, 3)), check_dtype=False, check_values=False, candidates=slips, rtol=0.0001, atol=1e-05)
    if isinstance(manual_out, np.ndarray) and manual_out.shape == keras_out.shape:
        assert np.allclose(keras_out, manual_out, rtol=0.0001, atol=1e-05), '`keras_out` and `manual_out` disagree. Check that the layer has ReLU activation and holds `W` and `b` (`set_weights([W, b])` once the model is built), and that `dense_forward` adds the bias before the ReLU.'

