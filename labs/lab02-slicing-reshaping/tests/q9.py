from otter.test_files import test_case

OK_FORMAT = False

name = "q9"
points = 2

@test_case(points=0, hidden=False)
def test_q9_answer_is_four_letters(q9_answer):
    """A tuple of four letters, each one of a, b, c and d; whether they are right is checked when graded."""
    assert q9_answer is not None and q9_answer is not Ellipsis, '`q9_answer` is not set yet: replace the `...` with your answer and run the cell.'
    assert isinstance(q9_answer, (tuple, list)), f'`q9_answer` should be a tuple of four letters, such as `("d", "c", "b", "a")`, but it is a {type(q9_answer).__name__}.'
    assert len(q9_answer) == 4, f'`q9_answer` has {len(q9_answer)} entries: give one letter per expression, four in all.'
    for part, choice in enumerate(q9_answer, start=1):
        assert choice is not Ellipsis, f'Part {part} of `q9_answer` is still `...`: replace it with a letter.'
        assert isinstance(choice, str) and choice.strip().lower() in ('a', 'b', 'c', 'd'), f'Part {part} of `q9_answer` is {choice!r}, which is not one of the letters a, b, c and d: write the letter as a string, in quotes.'

