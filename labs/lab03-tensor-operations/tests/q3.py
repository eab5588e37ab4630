from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2

@test_case(points=None, hidden=False)
def test_q3_letters_only(broadcast_choices):
    """A string of letters from a to g; whether they are the right ones is marked when graded."""
    import re
    assert broadcast_choices is not None and broadcast_choices is not Ellipsis, '`broadcast_choices` is not set yet: replace the `...` with a string of letters, such as "be".'
    if isinstance(broadcast_choices, (tuple, list, set, frozenset)) and all((isinstance(item, str) for item in broadcast_choices)):
        broadcast_choices = ''.join(broadcast_choices)
    assert isinstance(broadcast_choices, str), f'`broadcast_choices` is {type(broadcast_choices).__name__}: write the letters as one string, such as "be".'
    letters = re.sub('[\\s,;()\\[\\]\'\\"]', '', broadcast_choices).lower()
    assert letters, '`broadcast_choices` is empty: write the letters of every true statement, such as "be".'
    unknown = sorted(set(letters) - set('abcdefg'))
    assert not unknown, f'`broadcast_choices` holds {unknown[0]!r}, which is not the letter of a statement: use letters from a to g.'

