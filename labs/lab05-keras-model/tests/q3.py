from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=0, hidden=False)
def test_q3_targets_fit_the_loss(model, train_targets, test_targets, y_train, y_test):
    """Compiled; class numbers with sparse_categorical_crossentropy, one-hot rows with categorical_crossentropy."""
    import numpy as np
    from autograder.feedback.keras import as_record, explain_compile, explain_loss_labels
    model = as_record(model)
    finding = explain_compile('model', model, cell_names=('train_targets', 'test_targets'))
    assert finding is None or finding.code not in ('missing', 'raised', 'type'), finding.message
    n_classes = len(np.unique(y_train)) if isinstance(y_train, np.ndarray) else 10
    for name, targets, labels in (('train_targets', train_targets, y_train), ('test_targets', test_targets, y_test)):
        finding = explain_loss_labels(model, targets, n_classes, name=name)
        assert finding is None, finding.message
        assert not hasattr(labels, '__len__') or len(targets) == len(labels), f'`{name}` has {len(targets)} rows, but it should hold one label for each of the {len(labels)} samples.'

