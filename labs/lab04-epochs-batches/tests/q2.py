from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=0, hidden=False)
def test_q2_examples_from_the_question(batches_per_epoch):
    """`batches_per_epoch(10, 4)` is 3 and `batches_per_epoch(8, 4)` is 2."""
    from autograder.feedback.counting import explain_count_function
    examples = [(10, 4), (8, 4)]
    finding = explain_count_function('batches_per_epoch', batches_per_epoch, examples, 'batches', show_inputs=True)
    assert finding is None, finding.message

