from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 2

@test_case(points=None, hidden=False)
def test_q7_every_product_answered(product_shapes):
    """A dictionary with the seven products, each a tuple of whole numbers or None."""
    import numpy as np
    expressions = ['X @ Y', 'Y @ X', 'X @ u', 'u @ X', 'w @ X', 'X.T @ X', 'Y @ Y']
    assert isinstance(product_shapes, dict), '`product_shapes` should be the dictionary from the question.'
    missing = [e for e in expressions if e not in product_shapes]
    assert not missing, f'`product_shapes` lacks the key {missing[0]!r}: keep the keys as given.'
    for expression in expressions:
        value = product_shapes[expression]
        name = f'product_shapes[{expression!r}]'
        assert value is not Ellipsis, f'`{name}` is not answered yet: replace the `...`.'
        is_shape = isinstance(value, (tuple, list)) and all((isinstance(n, (int, np.integer)) and (not isinstance(n, bool)) for n in value))
        assert value is None or is_shape, f'`{name}` is {value!r}: write a tuple of whole numbers such as `(3, 4)` or `(6,)`, or None.'

