from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0, hidden=False)
def test_q1_pixels_are_float32_in_unit_range(X):
    """`X` has one row of 64 float32 pixels per picture, between 0 and 1; scaling slips are named."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.transforms import divisor_slips
    data = load_digits().data
    slips = divisor_slips('X', data, data.max(), dtype='float32', others=(255,))
    expect('X', X, np.zeros(data.shape, dtype='float32'), check_values=False, candidates=slips)
    low, high = (float(X.min()), float(X.max()))
    assert 0.0 <= low and high <= 1.0, f'`X` runs from {low:g} to {high:g}, but it should lie between 0 and 1.'

@test_case(points=0, hidden=False)
def test_q1_split_has_four_parts_in_order(X_train, X_test, y_train, y_test):
    """Shapes of the four parts; a wrong unpacking order is named."""
    import numpy as np
    from autograder.feedback import expect
    shapes = {'X_train': (1347, 64), 'X_test': (450, 64), 'y_train': (1347,), 'y_test': (450,)}
    parts = {'X_train': X_train, 'X_test': X_test, 'y_train': y_train, 'y_test': y_test}
    for name, value in parts.items():
        shape = getattr(value, 'shape', None)
        others = [other for other, want in shapes.items() if other != name and want == shape]
        assert not others, f'`{name}` has the shape of `{others[0]}`: `train_test_split` returns the training inputs, the test inputs, the training labels and the test labels, in that order, so unpack them as `X_train, X_test, y_train, y_test = ...`.'
        dtype = 'float32' if name.startswith('X') else 'int64'
        expect(name, value, np.zeros(shapes[name], dtype=dtype), check_dtype=False, check_values=False)

