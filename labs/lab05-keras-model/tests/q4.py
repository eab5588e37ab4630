from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=0, hidden=False)
def test_q4_history_of_the_asked_fit(history, model, train_targets):
    """One History of 20 epochs, with validation and accuracy entries."""
    from autograder.feedback.keras import as_record, explain_history
    problem = explain_history(as_record(history, 'history'), epochs=20, batch_size=64, validation=True, metric=('accuracy', 'acc'), model=as_record(model), targets=train_targets)
    assert problem is None, problem

