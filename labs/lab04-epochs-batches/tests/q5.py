from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=0, hidden=False)
def test_q5_examples_from_the_question(split_sizes):
    """`split_sizes(10, 0.25)` is (7, 3) and `split_sizes(7, 0.5)` is (3, 4)."""
    from autograder.feedback.counting import explain_split_function
    examples = [(10, 0.25), (7, 0.5)]
    finding = explain_split_function('split_sizes', split_sizes, examples, show_inputs=True)
    assert finding is None, finding.message

