from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2

@test_case(points=0, hidden=False)
def test_q3_centre_crop_of_the_tiles(centre_crop):
    """`centre_crop(tiles, 32)` keeps every tile and channel, 32 x 32 pixels of each; known slips are named."""
    import numpy as np
    from sklearn.datasets import load_sample_images
    from autograder.feedback import expect
    from autograder.feedback.slicing import call_student, centre_crop_candidates, cut_tiles
    tiles, _ = cut_tiles(np.stack(load_sample_images().images), 80, 64, 0)
    got = call_student(centre_crop, '`centre_crop(tiles, 32)`', tiles, 32)
    mistakes = centre_crop_candidates('centre_crop(tiles, 32)', tiles, 32)
    shape_and_dtype = np.zeros((len(tiles), 32, 32, tiles.shape[3]), dtype=tiles.dtype)
    expect('centre_crop(tiles, 32)', got, shape_and_dtype, check_values=False, candidates=mistakes)

@test_case(points=0, hidden=False)
def test_q3_centre_crop_of_greyscale_digits(centre_crop):
    """On greyscale pictures without a channel axis: `centre_crop(images[:10], 4)` keeps the 10 pictures, 4 x 4
    pixels of each."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    from autograder.feedback.slicing import call_student, centre_crop_candidates
    digits = load_digits().images[:10]
    got = call_student(centre_crop, '`centre_crop(images[:10], 4)`', digits, 4)
    mistakes = centre_crop_candidates('centre_crop(images[:10], 4)', digits, 4)
    shape_only = np.zeros((len(digits), 4, 4))
    expect('centre_crop(images[:10], 4)', got, shape_only, check_values=False, candidates=mistakes)

