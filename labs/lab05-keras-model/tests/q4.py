from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=0, hidden=False)
def test_q4_history_of_the_asked_fit(history, model, train_targets, X_train, X_fit, y_train):
    """One History of 20 epochs in batches of 64, with validation and accuracy entries."""
    import numpy as np
    from autograder.feedback.keras import as_record, explain_fit_failure, explain_history
    if history is None:
        n_classes = len(np.unique(y_train)) if isinstance(y_train, np.ndarray) else None
        finding = explain_fit_failure('history', model, train_targets, n_classes, compile_cell=('train_targets', 'test_targets'))
        assert finding is None, finding.message
    own = (len(X_fit),) if isinstance(X_fit, np.ndarray) else ()
    n_samples = (*own, int(len(X_train) * 0.8), len(X_train)) if isinstance(X_train, np.ndarray) else own
    finding = explain_history('history', as_record(history, 'history'), epochs=20, batch_size=64, n_samples=n_samples, validation=True, metric=('accuracy', 'acc'))
    assert finding is None, finding.message

