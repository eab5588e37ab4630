from otter.test_files import test_case

OK_FORMAT = False

name = "q10"
points = 2

@test_case(points=0, hidden=False)
def test_q10_answer_is_one_of_the_letters(q10_answer):
    """`q10_answer` is one of "a" to "f"; whether it is the right one is checked when graded."""
    from autograder.feedback.choices import explain_choice
    finding = explain_choice('q10_answer', q10_answer, dict.fromkeys('abcdef', ''))
    assert finding is None, finding.message

