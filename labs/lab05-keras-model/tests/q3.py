from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=0, hidden=False)
def test_q3_targets_fit_the_loss(model, train_targets, test_targets):
    """Compiled; class numbers with sparse_categorical_crossentropy, one-hot rows with categorical_crossentropy."""
    from autograder.feedback.keras import as_record, explain_compile, explain_loss_labels
    model = as_record(model)
    problem = explain_compile(model)
    assert problem is None or 'is not compiled' not in problem, problem
    for name, targets, inputs, rows in (('train_targets', train_targets, 'X_train', 1347), ('test_targets', test_targets, 'X_test', 450)):
        problem = explain_loss_labels(model, targets, 10, name=name)
        assert problem is None, problem
        assert len(targets) == rows, f'`{name}` has {len(targets)} rows, but it should hold one label for each row of `{inputs}`.'

