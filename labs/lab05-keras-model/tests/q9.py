from otter.test_files import test_case

OK_FORMAT = False

name = "q9"
points = 2

@test_case(points=0, hidden=False)
def test_q9_six_letters_once_each(q9_order):
    """A tuple (or list) holding each of the letters a to f once."""
    letters = [str(x).strip().lower() for x in q9_order] if isinstance(q9_order, (tuple, list)) else None
    assert letters is not None and sorted(letters) == list('abcdef'), "`q9_order` should be a tuple holding each of the letters 'a' to 'f' once, as strings, first step first."

