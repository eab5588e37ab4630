from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2

@test_case(points=0, hidden=False)
def test_q4_describe_returns_three_facts(describe):
    """`describe` returns a rank, a shape and a dtype name, for the digits and for a rank-0 array; the values
    are checked when graded."""
    import numpy as np
    from sklearn.datasets import load_digits
    images = load_digits().images
    assert describe is not None and describe is not Ellipsis, '`describe` is not defined yet: run the cell that defines it.'
    from autograder.feedback import prefetch
    prefetch(describe, [(images,), (np.array(2.5),)])
    for label, t in (('describe(images)', images), ('describe(np.array(2.5))', np.array(2.5))):
        try:
            got = describe(t)
        except Exception as error:
            text = str(error).split(' failed: ', 1)[-1] if type(error).__name__ == 'StudentFunctionError' else f'{type(error).__name__}: {error}'
            raise AssertionError(f'`{label}` failed ({text}). It has to work at every rank: a rank-0 array has no axes, so `len(t)` and `t[0]` fail on it, while the attributes of section 3 work on any array.') from None
        assert got is not None, f'`{label}` returned None: finish the body of `describe` and `return` the tuple.'
        what = f'a value of type {type(got).__name__}'
        if isinstance(got, (tuple, list)):
            what = f'a {type(got).__name__} of length {len(got)}'
        assert isinstance(got, (tuple, list)) and len(got) == 3, f'`{label}` should return a tuple of three things, (rank, shape, dtype name), but it returned {what}.'
        rank, shape, name = got
        assert isinstance(rank, (int, np.integer)) and (not isinstance(rank, bool)), f'The rank that `{label}` returns should be a whole number, but it is {type(rank).__name__}.'
        assert isinstance(shape, (tuple, list)) and all((isinstance(n, (int, np.integer)) for n in shape)), f'The shape that `{label}` returns should be a tuple of axis lengths, as `.shape` gives, but it is {type(shape).__name__}.'
        assert len(shape) == rank, f'`{label}` gives rank {rank} but a shape with {len(shape)} entries: the rank counts the axes, and a shape has one entry per axis.'
        assert not isinstance(name, (np.dtype, type)), f"`{label}` returns the dtype itself as its third entry: the question asks for the dtype's name, as a string."
        assert isinstance(name, str), f"The third entry of `{label}` should be the dtype's name as a string, but it is {type(name).__name__}."

