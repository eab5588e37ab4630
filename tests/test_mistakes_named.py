"""Every mistake listed in the course's list of common mistakes is still named by the feedback library.

One test per bullet of that list, in its order. Each re-enacts the student's mistake on inputs that are not the
labs' own (other shapes, dtypes, sizes), calls the library as a check would (the slip builders of the concept,
or ``explain`` alone when the ladder knows the mistake), and asserts that the finding names the mistake, is
confirmed when it names a cause, and holds no expected value; then that a near miss (another mistake with a
similar symptom) does not get that diagnosis. Keras objects are records built without Keras.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from autograder.audit.leaks import leaks, value_secrets
from autograder.feedback import exceptions, explain
from autograder.feedback.broadcasting import broadcast_slips
from autograder.feedback.counting import explain_count, explain_count_function
from autograder.feedback.fitting import explain_fit_params
from autograder.feedback.keras import (
    explain_accuracy,
    explain_classes,
    explain_compile,
    explain_fit_failure,
    explain_history,
    explain_history_key,
    explain_loss_labels,
    explain_model,
    explain_param_count,
    explain_predictions,
)
from autograder.feedback.overflow import wrap_slips
from autograder.feedback.products import dot_slips, transpose_slips
from autograder.feedback.reshapes import explain_unrow, explain_vector_shape
from autograder.feedback.slices import (
    IMAGE_AXES,
    explain_modified_original,
    explain_slice,
    index_slips,
    neighbour_slips,
    quadrant_slips,
    slice_slips,
)
from autograder.feedback.transforms import divisor_slips
from autograder.model import Finding, FindingCode
from tests.test_feedback_keras import CATEGORICAL, SPARSE, failed, history, model, no_failures

__all__ = ["no_failures"]  # the autouse fixture: every test starts and ends with no failed cells known

NOTHING = object()
"""No expected value to keep out of the message (fit never returned, so there is no value to compare with)."""


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def secrets(expected: Any) -> list[str]:
    """Textual forms of an expected value that a message must not hold (the audit's own forms, and more)."""
    if expected is NOTHING or expected is None:
        return []
    if isinstance(expected, np.ndarray):
        if expected.ndim == 0:
            return secrets(expected.item())
        return [str(expected.tolist()), np.array2string(expected, threshold=20)]
    if isinstance(expected, np.generic):
        return secrets(expected.item())
    if isinstance(expected, bool):
        return []
    if isinstance(expected, int):
        return [str(expected)]  # small counts too: the inputs below are chosen so that they cannot collide
    if isinstance(expected, (tuple, list)):
        found = [repr(tuple(expected)), str(list(expected))]
        for item in expected:
            found += secrets(item)
        return found
    return value_secrets({"answer": expected}, ["answer"])


def assert_named(finding: Finding | None, phrase: str, expected: Any, *, confirmed: bool | None = True,
                 code: FindingCode | None = None) -> Finding:
    """The finding exists, says ``phrase``, is confirmed (when it names a cause) and leaks nothing of ``expected``."""
    assert finding is not None, "the mistake was not noticed at all"
    assert phrase in finding.message, finding.message
    if confirmed is not None:
        assert finding.confirmed is confirmed, finding
    if code is not None:
        assert finding.code == code, finding
    assert not leaks([finding.message], secrets(expected)), finding.message
    return finding


def assert_not_named(finding: Finding | None, phrase: str) -> None:
    """A near miss: noticed as wrong (or right), but never given the diagnosis ``phrase`` belongs to."""
    assert finding is None or phrase not in finding.message, finding.message


# --- rank, shape, dtype ------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [-37, 2.75, 1234])
def test_scalar_wrapped_in_a_list_is_named(number):
    want = np.array(number)
    finding = explain("scalar", np.array([number]), want)
    assert_named(finding, "should be a rank-0 tensor with shape (): pass the bare number to `np.array`, not a list",
                 want, code=FindingCode.EXTRA_AXIS)
    other = explain("scalar", np.array([number + 1]), want)  # a list around another number: the numbers differ too
    assert other.code == FindingCode.EXTRA_AXIS and not other.confirmed
    assert "Its numbers are not the expected ones either." in other.message
    assert_not_named(explain("scalar", np.array([[number]]), want), "pass the bare number")


RANK_SLIPS = {
    "len": "`rank` is the length of the first axis, `len(x)`: the rank counts the axes, which `x.ndim` gives.",
    "size": "`rank` is the number of entries, `x.size`: the rank counts the axes, which `x.ndim` gives.",
}


def rank_candidates(x: np.ndarray) -> dict[str, int]:
    """The candidates a check builds for a rank (the library has no builder: the check gives the mapping)."""
    return {RANK_SLIPS["len"]: len(x), RANK_SLIPS["size"]: x.size}


@pytest.mark.parametrize(("how", "answer"), [("len", len), ("size", np.size)])
def test_rank_answered_as_len_or_size_is_named(how, answer):
    x = rng(1).normal(size=(7, 5, 6, 3))
    finding = explain("rank", answer(x), x.ndim, candidates=rank_candidates(x))
    assert_named(finding, RANK_SLIPS[how], x.ndim)
    near = explain("rank", x.shape[-1], x.ndim, candidates=rank_candidates(x))
    assert not near.confirmed and "counts the axes" not in near.message
    vector = np.arange(6.0)  # len and size agree on a vector: two causes fit, so neither is named
    ambiguous = explain("rank", answer(vector), vector.ndim, candidates=rank_candidates(vector))
    assert not ambiguous.confirmed and "counts the axes" not in ambiguous.message


def test_axes_in_the_wrong_order_are_named():
    batch = rng(2).normal(size=(7, 5, 6, 3))
    finding = explain("batch_t", batch.T, batch)
    assert_named(finding, "holds the right values with its axes in the wrong order", batch,
                 code=FindingCode.AXES_PERMUTED)
    reshaped = explain("batch_t", batch.reshape(3, 6, 5, 7), batch)  # same lengths in another order, no transpose
    assert not reshaped.confirmed and "in the wrong order" not in reshaped.message
    assert "the right axis lengths, but in another order" in reshaped.message
    shape = explain("batch_shape", (3, 6, 5, 7), batch.shape)
    assert_named(shape, "holds the right lengths in the wrong order", batch.shape, code=FindingCode.AXES_PERMUTED)
    assert_not_named(explain("batch_shape", (3, 6, 5, 8), batch.shape), "in the wrong order")


@pytest.mark.parametrize(("shape", "divisor"), [((7, 5, 6, 3), 255), ((11, 13), 16)])
def test_float64_where_float32_was_asked_is_named(shape, divisor):
    raw = rng(3).integers(0, divisor + 1, size=shape).astype("uint8")
    want = raw.astype("float32") / divisor
    slips = divisor_slips("scaled", raw, divisor)
    finding = explain("scaled", raw / divisor, want, candidates=slips)
    assert_named(finding, "has the right values but is computed in float64: cast it with `.astype('float32')`",
                 want, code=FindingCode.DTYPE)
    ladder = explain("scaled", raw / divisor, want)  # the ladder alone tries the cast, too
    assert_named(ladder, "its values are right, so cast it with `.astype('float32')`", want)
    near = explain("scaled", raw / (divisor + 7), want, candidates=slips)  # float64 and also the wrong divisor
    assert near.code == FindingCode.DTYPE and not near.confirmed
    assert "a cast alone will not fix it" in near.message and "values are right" not in near.message


# --- slicing --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("student", "phrase"),
    [
        (np.s_[:39], "has one entry too few along axis 0 (the pictures)"),
        (np.s_[1:41], "is shifted one entry too far along axis 0 (the pictures): indices count from 0, not from 1"),
        (np.s_[:41], "has one entry too many along axis 0 (the pictures)"),
    ],
)
def test_off_by_one_slice_is_named(student, phrase):
    x = rng(4).integers(0, 1000, size=(57, 5, 6, 3))
    key = np.s_[:40]
    slips = slice_slips("first_40", x, key, IMAGE_AXES)
    located = {"candidates": slips, "axis_names": IMAGE_AXES, "source_name": "`x`"}
    finding = explain_slice("first_40", x[student], x, key, **located)
    assert_named(finding, phrase, x[key], code=FindingCode.OFF_BY_ONE_SLICE)
    assert "x[:40]" not in finding.message.replace(" ", "")
    assert explain_slice("first_40", x[key], x, key, **located) is None
    for near in (np.s_[:38], np.s_[2:42]):  # two entries off: located, not called off by one
        found = explain_slice("first_40", x[near], x, key, **located)
        assert not found.confirmed and "one entry" not in found.message
        assert "is one block of `x`" in found.message


@pytest.mark.parametrize(
    ("student", "quadrant"),
    [(np.s_[:, :5, :6], "upper-left"), (np.s_[:, 5:, :6], "lower-left"), (np.s_[:, :5, 6:], "upper-right")],
)
def test_wrong_quadrant_is_named(student, quadrant):
    pictures = rng(5).integers(0, 1000, size=(5, 10, 12, 3))
    key = np.s_[:, 5:, 6:]
    slips = [*quadrant_slips("corner", pictures, want="lower-right"),
             *neighbour_slips("corner", pictures, key, IMAGE_AXES), *index_slips("corner", pictures, key, IMAGE_AXES)]
    located = {"candidates": slips, "axis_names": IMAGE_AXES, "source_name": "`pictures`"}
    finding = explain_slice("corner", pictures[student], pictures, key, **located)
    assert_named(finding, f"holds the {quadrant} quadrant of each picture, not the lower-right one", pictures[key],
                 code=FindingCode.REGION)
    for near in (np.s_[:, 1:6, 2:8], np.s_[:, 4:9, 6:]):  # blocks of the same shape that are no quadrant
        assert_not_named(explain_slice("corner", pictures[near], pictures, key, **located), "quadrant")


def test_column_picked_with_a_single_index_for_a_row_is_named():
    labels = rng(6).integers(0, 3, size=23)
    onehot = np.eye(3, dtype="float32")[labels]
    sources = {"onehot": onehot}
    want = onehot[:, 1][np.newaxis, :]
    finding = explain_vector_shape("row", onehot[:, 1], 23, "row", sources=sources)
    assert_named(finding, "it is column 1 of `onehot` picked with a single index, which drops the column axis", want,
                 code=FindingCode.MISSING_AXIS)
    assert explain_vector_shape("row", want, 23, "row", sources=sources) is None
    column = explain_vector_shape("row", onehot[:, 1:2], 23, "row", sources=sources)  # a slice keeps the axis
    assert column.code == FindingCode.TRANSPOSED and "single index" not in column.message
    sorted_ = explain_vector_shape("row", np.sort(onehot[:, 1]), 23, "row", sources=sources)
    assert not sorted_.confirmed and "single index" not in sorted_.message


def test_writing_through_a_view_is_named():
    original = rng(7).integers(0, 200, size=(9, 11, 3)).astype("uint8")
    photo = original.copy()
    patch = photo[2:5, 3:8]
    patch[..., 0] = 255  # the student tints the slice, which is a view of `photo`
    finding = explain_modified_original("photo", photo, original, "patch", view=patch)
    assert_named(finding, "that is what writing into `patch` does when `patch` is a view of `photo`", original,
                 code=FindingCode.MODIFIED_THROUGH_VIEW)
    kept = original.copy()
    copied = kept[2:5, 3:8].copy()
    copied[..., 0] = 255
    assert explain_modified_original("photo", kept, original, "patch", view=copied) is None
    kept[0, 0, 0] = 250  # changed elsewhere, by another line: described, no view blamed
    other = explain_modified_original("photo", kept, original, "patch", view=copied)
    assert not other.confirmed and "view" not in other.message


# --- reshaping and tensor operations ---------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(-1, 7), (90, 7)])
def test_unrowing_with_a_straight_reshape_is_named(shape):
    batch = rng(8).integers(0, 1000, size=(7, 5, 6, 3))
    want = batch.reshape(7, -1).T
    assert explain_unrow("unrowed", want, batch) is None
    finding = explain_unrow("unrowed", batch.reshape(*shape), batch)
    assert_named(finding, "Column 0 of `unrowed` holds numbers of several samples", want,
                 code=FindingCode.MIXED_IMAGES)
    reordered = explain_unrow("unrowed", want[:, [1, 0, 2, 3, 4, 5, 6]], batch)  # whole samples, wrong columns
    assert not reordered.confirmed and "several samples" not in reordered.message
    assert "are whole samples, but not in the order of the batch" in reordered.message


def test_forgotten_transpose_of_the_unrowed_batch_is_named():
    batch = rng(9).integers(0, 1000, size=(7, 5, 6, 3))
    want = batch.reshape(7, -1).T
    finding = explain_unrow("unrowed", batch.reshape(7, -1), batch)
    assert_named(finding, "one row per sample where each sample should be a column. Transpose it with `.T`", want,
                 code=FindingCode.FORGOT_TRANSPOSE)
    near = explain_unrow("unrowed", batch.reshape(90, 7).T, batch)  # same (N, features) shape, mixed samples
    assert not near.confirmed and "Transpose it" not in near.message


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (lambda v: v.reshape(13, 1), "is a column of shape (13, 1): it holds the numbers of `v`"),
        (lambda v: v.T, "it is `v` as it is (`.T` leaves a 1-D array unchanged)"),
    ],
)
def test_column_or_1d_vector_for_a_row_is_named(make, phrase):
    v = rng(10).normal(size=13)
    want = v[np.newaxis, :]
    finding = explain_vector_shape("v_row", make(v), 13, "row", sources={"v": v})
    assert_named(finding, phrase, want)
    assert explain_vector_shape("v_row", v.reshape(1, 13), 13, "row", sources={"v": v}) is None
    other = explain_vector_shape("v_row", make(np.sort(v)), 13, "row", sources={"v": v})  # other numbers
    assert not other.confirmed and "`v`" not in other.message


def test_broadcasting_along_the_wrong_axis_is_named():
    square = rng(11).integers(-50, 50, size=(5, 5)).astype(float)
    v = rng(12).integers(100, 900, size=5).astype(float)
    want = square + v[np.newaxis, :]
    slips = broadcast_slips("shifted", square, v, "S", "v", along="rows")
    finding = explain("shifted", square + v[:, np.newaxis], want, candidates=slips)
    assert_named(finding, "applies one entry of `v` to each row, repeated along it, instead of one to each column",
                 want)
    subtracted = explain("shifted", square - v[np.newaxis, :], want, candidates=slips)
    assert subtracted.confirmed and "instead of one to each" not in subtracted.message
    symmetric = square + square.T  # the wrong axis and the transposed result agree: neither slip is named
    hidden = explain("shifted", symmetric + v[:, np.newaxis], symmetric + v[np.newaxis, :],
                     candidates=broadcast_slips("shifted", symmetric, v, "S", "v", along="rows"))
    assert_not_named(hidden, "instead of one to each")
    assert_not_named(hidden, "right result")


@pytest.mark.parametrize(
    ("along", "length", "student", "phrase"),
    [
        ("columns", 4, lambda m, v: m.T + v, "is the transpose of the right result"),
        ("rows", 6, lambda m, v: m + v[:4, np.newaxis], "uses only the first 4 entries of `v`"),
    ],
)
def test_broadcasting_along_the_wrong_axis_on_non_square_inputs_is_named(along, length, student, phrase):
    m = rng(13).integers(-50, 50, size=(4, 6)).astype(float)
    v = rng(14).integers(100, 900, size=length).astype(float)
    right = v[:, np.newaxis] if along == "columns" else v[np.newaxis, :]
    want = m + right
    slips = broadcast_slips("shifted", m, v, "M", "v", along=along)
    assert not any("instead of one to each" in s.message for s in slips), "the wrong axis cannot be added here"
    finding = explain("shifted", student(m, v), want, candidates=slips)
    assert_named(finding, phrase, want)
    assert_not_named(finding, "instead of one to each")


def test_broadcasting_along_the_wrong_axis_that_raises_on_non_square_inputs_is_explained():
    m, v = np.zeros((4, 6)), np.arange(4.0)
    with pytest.raises(ValueError) as raised:
        m + v  # the column meant, the vector lined up with the rows: NumPy refuses
    failed(("shifted",), f"ValueError: {raised.value}", "shifted = M + v")
    finding = explain("shifted", None, m + v[:, np.newaxis])
    assert_named(finding, "here 6 meets 4", m + v[:, np.newaxis], confirmed=None, code=FindingCode.RAISED)


@pytest.mark.parametrize("case", ["matrix", "vector"])
def test_elementwise_product_for_a_dot_product_is_named(case):
    a = rng(15).integers(-9, 9, size=(6, 5))
    b = rng(16).integers(1, 9, size=5 if case == "matrix" else 7)
    left, name = (a, "A") if case == "matrix" else (b, "B")
    want = np.dot(left, b)
    slips = dot_slips("product", left, b, name, "b" if case == "matrix" else "B")
    finding = explain("product", left * b, want, candidates=slips)
    assert_named(finding, "you forgot to sum", want, code=FindingCode.SUM)
    near_value = np.sum(left * b, axis=0) if case == "matrix" else np.multiply.outer(b, b)
    near = explain("product", near_value, want, candidates=slips)
    assert near.confirmed and "you forgot to sum" not in near.message


@pytest.mark.parametrize(("dtype", "example"),
                         [("uint8", "200 + 200 gives 144"), ("int8", "127 + 1 gives -128"), ("uint16", "65535 + 1")])
def test_integer_wrap_around_is_named(dtype, example):
    info = np.iinfo(dtype)
    a = rng(17).integers(info.max // 2, info.max, size=(4, 6)).astype(dtype)
    b = rng(18).integers(info.max // 2, info.max, size=(4, 6)).astype(dtype)
    exact = a.astype(np.int64) + b
    slips = wrap_slips("summed", a, b, "+", "a", "b")
    finding = explain("summed", a + b, exact, check_dtype=False, candidates=slips)
    assert_named(finding, f"`summed` wrapped around: `a + b` is computed in {dtype}", exact)
    assert example in finding.message
    clipped = explain("summed", np.clip(exact, info.min, info.max).astype(dtype), exact, check_dtype=False,
                      candidates=slips)
    assert clipped.confirmed and "wrapped around" not in clipped.message
    assert explain("summed", a.astype(np.int32) + b, exact, check_dtype=False, candidates=slips) is None


@pytest.mark.parametrize(
    ("slipped", "phrase"),
    [(False, "holds the right numbers read in another order: it is what `reshape` gives"),
     (True, "uses `A.reshape(7, 5)` where `A.T` was meant")],
)
def test_reshape_where_a_transpose_was_meant_is_named(slipped, phrase):
    a = rng(19).normal(size=(5, 7))
    want = a.T
    slips = transpose_slips("a_t", want, "A.T") if slipped else None
    finding = explain("a_t", a.reshape(7, 5), want, candidates=slips)
    assert_named(finding, phrase, want, code=FindingCode.SCRAMBLED)
    shuffled = rng(20).permutation(a.ravel()).reshape(7, 5)  # the same numbers, in no reshape's order
    near = explain("a_t", shuffled, want, candidates=slips)
    assert not near.confirmed and "reshape" not in near.message


# --- epochs and batches ------------------------------------------------------------------------------------

N, BATCH, EPOCHS = 1000, 48, 7
"""Not the lesson's run: 1000 samples in batches of 48 make 21 batches, the last one of 40 samples."""
CASES = [(1000, 48), (77, 10), (50, 7), (130, 9)]
"""Cases for a student's counting function, each with a partly filled last batch."""


@pytest.mark.parametrize("form", ["value", "function"])
def test_floor_for_batches_per_epoch_is_named(form):
    want = math.ceil(N / BATCH)
    if form == "value":
        finding = explain_count("steps", N // BATCH, N, BATCH, EPOCHS, "batches")
        assert_named(finding, "is the number of full batches only", want)
    else:
        finding = explain_count_function("batches", lambda n, b: n // b, CASES, "batches")
        assert_named(finding, "rounds the division down (as `//`, `int()` and `math.floor` do)", want)
    assert "round the division up" in finding.message
    assert explain_count("steps", 960 // BATCH, 960, BATCH, EPOCHS, "batches") is None  # nothing left over
    near = explain_count("steps", N // BATCH + 2, N, BATCH, EPOCHS, "batches")
    assert not near.confirmed and "full batches" not in near.message


@pytest.mark.parametrize("form", ["value", "function"])
def test_fractional_batch_count_is_named(form):
    want = math.ceil(N / BATCH)
    if form == "value":
        finding = explain_count("steps", N / BATCH, N, BATCH, EPOCHS, "batches")
    else:
        finding = explain_count_function("batches", lambda n, b: n / b, CASES, "batches")
    assert_named(finding, "a fraction, the samples divided by the batch size", want)
    near = explain_count("steps", 20.5, N, BATCH, EPOCHS, "batches")
    assert near.code == FindingCode.TYPE and "samples divided by" not in near.message
    assert explain_count("steps", float(want), N, BATCH, EPOCHS, "batches") is None


def test_one_update_per_epoch_is_named():
    want = math.ceil(N / BATCH) * EPOCHS
    finding = explain_count("updates", EPOCHS, N, BATCH, EPOCHS, "updates")
    assert_named(finding, "is the number of epochs, as if each epoch made one update", want)
    cases = [(1000, 48, 7), (77, 10, 3), (50, 7, 4)]
    habit = explain_count_function("updates", lambda n, b, e: e, cases, "updates")
    assert_named(habit, "returns the number of epochs, as if each epoch made one update", want)
    single = explain_count("updates", math.ceil(N / BATCH), N, BATCH, EPOCHS, "updates")
    assert single.confirmed and "as if each epoch" not in single.message
    epochs = math.ceil(N / BATCH)  # as many epochs as batches: two causes fit, neither is named
    ambiguous = explain_count("updates", epochs, N, BATCH, epochs, "updates")
    assert not ambiguous.confirmed and "as if each epoch" not in ambiguous.message


@pytest.mark.parametrize("split", [None, 0.2])
def test_epochs_and_batch_size_swapped_in_fit_are_named(split):
    trained = math.floor(N * (1 - split)) if split else N
    want = (EPOCHS, math.ceil(trained / BATCH))
    swapped = {"verbose": 0, "epochs": BATCH, "steps": math.ceil(trained / EPOCHS)}
    finding = explain_fit_params(swapped, EPOCHS, BATCH, N, validation_split=split)
    assert_named(finding, "`epochs` and `batch_size` are swapped", want, code=FindingCode.FIT_SETTINGS)
    run = history(BATCH, swapped["steps"])
    recorded = explain_history("history", run, epochs=EPOCHS, batch_size=BATCH, n_samples=trained)
    assert_named(recorded, "what fit gives with epochs and batch_size swapped", want)
    near = {"verbose": 0, "epochs": BATCH, "steps": want[1]}  # as many epochs as the batch size, right batches
    assert_not_named(explain_fit_params(near, EPOCHS, BATCH, N, validation_split=split), "swapped")
    assert_not_named(explain_history("history", history(BATCH, want[1]), epochs=EPOCHS, batch_size=BATCH,
                                     n_samples=trained), "swapped")


# --- Keras model ------------------------------------------------------------------------------------------

UNITS, FEATURES, CLASSES = (16, 4), 12, 4
"""Not the lab's network: 12 features, a hidden layer of 16 and 4 classes."""
PARAMS = FEATURES * 16 + 16 + 16 * 4 + 4
"""The parameters of the built network, the count a hidden check must not give away."""


@pytest.mark.parametrize("recogniser", ["model", "param_count"])
def test_model_without_input_shape_is_named(recogniser):
    unbuilt = model(UNITS, n_features=FEATURES, built=False)
    if recogniser == "model":
        finding = explain_model("net", unbuilt, CLASSES, n_features=FEATURES)
    else:
        finding = explain_param_count("n_params", 0, unbuilt, n_features=FEATURES)
    assert_named(finding, "is not built: no layer knows the shape of the input, so the model has no weights", PARAMS)
    assert f"`keras.Input(shape=({FEATURES},))`" in finding.message
    # `input_shape=` on the first layer and `keras.Input(shape)` both give a built model with this record
    built = model(UNITS, n_features=FEATURES)
    assert explain_model("net", built, CLASSES, n_features=FEATURES) is None
    assert explain_param_count("n_params", built.count_params, built, n_features=FEATURES) is None
    near = explain_model("net", model(UNITS, n_features=FEATURES, input_shape=(None, 3, 4)), CLASSES,
                         n_features=FEATURES)  # built, with an input that is not flat
    assert_not_named(near, "not built")


def test_output_units_other_than_the_classes_are_named():
    finding = explain_model("net", model((16, CLASSES + 1), n_features=FEATURES), CLASSES, n_features=FEATURES)
    # a fact the record shows, not a re-enacted cause; the number of classes is a fact of the data and is stated
    assert_named(finding, "the output layer needs exactly one unit per class", PARAMS, confirmed=None,
                 code=FindingCode.SHAPE)
    assert f"has {CLASSES + 1} units" in finding.message
    linear = explain_model("net", model(UNITS, ("relu", "linear"), n_features=FEATURES), CLASSES, n_features=FEATURES)
    assert_not_named(linear, "one unit per class")


@pytest.mark.parametrize(
    ("loss", "form", "phrase"),
    [
        (CATEGORICAL, "numbers", "holds class numbers (shape (23,)), but categorical_crossentropy expects one-hot"),
        ("CategoricalCrossentropy", "numbers", "holds class numbers (shape (23,)), but categorical_crossentropy"),
        (SPARSE, "one-hot", "is one-hot (shape (23, 4)), but sparse_categorical_crossentropy expects class numbers"),
    ],
)
def test_loss_that_does_not_fit_the_label_format_is_named(loss, form, phrase):
    labels = rng(21).integers(0, CLASSES, size=23)
    one_hot = np.eye(CLASSES, dtype="float32")[labels]
    given, want = (labels, one_hot) if form == "numbers" else (one_hot, labels)
    compiled = model(UNITS, n_features=FEATURES, loss=loss)
    finding = explain_loss_labels(compiled, given, CLASSES)
    assert_named(finding, phrase, want, code=FindingCode.SHAPE)
    assert explain_loss_labels(compiled, want, CLASSES) is None
    near_labels = np.eye(CLASSES + 1)[labels] if form == "numbers" else labels + 1  # right format, wrong classes
    near = explain_loss_labels(compiled, near_labels, CLASSES)
    assert not near.confirmed and "holds class numbers" not in near.message and "is one-hot (" not in near.message


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        (rng(22).normal(size=(9, CLASSES)).astype("float32") * 3, "outside [0, 1], so these are not probabilities"),
        (np.full((9, CLASSES), 0.1, dtype="float32"), "The rows of `probs` sum to between 0.4 and 0.4, not 1"),
    ],
)
def test_linear_output_with_cross_entropy_is_named(raw, phrase):
    linear = model(UNITS, ("relu", "linear"), n_features=FEATURES)
    want = softmax(raw)
    finding = explain_predictions("probs", raw, 9, CLASSES, model=linear)
    assert_named(finding, phrase, want)
    assert "the last layer of the model has no activation (linear)" in finding.message
    record = explain_model("net", linear, CLASSES, n_features=FEATURES)
    assert_named(record, "has no activation (linear), so it gives raw scores", PARAMS)
    assert "A cross-entropy loss needs class probabilities" in record.message
    for near in (explain_predictions("probs", raw, 9, CLASSES, model=model(UNITS, n_features=FEATURES)),
                 explain_predictions("probs", raw, 9, CLASSES)):  # a softmax model, or none known: no cause
        assert not near.confirmed and "linear" not in near.message


@pytest.mark.parametrize(
    ("key", "validation", "phrase"),
    [
        ("acc", True, "`metrics=['accuracy']` gives 'accuracy' and 'val_accuracy'"),
        ("val_loss", False, "There are no 'val_' keys because fit ran without validation data"),
    ],
)
def test_history_key_that_does_not_exist_is_named(key, validation, phrase):
    run = history(12, 5, validation=validation)
    asked = "accuracy" if key == "acc" else "loss"
    failed(("curve",), f"KeyError: '{key}'", f"curve = history.history['{key}']")
    finding = explain_history_key("curve", None, run, asked)
    assert_named(finding, f"reading it raised KeyError: '{key}', a key that `history.history` does not have",
                 run.history[asked])
    assert phrase in finding.message
    failed(("curve",), "NameError: name 'histroy' is not defined", f"curve = histroy.history['{key}']")
    other = explain_history_key("curve", None, run, asked)
    assert not other.confirmed and "KeyError" not in other.message
    exceptions.use_failures(())
    assert_not_named(explain_history_key("curve", None, run, asked), "KeyError")


def test_fit_before_compile_is_named():
    uncompiled = model(UNITS, n_features=FEATURES, compiled=False)
    failed(("history",), "ValueError: You must call `compile()` before using the model.",
           "history = model.fit(X_small, y_small, epochs=3)")
    finding = explain_fit_failure("history", uncompiled)
    assert_named(finding, "so fit ran before the model was compiled", NOTHING, code=FindingCode.RAISED)
    compiled = explain_compile("model", uncompiled, cell_names=("history",))
    assert_named(compiled, "fit ran before compile, so the cell stopped there", NOTHING)
    failed(("history",), "TypeError: Trainer.compile() got an unexpected keyword argument 'lr'",
           "model.compile(optimizer='adam', lr=0.01)")  # compile itself raised: fit ran after a failed compile
    near = explain_fit_failure("history", uncompiled, compile_cell=("history",))
    assert "before" not in near.message and "the argument is called `learning_rate`" in near.message


class Network:
    """Stands in for a model's ``predict``: only batches of ``n_features`` columns go through, as in Keras."""

    def __init__(self, n_features: int, n_classes: int) -> None:
        self.n_features, self.n_classes = n_features, n_classes

    def predict(self, x: np.ndarray, verbose: int = 0) -> np.ndarray:
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError("Exception encountered when calling Sequential.call().")
        return np.full((len(x), self.n_classes), 1 / self.n_classes, dtype="float32")


def test_predict_on_one_sample_without_batch_axis_is_named():
    inputs = rng(23).normal(size=(9, FEATURES)).astype("float32")
    net = Network(FEATURES, CLASSES)
    error = "ValueError: Exception encountered when calling Sequential.call().\n\nInvalid input shape"
    failed(("one",), error, "one = net.predict(X_new[3], verbose=0)")
    finding = explain_predictions("one", None, 1, CLASSES, model=net, sample=inputs[3])
    assert_named(finding, "which is one sample without the batch axis", net.predict(inputs[3:4]),
                 code=FindingCode.MISSING_AXIS)
    assert "`X_new[3:4]`" in finding.message
    failed(("one",), error, "one = net.predict(X_new[3:4], verbose=0)")  # a batch of one that raised otherwise
    assert_not_named(explain_predictions("one", None, 1, CLASSES, model=net, sample=inputs[3]), "batch axis")
    failed(("one",), error, "one = net.predict(X_new[3], verbose=0)")
    wider = explain_predictions("one", None, 1, CLASSES, model=Network(FEATURES + 1, CLASSES), sample=inputs[3])
    assert_not_named(wider, "batch axis")  # a batch of it raises too: not re-enacted, so not named


@pytest.mark.parametrize("checked", ["accuracy", "classes"])
def test_hand_accuracy_broadcast_to_n_by_n_is_named(checked):
    labels = rng(24).integers(0, CLASSES, size=19)
    pred = labels.copy()
    pred[:6] = (pred[:6] + 1) % CLASSES
    column = pred.reshape(-1, 1)
    share = float(np.mean(pred == labels))
    if checked == "accuracy":
        finding = explain_accuracy("acc", float(np.mean(column == labels)), column, labels)
        assert_named(finding, "NumPy broadcasts them to an (n, n) table of every pair", share)
        assert explain_accuracy("acc", share, column, labels) is None
        near = explain_accuracy("acc", share / 2, column, labels)
        assert not near.confirmed and "broadcasts" not in near.message
    else:
        probs = np.eye(CLASSES, dtype="float32")[pred] * 0.7 + 0.3 / CLASSES
        finding = explain_classes("pred", probs.argmax(axis=1, keepdims=True), probs)
        assert_named(finding, "NumPy broadcasts it to a table of every pair", pred, code=FindingCode.EXTRA_AXIS)
        near = explain_classes("pred", probs.argmax(axis=0), probs)
        assert near.confirmed and "broadcasts" not in near.message
