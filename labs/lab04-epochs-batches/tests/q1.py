from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=0, hidden=False)
def test_q1_counts_are_whole_and_avoid_the_usual_slips(mnist_batches, mnist_last_batch, mnist_updates):
    """Whole, positive numbers that are none of the typical miscounts; the exact values are checked when graded."""
    from autograder.feedback.counting import explain_count
    n, batch_size, epochs = (60000, 512, 20)
    answers = (('mnist_batches', mnist_batches, 'batches'), ('mnist_last_batch', mnist_last_batch, 'last_batch'), ('mnist_updates', mnist_updates, 'updates'))
    for name, got, quantity in answers:
        finding = explain_count(name, got, n, batch_size, epochs, quantity, check_values=False)
        assert finding is None, finding.message

