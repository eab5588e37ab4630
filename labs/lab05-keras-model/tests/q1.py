from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0, hidden=False)
def test_q1_pixels_are_float32_in_unit_range(X):
    """`X` has one row of 64 float32 pixels per picture, between 0 and 1; known slips are named."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    data = load_digits().data
    mistakes = {"`X` is float64: dividing gives float64, so cast the result with `.astype('float32')`.": data / 16, '`X` still runs from 0 to 16: cast to float32 and divide by 16, the largest brightness.': data.astype('float32'), '`X` was divided by 255, but these pixels only go up to 16: divide by 16.': (data / 255).astype('float32')}
    expect('X', X, np.zeros(data.shape, dtype='float32'), check_values=False, candidates=mistakes)
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

