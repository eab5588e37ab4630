from otter.test_files import test_case

OK_FORMAT = False

name = "q8"
points = 2

@test_case(points=0, hidden=False)
def test_q8_one_of_the_letters(q8_answer):
    """One of the letters a to d, as a string."""
    assert isinstance(q8_answer, str) and q8_answer.strip().lower() in ('a', 'b', 'c', 'd'), "`q8_answer` should be one of the letters 'a', 'b', 'c' or 'd', as a string (in quotes)."

