from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2

@test_case(points=None, hidden=False)
def test_q4_reduction_shapes(pixel_means, image_means):
    """Shapes (64,) and (1797, 1); wrong axes, a missing axis and a missing keepdims are named."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.operations import reduction_candidates
    features = load_digits().data
    per_pixel = reduction_candidates('pixel_means', features, 'mean', 0, 'features')
    expect('pixel_means', pixel_means, np.zeros(64), check_values=False, check_dtype=False, candidates=per_pixel)
    per_image = reduction_candidates('image_means', features, 'mean', 1, 'features', keepdims=True)
    expect('image_means', image_means, np.zeros((1797, 1)), check_values=False, check_dtype=False, candidates=per_image)

@test_case(points=None, hidden=False)
def test_q4_centered_shape(centered_images):
    """Shape (1797, 64); means over the wrong axis or over everything are named."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.operations import normalise_candidates
    features = load_digits().data
    mistakes = normalise_candidates('centered_images', features, 1, 'features', scale=False)
    expect('centered_images', centered_images, np.zeros(features.shape), check_values=False, check_dtype=False, candidates=mistakes)

