from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2

@test_case(points=0, hidden=False)
def test_q3_centre_crop_of_the_tiles(centre_crop):
    """`centre_crop(tiles, 32)` keeps every tile and channel, 32 x 32 pixels of each; known slips are named."""
    import numpy as np
    from sklearn.datasets import load_sample_images
    from autograder.feedback import call_student, expect
    from autograder.feedback.slices import centre_crop_slips
    photos = np.stack(load_sample_images().images)
    rng = np.random.default_rng(0)
    which = rng.integers(0, len(photos), size=80)
    tops = rng.integers(0, photos.shape[1] - 64 + 1, size=80)
    lefts = rng.integers(0, photos.shape[2] - 64 + 1, size=80)
    tiles = np.stack([photos[p, t:t + 64, c:c + 64] for p, t, c in zip(which, tops, lefts, strict=True)])
    got = call_student('centre_crop(tiles, 32)', centre_crop, tiles, 32)
    slips = centre_crop_slips('centre_crop(tiles, 32)', tiles, 32)
    shape_and_dtype = np.zeros((len(tiles), 32, 32, tiles.shape[3]), dtype=tiles.dtype)
    expect('centre_crop(tiles, 32)', got, shape_and_dtype, check_values=False, candidates=slips)

@test_case(points=0, hidden=False)
def test_q3_centre_crop_of_greyscale_digits(centre_crop):
    """On greyscale pictures without a channel axis: `centre_crop(images[:10], 4)` keeps the 10 pictures, 4 x 4
    pixels of each."""
    import numpy as np
    from sklearn.datasets import load_digits
    from autograder.feedback import call_student, expect
    from autograder.feedback.slices import centre_crop_slips
    digits = load_digits().images[:10]
    got = call_student('centre_crop(images[:10], 4)', centre_crop, digits, 4)
    slips = centre_crop_slips('centre_crop(images[:10], 4)', digits, 4)
    shape_only = np.zeros((len(digits), 4, 4))
    expect('centre_crop(images[:10], 4)', got, shape_only, check_values=False, candidates=slips)

