from otter.test_files import test_case

OK_FORMAT = False

name = "q8"
points = 2

@test_case(points=None, hidden=False)
def test_q8_one_letter(product_choice):
    """One letter from a to e; whether it is the right one is marked when graded."""
    assert product_choice is not None and product_choice is not Ellipsis, '`product_choice` is not set yet: replace the `...` with one letter, as a string such as "a".'
    assert isinstance(product_choice, str), f'`product_choice` is {type(product_choice).__name__}: write the letter as a string, such as "a".'
    letter = product_choice.strip().strip('().').strip().lower()
    assert len(letter) == 1, f'`product_choice` is {product_choice!r}: choose exactly one letter.'
    assert letter in 'abcde', f'`product_choice` is {product_choice!r}, which is not one of the letters a to e.'

