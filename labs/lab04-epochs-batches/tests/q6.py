from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=0, hidden=False)
def test_q6_plan_avoids_the_usual_slips(n_train, n_val, steps_per_epoch, total_updates):
    """Whole numbers, none of them a typical miscount; the exact values are checked when graded."""
    from sklearn.datasets import load_digits
    from autograder.feedback.counting import explain_count, explain_split_sizes
    epochs, batch_size, validation_split = (8, 16, 0.2)
    n = len(load_digits().data)
    for name, got in (('n_train', n_train), ('n_val', n_val)):
        assert got is not None and got is not Ellipsis, f'`{name}` is not set yet: replace the `...` and run the cell.'
    finding = explain_split_sizes('(n_train, n_val)', (n_train, n_val), n, validation_split, check_values=False)
    assert finding is None, finding.message
    for name, got, quantity in (('steps_per_epoch', steps_per_epoch, 'batches'), ('total_updates', total_updates, 'updates')):
        finding = explain_count(name, got, n, batch_size, epochs, quantity, validation_split=validation_split, check_values=False)
        assert finding is None, finding.message

