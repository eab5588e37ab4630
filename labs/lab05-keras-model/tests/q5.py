from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 4

@test_case(points=0, hidden=False)
def test_q5_curves_and_best_epoch_have_the_right_form(history, acc_curve, val_acc_curve, best_epoch):
    """Two lists of accuracies, one per epoch, read without a KeyError; a whole number of an epoch from 1 on."""
    import numpy as np
    from autograder.feedback import expect
    from autograder.feedback.keras import accuracy_keys, as_record, explain_history_key
    history = as_record(history, 'history')
    keys = accuracy_keys(history)
    assert keys is not None, '`history` has no accuracy curves yet: fix question 4 first.'
    epochs = len(history.history[keys[0]])
    for name, value, key in (('acc_curve', acc_curve, keys[0]), ('val_acc_curve', val_acc_curve, keys[1])):
        if value is None or value is Ellipsis:
            finding = explain_history_key(name, value, history, key)
            assert finding is None, finding.message
        values = np.asarray(value, dtype=float) if isinstance(value, (list, tuple, np.ndarray)) else None
        assert values is not None and values.shape == (epochs,), f'`{name}` should be the list of {epochs} values, one per epoch, read from `history.history`.'
        assert ((0 <= values) & (values <= 1)).all(), f'`{name}` holds values outside [0, 1]: it is not an accuracy.'
    expect('best_epoch', best_epoch, 1, check_values=False)
    assert 1 <= best_epoch <= epochs, f'`best_epoch` is {best_epoch}, but epochs are counted from 1 to {epochs} here: an index into the list counts from 0.'

