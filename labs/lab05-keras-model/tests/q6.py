from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 3

@test_case(points=0, hidden=False)
def test_q6_probabilities_and_classes(probs, pred_classes, model, X_test):
    """Rows of 10 probabilities that sum to 1, one per test picture, and one class per row."""
    import numpy as np
    from autograder.feedback.keras import explain_classes, explain_predictions
    n_samples = len(X_test) if isinstance(X_test, np.ndarray) else 450
    finding = explain_predictions('probs', probs, n_samples, 10, model=model)
    assert finding is None, finding.message
    finding = explain_classes('pred_classes', pred_classes, probs, check_values=False)
    assert finding is None, finding.message

@test_case(points=0, hidden=False)
def test_q6_one_picture_keeps_the_batch_axis(first_probs, model):
    """The prediction for a batch of one picture."""
    from autograder.feedback.keras import explain_predictions
    finding = explain_predictions('first_probs', first_probs, 1, 10, model=model)
    assert finding is None, finding.message

