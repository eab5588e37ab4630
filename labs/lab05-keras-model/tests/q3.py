from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=None, hidden=False)
def test_q3_compile_settings(model):
    """Compiled with RMSprop at the asked learning rate, reporting accuracy."""
    from autograder.feedback.keras import as_record, explain_compile
    model = as_record(model)
    problem = explain_compile(model, optimizer='RMSprop', learning_rate=0.005, metric='accuracy')
    assert problem is None, problem

@test_case(points=None, hidden=False)
def test_q3_targets_fit_the_loss(model, train_targets, test_targets):
    """Class numbers with sparse_categorical_crossentropy, one-hot rows with categorical_crossentropy."""
    from autograder.feedback.keras import as_record, explain_compile, explain_loss_labels
    model = as_record(model)
    problem = explain_compile(model)
    assert problem is None or 'is not compiled' not in problem, problem
    for name, targets, inputs, rows in (('train_targets', train_targets, 'X_train', 1347), ('test_targets', test_targets, 'X_test', 450)):
        problem = explain_loss_labels(model, targets, 10, name=name)
        assert problem is None, problem
        assert len(targets) == rows, f'`{name}` has {len(targets)} rows, but it should hold one label for each row of `{inputs}`.'

