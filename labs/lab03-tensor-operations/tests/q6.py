from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=None, hidden=False)
def test_q6_product_shapes(v_dot_v, A_dot_v, A_dot_C, gram):
    """A number, then shapes (4,), (4, 2) and (3, 3); forgotten sums, swapped operands and reshapes are named."""
    import numpy as np
    from autograder.feedback import explain
    from autograder.feedback.products import dot_slips
    v = np.array([1, 2, 3])
    A = np.arange(12).reshape(4, 3)
    C = np.array([[1, 0], [0, 1], [2, -1]])
    answers = [('v_dot_v', v_dot_v, np.array(0), v, v, 'v', 'v'), ('A_dot_v', A_dot_v, np.zeros(4), A, v, 'A', 'v'), ('A_dot_C', A_dot_C, np.zeros((4, 2)), A, C, 'A', 'C'), ('gram', gram, np.zeros((3, 3)), A.T, A, 'A.T', 'A')]
    problems = []
    for name, got, shape_only, left, right, left_name, right_name in answers:
        slips = dot_slips(name, left, right, left_name, right_name)
        finding = explain(name, got, shape_only, check_dtype=False, check_values=False, candidates=slips)
        problems += [finding.message] if finding else []
    assert not problems, ' '.join(problems)

