from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=None, hidden=False)
def test_q6_plan_avoids_the_usual_slips(n_train, n_val, steps_per_epoch, total_updates):
    """Whole numbers, none of them a typical wrong count; the exact values are checked when graded."""
    from autograder.feedback.training import explain_count, explain_split_sizes
    for name, got in (('n_train', n_train), ('n_val', n_val)):
        assert got is not None and got is not Ellipsis, f'`{name}` is not set yet: replace the `...` and run the cell.'
    finding = explain_split_sizes('(n_train, n_val)', (n_train, n_val), 1797, 0.2, check_values=False)
    assert finding is None, finding.message
    for name, got, quantity in (('steps_per_epoch', steps_per_epoch, 'batches'), ('total_updates', total_updates, 'updates')):
        finding = explain_count(name, got, 1797, 16, 8, quantity, validation_split=0.2, check_values=False)
        assert finding is None, finding.message

