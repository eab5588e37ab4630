from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 3

@test_case(points=0, hidden=False)
def test_q6_probabilities_and_classes(probs, pred_classes):
    """Rows of 10 probabilities that sum to 1, one per test picture, and one class per row."""
    from autograder.feedback.keras import explain_classes, explain_predictions
    problem = explain_predictions('probs', probs, 450, 10)
    assert problem is None, problem
    problem = explain_classes('pred_classes', pred_classes, probs, check_values=False)
    assert problem is None, problem

@test_case(points=0, hidden=False)
def test_q6_one_picture_keeps_the_batch_axis(first_probs):
    """The prediction for a batch of one picture."""
    from autograder.feedback.keras import explain_predictions
    problem = explain_predictions('first_probs', first_probs, 1, 10)
    assert problem is None, problem

