from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=None, hidden=False)
def test_q2_answers_have_the_right_form(images_rank, images_shape, images_dtype):
    """A whole number, a tuple with one length per axis, and a dtype; known mix-ups are named."""
    from sklearn.datasets import load_digits
    from autograder.feedback import expect
    images = load_digits().images
    rank_mistakes = {'`images_rank` is the length of the first axis, `len(images)`, which counts the pictures. The rank counts axes: use `images.ndim`.': len(images), '`images_rank` is the number of entries, `images.size`. The rank counts axes: use `images.ndim`.': images.size, '`images_rank` is the whole shape. The rank is how many axes there are: use `images.ndim`.': images.shape}
    dtype_mistakes = {'`images_dtype` is the type of the container, `np.ndarray`. The dtype is the type of the numbers inside it: use `images.dtype`.': type(images)}
    expect('images_rank', images_rank, images.ndim, check_values=False, candidates=rank_mistakes)
    expect('images_shape', images_shape, images.shape, check_values=False)
    expect('images_dtype', images_dtype, images.dtype, check_values=False, candidates=dtype_mistakes)

