from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2

@test_case(points=None, hidden=False)
def test_q4_history_of_the_asked_fit(history, model, train_targets):
    """One History of 20 epochs of 22 batches, with validation and accuracy entries."""
    from autograder.feedback.keras import as_record, explain_history
    problem = explain_history(as_record(history, 'history'), epochs=20, batch_size=64, n_samples=1347, validation=True, metric='accuracy', model=as_record(model), targets=train_targets)
    assert problem is None, problem

