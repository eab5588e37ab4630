from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2

@test_case(points=None, hidden=False)
def test_q4_describe_images(describe):
    """The example from the question: the digits tensor."""
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    images = load_digits().images
    assert describe is not None, '`describe` is not defined yet: run the cell that defines it.'
    try:
        got = describe(images)
    except Exception as error:
        raise AssertionError(f'`describe(images)` raised {type(error).__name__}: {error}') from None
    expect('describe(images)', got, (3, (1797, 8, 8), 'float64'), hint='Use `t.ndim`, `t.shape` and `t.dtype.name`.')

@test_case(points=None, hidden=False)
def test_q4_describe_a_scalar(describe):
    """A rank-0 tensor has no axes and the empty shape."""
    import numpy as np
    from autograder.feedback import expect
    assert describe is not None, '`describe` is not defined yet: run the cell that defines it.'
    try:
        got = describe(np.array(2.5))
    except Exception as error:
        raise AssertionError(f'`describe(np.array(2.5))` raised {type(error).__name__} ({error}). A rank-0 array has no axes, so `len(t)` and `t[0]` fail on it, while `t.ndim` and `t.shape` work at every rank.') from None
    expect('describe(np.array(2.5))', got, (0, (), 'float64'), hint='Use `t.ndim`, `t.shape` and `t.dtype.name`.')

