from otter.test_files import test_case

OK_FORMAT = False

name = "q9"
points = 2

@test_case(points=0, hidden=False)
def test_q9_answer_is_one_of_the_letters(q9_answer):
    """`q9_answer` is one of "a" to "d"; whether it is the right one is checked when graded."""
    from autograder.feedback.choices import explain_choice
    finding = explain_choice('q9_answer', q9_answer, dict.fromkeys('abcd', ''))
    assert finding is None, finding.message

