from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 3

@test_case(points=None, hidden=False)
def test_q7_evaluate_gives_loss_then_accuracy(train_loss, train_acc, test_loss, test_acc):
    """Four numbers: losses not negative, accuracies between 0 and 1."""
    from autograder.feedback.keras import explain_evaluate
    for names, got in ((('train_loss', 'train_acc'), (train_loss, train_acc)), (('test_loss', 'test_acc'), (test_loss, test_acc))):
        problem = explain_evaluate(names, got)
        assert problem is None, problem

@test_case(points=None, hidden=False)
def test_q7_accuracy_by_hand(manual_acc, pred_classes, y_test):
    """One number between 0 and 1; broadcasting and counting slips are named."""
    from autograder.feedback.keras import explain_accuracy
    problem = explain_accuracy('manual_acc', manual_acc, pred_classes, y_test, check_values=False)
    assert problem is None, problem

