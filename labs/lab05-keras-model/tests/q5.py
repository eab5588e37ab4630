from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=None, hidden=False)
def test_q5_curves_come_from_the_history(history, acc_curve, val_acc_curve):
    """Both lists are read from `history.history`, under the names Keras gives them."""
    from autograder.feedback.keras import as_record, explain_history_key
    history = as_record(history, 'history')
    for name, value, key in (('acc_curve', acc_curve, 'accuracy'), ('val_acc_curve', val_acc_curve, 'val_accuracy')):
        problem = explain_history_key(name, value, history, key)
        assert problem is None, problem

@test_case(points=None, hidden=False)
def test_q5_best_epoch_counts_from_one(best_epoch, val_acc_curve):
    """A whole number between 1 and the number of epochs."""
    from autograder.feedback import expect
    expect('best_epoch', best_epoch, 1, check_values=False)
    epochs = len(val_acc_curve) if hasattr(val_acc_curve, '__len__') else 20
    assert 1 <= best_epoch <= epochs, f'`best_epoch` is {best_epoch}, but epochs are counted from 1 to {epochs} here: an index into the list counts from 0.'

