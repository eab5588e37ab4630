from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=None, hidden=False)
def test_q5_standardize_columns(standardize):
    """`standardize(measurements, 0)`: shape (5, 3), every column with mean 0 and standard deviation 1."""
    import numpy as np
    from autograder.feedback import expect
    from autograder.feedback.operations import normalise_candidates, student_call
    measurements = np.array([[172.0, 68.0, 34.0], [165.0, 59.0, 29.0], [181.0, 83.0, 41.0], [158.0, 52.0, 23.0], [176.0, 74.0, 38.0]])
    got = student_call('standardize(measurements, 0)', standardize, measurements, 0)
    mistakes = normalise_candidates('standardize(measurements, 0)', measurements, 0, 'x')
    expect('standardize(measurements, 0)', got, np.zeros((5, 3)), check_dtype=False, check_values=False, candidates=mistakes)
    columns_ok = np.allclose(got.mean(axis=0), 0) and np.allclose(got.std(axis=0), 1)
    assert columns_ok, 'The columns of `standardize(measurements, 0)` should each have mean 0 and standard deviation 1, but they do not: take both statistics over `axis`.'

@test_case(points=None, hidden=False)
def test_q5_standardize_rows(standardize):
    """`standardize(features[:5], 1)`: each of five digit images standardised on its own."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.operations import normalise_candidates, student_call
    images = load_digits().data[:5]
    got = student_call('standardize(features[:5], 1)', standardize, images, 1)
    mistakes = normalise_candidates('standardize(features[:5], 1)', images, 1, 'x')
    expect('standardize(features[:5], 1)', got, np.zeros((5, 64)), check_dtype=False, check_values=False, candidates=mistakes)
    rows_ok = np.allclose(got.mean(axis=1), 0) and np.allclose(got.std(axis=1), 1)
    assert rows_ok, 'The rows of `standardize(features[:5], 1)` should each have mean 0 and standard deviation 1, but they do not: take both statistics over `axis`, with `keepdims=True`.'

