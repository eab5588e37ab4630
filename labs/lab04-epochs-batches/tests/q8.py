from otter.test_files import test_case

OK_FORMAT = False

name = "q8"
points = 2

@test_case(points=0, hidden=False)
def test_q8_held_out_samples_are_the_last_ones(x_val, y_val, model, history):
    """Blocks from the end of the data; the trained model's loss on them matches the last `val_loss`."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback.fitting import explain_held_out
    from autograder.feedback.keras import explain_history
    validation_split = 0.2
    digits = load_digits()
    data = {'x_val': digits.data.astype('float32') / 16, 'y_val': digits.target}
    for name, got in (('x_val', x_val), ('y_val', y_val)):
        finding = explain_held_out(name, got, data[name], validation_split, check_values=False)
        assert finding is None, finding.message
    assert len(x_val) == len(y_val), '`x_val` and `y_val` should hold the same number of samples.'
    if explain_history('history', history, validation=True) is None:
        loss = float(np.ravel(model.evaluate(x_val, y_val, verbose=0))[0])
        recorded = history.history['val_loss'][-1]
        assert np.isclose(loss, recorded, rtol=0.001), f"The model's loss on `x_val`, `y_val` is {loss:.4f}, but the last `val_loss` of `history` is {recorded:.4f}: these are not the samples `fit` validated on (or the model trained again since)."

