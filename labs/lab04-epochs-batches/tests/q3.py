from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2

@test_case(points=0, hidden=False)
def test_q3_examples_from_the_question(last_batch_size):
    """`last_batch_size(10, 4)` is 2 and `last_batch_size(8, 4)` is 4."""
    from autograder.feedback.counting import explain_count_function
    examples = [(10, 4), (8, 4)]
    finding = explain_count_function('last_batch_size', last_batch_size, examples, 'last_batch', show_inputs=True)
    assert finding is None, finding.message

