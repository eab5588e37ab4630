from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=None, hidden=False)
def test_q5_standardize_columns(standardize):
    """`standardize(measurements, 0)`: shape (5, 3), every column with mean 0 and standard deviation 1."""
    import numpy as np
    from autograder.feedback import call_student, expect
    from autograder.feedback.broadcasting import normalise_slips
    measurements = np.array([[172.0, 68.0, 34.0], [165.0, 59.0, 29.0], [181.0, 83.0, 41.0], [158.0, 52.0, 23.0], [176.0, 74.0, 38.0]])
    call = 'standardize(measurements, 0)'
    got = call_student(call, standardize, measurements, 0)
    slips = normalise_slips(call, measurements, 0)
    expect(call, got, np.zeros((5, 3)), check_dtype=False, check_values=False, candidates=slips)
    means, spreads = (got.mean(axis=0), got.std(axis=0))
    off = [goal for goal, met in (('mean 0', np.allclose(means, 0)), ('standard deviation 1', np.allclose(spreads, 1))) if not met]
    assert not off, f"The columns of `{call}` should each have mean 0 and standard deviation 1, but not all have {' and '.join(off)}: their means run from {means.min():.3g} to {means.max():.3g}, their standard deviations from {spreads.min():.3g} to {spreads.max():.3g}."

@test_case(points=None, hidden=False)
def test_q5_standardize_rows(standardize):
    """`standardize(features[:5], 1)`: each of five digit images standardised on its own."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import call_student, expect
    from autograder.feedback.broadcasting import normalise_slips
    images = load_digits().data[:5]
    call = 'standardize(features[:5], 1)'
    got = call_student(call, standardize, images, 1)
    slips = normalise_slips(call, images, 1)
    expect(call, got, np.zeros((5, 64)), check_dtype=False, check_values=False, candidates=slips)
    means, spreads = (got.mean(axis=1), got.std(axis=1))
    off = [goal for goal, met in (('mean 0', np.allclose(means, 0)), ('standard deviation 1', np.allclose(spreads, 1))) if not met]
    assert not off, f"The rows of `{call}` should each have mean 0 and standard deviation 1, but not all have {' and '.join(off)}: their means run from {means.min():.3g} to {means.max():.3g}, their standard deviations from {spreads.min():.3g} to {spreads.max():.3g}."

