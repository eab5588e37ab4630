from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 2

@test_case(points=None, hidden=False)
def test_q7_fit_ran_the_settings_asked_for(history):
    """`history` comes from fit with validation, and its params show the epochs and batch size asked for."""
    from autograder.feedback.training import explain_fit_params, explain_history
    finding = explain_history('history', history, validation=True)
    assert finding is None, finding.message
    finding = explain_fit_params(history.params, 8, 16, 1797, validation_split=0.2)
    assert finding is None, finding.message

@test_case(points=None, hidden=False)
def test_q7_counter_agrees_with_history(counter, history):
    """`counter.batches` counts every training batch of the run recorded in `history`."""
    from autograder.feedback.training import explain_counter, explain_history
    finding = explain_history('history', history)
    assert finding is None, finding.message
    finding = explain_counter('counter', counter, history.params['epochs'], history.params['steps'])
    assert finding is None, finding.message

