from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=None, hidden=False)
def test_q1_revenue_is_elementwise(revenue):
    """Shape (4, 3), one amount per day and product; matrix products, sums and other operators are named."""
    import numpy as np
    from autograder.feedback import expect
    from autograder.feedback.products import elementwise_slips
    prices = np.array([[2.0, 0.5, 3.0], [2.0, 0.5, 3.5], [2.5, 0.5, 3.5], [2.5, 0.75, 4.0]])
    quantities = np.array([[10, 40, 3], [12, 35, 5], [8, 50, 4], [15, 30, 6]])
    slips = elementwise_slips('revenue', prices, quantities, 'prices', 'quantities')
    expect('revenue', revenue, np.zeros((4, 3)), check_dtype=False, check_values=False, candidates=slips)

@test_case(points=None, hidden=False)
def test_q1_relu_signal(relu_signal):
    """Shape (3, 5) and no negative values; np.max, np.abs and other look-alikes are named."""
    import numpy as np
    from autograder.feedback import expect
    from autograder.feedback.broadcasting import relu_slips
    signal = np.array([[-1.5, 0.0, 2.0, -0.5, 3.0], [4.0, -2.0, 0.5, 1.0, -3.5], [0.25, -0.75, -1.0, 2.5, 1.5]])
    slips = relu_slips('relu_signal', signal, 'signal')
    expect('relu_signal', relu_signal, np.zeros((3, 5)), check_dtype=False, check_values=False, candidates=slips)
    lowest = float(np.min(relu_signal))
    assert lowest >= 0, f'`relu_signal` still has negative values (down to {lowest:g}): ReLU replaces them by 0.'

