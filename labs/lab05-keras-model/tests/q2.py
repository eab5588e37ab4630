from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=0, hidden=False)
def test_q2_model_is_built_for_ten_classes(model, n_params):
    """A built model for the digits' 64 pixels, ending in one softmax unit per digit; `n_params` read from it."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback.keras import as_record, explain_model, explain_param_count
    digits = load_digits()
    n_features, n_classes = (digits.data.shape[1], len(np.unique(digits.target)))
    model = as_record(model)
    finding = explain_model('model', model, n_classes, n_features=n_features)
    assert finding is None, finding.message
    finding = explain_param_count('n_params', n_params, model, n_features=n_features)
    assert finding is None, finding.message

