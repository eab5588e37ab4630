from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 3

@test_case(points=0, hidden=False)
def test_q7_evaluate_gives_loss_then_accuracy(test_loss, test_acc):
    """Two numbers: a loss that is not negative, an accuracy between 0 and 1."""
    from autograder.feedback.keras import explain_evaluate
    finding = explain_evaluate(('test_loss', 'test_acc'), (test_loss, test_acc))
    assert finding is None, finding.message

@test_case(points=0, hidden=False)
def test_q7_accuracy_is_a_function_and_manual_acc_a_share(accuracy, manual_acc, pred_classes, y_test):
    """`accuracy` is a function; `manual_acc` one number between 0 and 1; broadcasting and counting slips named."""
    from autograder.feedback.keras import explain_accuracy
    assert callable(accuracy), '`accuracy` should be a function: define it with `def accuracy(pred_classes, labels):`.'
    finding = explain_accuracy('manual_acc', manual_acc, pred_classes, y_test, check_values=False)
    assert finding is None, finding.message

