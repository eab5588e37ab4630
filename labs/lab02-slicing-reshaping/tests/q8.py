from otter.test_files import test_case

OK_FORMAT = False

name = "q8"
points = 2

@test_case(points=0, hidden=False)
def test_q8_corner_is_tinted_red(corner):
    """Shape (120, 160, 3), dtype uint8, red channel 255 everywhere, not white; the pixels are checked when graded."""
    import numpy as np
    from sklearn.datasets import load_sample_images
    from autograder.feedback import expect
    photos = np.stack(load_sample_images().images)
    shape_and_dtype = np.zeros((120, 160, photos.shape[3]), dtype=photos.dtype)
    expect('corner', corner, shape_and_dtype, check_values=False)
    assert np.all(corner[..., 0] == 255), 'The red channel of `corner` is not 255 everywhere: red is channel 0, the first entry of the last axis.'
    assert not np.all(corner == 255), 'Every channel of `corner` is 255, which makes it white: set only the red channel.'

@test_case(points=0, hidden=False)
def test_q8_photos_are_unchanged(corner, photos):
    """Changing `corner` must leave `photos` as the setup cell made it."""
    import numpy as np
    from sklearn.datasets import load_sample_images
    from autograder.feedback import explain
    from autograder.feedback.slices import explain_modified_original
    if corner is None or corner is Ellipsis:
        raise AssertionError(explain('corner', corner, 0).message)
    original = np.stack(load_sample_images().images)
    finding = explain_modified_original('photos', photos, original, 'corner', view=corner)
    assert finding is None, finding.message

