from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 4

@test_case(points=0, hidden=False)
def test_q7_fit_ran_the_settings_asked_for(history):
    """`history` comes from fit with validation, and its params show the epochs and batch size asked for."""
    from sklearn.datasets import load_digits
    from autograder.feedback.fitting import explain_fit_params
    from autograder.feedback.keras import explain_history
    epochs, batch_size, validation_split = (8, 16, 0.2)
    finding = explain_history('history', history, validation=True)
    assert finding is None, finding.message
    finding = explain_fit_params(history.params, epochs, batch_size, len(load_digits().data), validation_split=validation_split)
    assert finding is None, finding.message

@test_case(points=0, hidden=False)
def test_q7_counter_agrees_with_history(counter, history):
    """`counter` watched the run recorded in `history`, and `counter.batches` counts every training batch of it."""
    from autograder.feedback.fitting import explain_counter
    from autograder.feedback.keras import explain_history
    finding = explain_history('history', history)
    assert finding is None, finding.message
    finding = explain_counter('counter', counter, history.params['epochs'], history.params['steps'], run_params=history.params)
    assert finding is None, finding.message

