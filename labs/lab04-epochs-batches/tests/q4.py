from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2

@test_case(points=0, hidden=False)
def test_q4_examples_from_the_question(weight_updates):
    """`weight_updates(10, 4, 5)` is 15 and `weight_updates(8, 4, 3)` is 6."""
    from autograder.feedback.counting import explain_count_function
    examples = [(10, 4, 5), (8, 4, 3)]
    finding = explain_count_function('weight_updates', weight_updates, examples, 'updates', show_inputs=True)
    assert finding is None, finding.message

