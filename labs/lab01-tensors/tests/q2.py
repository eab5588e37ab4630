from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=0, hidden=False)
def test_q2_answers_have_the_right_form(images_rank, images_shape, images_dtype):
    """A whole number, a tuple with one length per axis, and a dtype; known mix-ups are named."""
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    images = load_digits().images
    rank_mistakes = {'`images_rank` is the length of the first axis, `len(images)`, which counts the pictures. The rank counts the axes: section 1 names the attribute that gives it.': len(images), '`images_rank` is the number of entries, `images.size`. The rank counts the axes: section 1 names the attribute that gives it.': images.size, '`images_rank` is the whole shape. The rank is a single whole number: how many axes there are.': images.shape}
    shape_mistakes = {'`images_shape` is the shape of one picture, `images[0].shape`. Ask the whole tensor `images` instead, whose first axis counts the pictures.': images[0].shape}
    dtype_mistakes = {"`images_dtype` is the type of the container, `np.ndarray`. The dtype is the type of the numbers inside it, which the array's `dtype` attribute gives.": type(images)}
    template = images.shape
    expect('images_rank', images_rank, len(template), check_values=False, candidates=rank_mistakes)
    expect('images_shape', images_shape, template, check_values=False, candidates=shape_mistakes)
    expect('images_dtype', images_dtype, images.dtype, check_values=False, candidates=dtype_mistakes)

