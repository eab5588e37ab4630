from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=0, hidden=False)
def test_q2_model_is_built_for_ten_classes(model, n_params):
    """A built model for 64 inputs, ending in 10 softmax units; `n_params` read from it."""
    from autograder.feedback.keras import as_record, explain_model, explain_param_count
    model = as_record(model)
    problem = explain_model('model', model, 10, n_features=64)
    assert problem is None, problem
    problem = explain_param_count('n_params', n_params, model, n_features=64)
    assert problem is None, problem

