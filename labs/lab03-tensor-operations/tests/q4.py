from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2

@test_case(points=None, hidden=False)
def test_q4_reduction_shapes(pixel_means, image_means):
    """Shapes (64,) and (1797, 1); other axes, a missing or extra keepdims and related statistics are named."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.broadcasting import statistic_slips
    features = load_digits().data
    per_pixel = statistic_slips('pixel_means', features, 'mean', 0)
    expect('pixel_means', pixel_means, np.zeros(64), check_values=False, check_dtype=False, candidates=per_pixel)
    per_image = statistic_slips('image_means', features, 'mean', 1, keepdims=True)
    expect('image_means', image_means, np.zeros((1797, 1)), check_values=False, check_dtype=False, candidates=per_image)

@test_case(points=None, hidden=False)
def test_q4_centered_shape(centered_images):
    """Shape (1797, 64); means over another axis or over everything are named."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.broadcasting import normalise_slips
    features = load_digits().data
    slips = normalise_slips('centered_images', features, 1, scale=False, x_name='features')
    expect('centered_images', centered_images, np.zeros(features.shape), check_values=False, check_dtype=False, candidates=slips)

