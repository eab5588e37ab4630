"""The ladder of autograder.feedback: each step's message, causes named only when confirmed, no leaked answer."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from autograder.feedback import Finding, expect, explain


def finding(got, expected, name="x", **kwargs) -> Finding:
    """explain() for a value that must be wrong."""
    result = explain(name, got, expected, **kwargs)
    assert result is not None, "expected a finding, got None"
    return result


# --- right answers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        (np.arange(5), np.arange(5)),
        (np.array(7), np.array(7)),
        (7, np.array(7)),  # a Python scalar stands in for a 0-d array
        (np.float32(0.5), np.array(0.5, dtype="float32")),
        (np.array([0.1 + 0.2]), np.array([0.3])),  # within tolerance
        ([1797, 8, 8], (1797, 8, 8)),  # a list is fine for a shape
        (np.array([1797, 8, 8]), (1797, 8, 8)),
        ("float64", np.dtype("float64")),
        (np.float64, np.dtype("float64")),
        (np.dtype("float64"), np.float64),
        (float, np.dtype("float64")),
        (3, 3),
        (np.int64(3), 3),
        (3.0, 3),
        (0.1 + 0.2, 0.3),
        ("abc", "abc"),
        (True, True),
        ((3, (2, 4), "int8"), (3, (2, 4), "int8")),
        ([3, [2, 4], "int8"], (3, (2, 4), "int8")),
    ],
)
def test_right_answers_give_none(got, expected):
    assert explain("x", got, expected) is None
    expect("x", got, expected)  # does not raise


def test_finding_is_frozen():
    result = Finding("values", "m")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.code = "other"  # type: ignore[misc]


# --- existence and type -----------------------------------------------------------


@pytest.mark.parametrize("got", [None, ...])
def test_missing(got):
    assert finding(got, np.arange(3), name="scalar") == Finding(
        "missing", "`scalar` is not set yet: replace the `...` with your answer and run the cell."
    )


def test_list_is_not_an_array():
    assert finding([1, 2, 3], np.arange(1, 4), name="vector") == Finding(
        "not_array", "`vector` is a list, but it should be a NumPy array: wrap it with `np.array(...)`."
    )


def test_python_number_where_array_wanted():
    result = finding(5, np.arange(3))
    assert result.code == "not_array"
    assert result.message == (
        "`x` is an int, but it should be a NumPy array: build one of shape (3,) with a NumPy "
        "function such as `np.array`."
    )


def test_odd_object_is_not_an_array():
    assert finding({"a": 1}, np.arange(3)).message == (
        "`x` is a dict, but it should be a NumPy array: convert it with `np.asarray(...)`."
    )


# --- shape: a cause only when undoing it gives the answer ----------------------------


def test_wrapped_scalar_has_extra_axis_confirmed_by_its_value():
    result = finding(np.array([7]), np.array(7), name="scalar")
    assert (result.code, result.confirmed) == ("extra_axis", True)
    assert "rank-0 tensor with shape ()" in result.message and "not a list holding it" in result.message


def test_extra_axis_with_other_numbers_says_the_numbers_differ_too():
    result = finding(np.array([8]), np.array(7), name="scalar")
    assert (result.code, result.confirmed) == ("extra_axis", False)
    assert "Its numbers are not the expected ones either." in result.message


@pytest.mark.parametrize("dtype", ["int64", "float32", "uint8"])
@pytest.mark.parametrize(("shape", "axis"), [((5,), 0), ((3, 4), 1), ((2, 3, 4), 2)])
def test_extra_unit_axis_on_several_shapes(shape, axis, dtype):
    right = np.arange(int(np.prod(shape))).reshape(shape).astype(dtype)
    result = finding(np.expand_dims(right, axis), right)
    assert (result.code, result.where, result.confirmed) == ("extra_axis", f"axis {axis}", True)
    assert f"np.squeeze(..., axis={axis})" in result.message


def test_missing_unit_axis_mentions_that_T_does_nothing():
    result = finding(np.arange(5), np.arange(5).reshape(1, 5))
    assert (result.code, result.confirmed) == ("missing_axis", True)
    assert "np.expand_dims(..., axis=0)" in result.message and "`.T` does nothing to a 1-D array" in result.message


def test_column_where_row_wanted():
    result = finding(np.arange(5).reshape(5, 1), np.arange(5).reshape(1, 5))
    assert result.code == "transposed"
    assert "should be a row of shape (1, 5)" in result.message and "`.reshape(1, -1)`" in result.message


def test_row_where_column_wanted():
    result = finding(np.arange(5).reshape(1, 5), np.arange(5).reshape(5, 1))
    assert result.code == "transposed"
    assert "should be a column of shape (5, 1)" in result.message
    assert "`.reshape(-1, 1)`" in result.message


@pytest.mark.parametrize("shape", [(3, 4), (2, 7), (5, 1000)])
def test_transpose_named_only_when_the_transpose_is_the_answer(shape):
    right = np.random.default_rng(0).random(shape)
    named = finding(right.T, right)
    assert (named.code, named.confirmed) == ("transposed", True)
    assert ".T" in named.message
    swapped_slice = np.random.default_rng(1).random(shape[::-1])  # right shape turned round, other values
    described = finding(swapped_slice, right)
    assert not described.confirmed
    assert ".T" not in described.message and "transpose" not in described.message.lower()
    assert f"the shape {shape} it should have" in described.message


def test_axes_permuted_shape_is_named_with_the_permutation_when_it_gives_the_answer():
    right = np.random.default_rng(2).random((6, 2, 3))
    result = finding(right.transpose(1, 2, 0), right)
    assert (result.code, result.confirmed) == ("axes_permuted", True)
    assert "np.transpose(x, (2, 0, 1))" in result.message


def test_axes_permuted_shape_without_values_is_only_described():
    result = finding(np.zeros((28, 28, 600)), np.zeros((600, 28, 28)), check_values=False)
    assert (result.code, result.confirmed) == ("axes_permuted", False)
    assert "the right axis lengths, but in another order than the shape (600, 28, 28)" in result.message


def test_channels_first_is_described():
    result = finding(np.zeros((16, 3, 8, 8), "float32"), np.zeros((16, 8, 8, 3), "float32"), check_values=False)
    assert "The channels come second" in result.message


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_off_by_one_slice_names_the_end_that_is_off(dtype):
    data = np.arange(200).reshape(100, 2).astype(dtype)
    short = finding(data[:99], data)
    assert (short.code, short.confirmed) == ("off_by_one_slice", True)
    assert "lacks the last row" in short.message
    late = finding(data[1:], data)
    assert "lacks the first row" in late.message
    long = finding(np.vstack([data, data[:1]]), data)
    assert "one row too many, at the end" in long.message


def test_one_entry_short_with_other_values_is_only_a_length():
    data = np.arange(200.0).reshape(100, 2)
    result = finding(data[:99] + 1000, data)
    assert (result.code, result.confirmed) == ("length", False)
    assert "axis 0 has 99 entries, one fewer than it should" in result.message


def test_flattened_array_is_named_when_reshaping_gives_the_answer():
    right = np.arange(12).reshape(3, 4)
    assert finding(right.ravel(), right).code == "flattened"
    assert finding(right.ravel()[::-1], right).code == "shape"


def test_same_size_other_shape_says_so_without_guessing_why():
    assert finding(np.zeros((6, 1)), np.zeros((3, 2))).message == (
        "`x` has shape (6, 1), but it should have shape (3, 2): it has the right number of entries (6), laid out "
        "in another shape."
    )


def test_plain_shape_mismatch():
    assert finding(np.zeros((4, 5)), np.zeros((3, 2))) == Finding(
        "shape", "`x` has shape (4, 5), but it should have shape (3, 2)."
    )


# --- candidates ---------------------------------------------------------------------


def test_candidate_beats_dtype():
    pixels = np.arange(256, dtype="uint8").reshape(16, 16)
    right = pixels.astype("float32") / 255
    no_cast = pixels / 255  # float64: differs from the answer only in dtype
    result = finding(no_cast, right, candidates={"You divided without casting first.": no_cast})
    assert (result.code, result.message, result.confirmed) == ("candidate", "You divided without casting first.", True)


def test_candidate_beats_shape():
    matrix = np.arange(12).reshape(3, 4)
    wrong = np.stack([matrix, matrix * 10], axis=-1)
    right = np.stack([matrix, matrix * 10])
    assert finding(wrong, right, candidates={"Stack along axis 0.": wrong}).message == "Stack along axis 0."


def test_two_causes_giving_the_same_value_name_neither():
    right = np.arange(6.0)
    wrong = right + 1
    result = finding(wrong, right, candidates={"You added one.": wrong, "You started at 1.": wrong.copy()})
    assert result.code == "offset" and not result.confirmed
    assert "added" not in result.message and "started at 1" not in result.message


def test_a_slip_equal_to_the_answer_is_no_evidence():
    right = np.arange(4)
    result = finding(right + 5, right, candidates={"Same as the answer here.": right.copy(), "Plus five.": right + 5})
    assert result.message == "Plus five."


def test_candidate_for_a_number():
    images = np.zeros((1797, 8, 8))
    candidates = {"That is `len(images)`; the rank is `images.ndim`.": len(images)}
    assert finding(1797, images.ndim, candidates=candidates).code == "candidate"


def test_candidate_needs_the_same_dtype():
    right = np.arange(4, dtype="float32")
    candidates = {"float64": right.astype("float64")}
    assert finding(right.astype("float16"), right, candidates=candidates).code == "dtype"


# --- dtype: "cast it" only when the cast gives the answer ---------------------------


def test_float64_with_the_right_values_is_told_to_cast():
    result = finding(np.ones(3), np.ones(3, "float32"), name="scaled")
    assert (result.code, result.confirmed) == ("dtype", True)
    assert "its values are right, so cast it with `.astype('float32')`" in result.message


def test_unscaled_data_in_another_dtype_is_not_told_to_cast():
    pixels = np.arange(256, dtype="uint8")
    result = finding(pixels, pixels.astype("float32") / 255, name="scaled")
    assert (result.code, result.confirmed) == ("dtype", False)
    assert "a cast alone will not fix it" in result.message and "they run from 0 to 255" in result.message
    assert "cast it with" not in result.message


def test_integers_where_floats_wanted_in_a_structure_check():
    assert finding(np.ones(3, "uint8"), np.ones(3, "float32"), check_values=False).message == (
        "`x` has dtype uint8, but it should have dtype float32: it holds integers, not floats."
    )


def test_floats_where_integers_wanted_with_the_right_values():
    result = finding(np.ones(3), np.ones(3, "uint8"))
    assert "cast it with `.astype('uint8')`" in result.message and result.confirmed


def test_booleans_where_numbers_wanted():
    result = finding(np.ones(3) > 0, np.ones(3), check_values=False)
    assert result.code == "dtype"
    assert "True/False values" in result.message


def test_check_dtype_false_ignores_dtype():
    assert explain("x", np.arange(3.0), np.arange(3), check_dtype=False) is None
    assert finding(np.array([0.0, 1.0, 5.0]), np.arange(3), check_dtype=False).message.startswith(
        "`x` has the right shape but 1 of 3 entries differs"
    )


# --- values -------------------------------------------------------------------------


def test_generic_value_message_counts_and_locates():
    right = np.arange(64.0).reshape(8, 8)
    got = right.copy()
    got.flat[[3, 9, 10, 20, 21, 22, 30, 40, 41, 50, 60, 63]] = -1.0
    result = finding(got, right)
    assert result.message == "`x` has the right shape and dtype but 12 of 64 entries differ (first at index (0, 3))."
    assert result.where == "index (0, 3)"


def test_differences_in_one_column_are_located():
    right = np.arange(40.0).reshape(8, 5)
    got = right.copy()
    got[:, 3] = 0
    assert finding(got, right).message.endswith("All of them are in column 3.")


def test_generic_value_message_gives_a_share_for_big_arrays():
    right = np.arange(200.0)
    got = right.copy()
    got[[7, 150]] = [-3.0, 1e6]
    assert finding(got, right).message == (
        "`x` has the right shape and dtype but 2 of 200 entries (1.0%) differ (first at index 7)."
    )


def test_nan_entries_are_pointed_out():
    result = finding(np.array([1.0, np.nan, 3.0]), np.array([1.0, 2.0, 4.0]))
    assert result.message.endswith("1 of them is NaN: look for 0/0 or a log of 0.")


def test_zero_d_value():
    assert finding(np.array(3.5), np.array(2.0)) == Finding(
        "values", "`x` has the right shape and dtype but a different value."
    )


def test_transposed_values_of_a_square_matrix():
    right = np.arange(9).reshape(3, 3)
    result = finding(right.T, right)
    assert (result.code, result.confirmed) == ("transposed", True)
    assert result.message.startswith("`x` is the transpose of the answer")


def test_each_image_transposed():
    images = np.random.default_rng(0).integers(0, 17, (10, 8, 8)).astype(float)
    result = finding(images.transpose(0, 2, 1), images)
    assert result.code == "axes_permuted"
    assert "axes 1 and 2 are swapped" in result.message


def test_samples_in_another_order():
    images = np.random.default_rng(1).random((10, 4, 4))
    result = finding(images[::-1], images)
    assert (result.code, result.confirmed) == ("scrambled", False)
    assert "holds the right samples (entries along axis 0), but in another order" in result.message


def test_values_reordered_within_each_sample():
    rows = np.random.default_rng(2).random((6, 5))
    result = finding(rows[:, ::-1], rows)
    assert result.code == "scrambled"
    assert "right values within each sample" in result.message


@pytest.mark.parametrize("shape", [(10, 4, 4), (6, 3, 5), (4, 2, 2, 3)])
def test_unrowing_with_reshape_is_named_only_because_it_reenacts(shape):
    images = np.random.default_rng(3).random(shape)
    n = shape[0]
    right = images.reshape(n, -1).T
    result = finding(images.reshape(-1, n), right)
    assert (result.code, result.confirmed) == ("scrambled", True)
    assert "what `reshape` gives where the axes had to be moved" in result.message
    shuffled = right.ravel()[np.random.default_rng(4).permutation(right.size)].reshape(right.shape)
    other = finding(shuffled, right)
    assert "reshape" not in other.message and not other.confirmed


def test_reshape_where_transpose_was_meant():
    a = np.arange(12).reshape(4, 3)
    assert finding(a.reshape(3, 4), a.T).confirmed


def test_vector_in_the_wrong_order():
    assert finding(np.arange(5, 0, -1), np.arange(1, 6)).message == "`x` holds the right numbers, but in another order."


def test_forgot_to_divide_is_a_scale():
    pixels = np.arange(1, 256, dtype="float32")
    result = finding(pixels, pixels / 255)
    assert result.code == "scale" and "larger than the answer by the same factor" in result.message


def test_range_starting_at_zero_is_an_offset():
    result = finding(np.arange(5), np.arange(1, 6))
    assert result.code == "offset" and "lower than the answer" in result.message


def test_opposite_sign_is_named():
    right = np.array([1.0, -2.0, 3.0])
    assert "opposite sign" in finding(-right, right).message


def test_hint_is_appended_to_generic_messages_only():
    right = np.arange(64.0)
    got = right.copy()
    got[5] = 0.5
    assert finding(got, right, hint="Use `np.round`.").message.endswith(" Use `np.round`.")
    assert not finding(got.astype("float32"), right, hint="Use `np.round`.").message.endswith("`np.round`.")


# --- answers that are numbers, strings, tuples or dtypes ----------------------------


def test_wrong_number():
    assert finding(1797, 3, name="images_rank") == Finding(
        "values", "`images_rank` is 1797, which is not the right value."
    )


def test_fraction_where_whole_number_wanted():
    result = finding(117.1875, 118, name="batches")
    assert result.code == "type"
    assert result.message.startswith("`batches` is 117.1875, which is not a whole number")


def test_number_written_as_text():
    assert finding("3", 3).message == "`x` should be a single number, but it is a str: write the number without quotes."


def test_shape_in_the_wrong_order():
    result = finding((8, 8, 1797), (1797, 8, 8), name="images_shape")
    assert (result.code, result.message) == (
        "axes_permuted",
        "`images_shape` holds the right lengths in the wrong order: list them in axis order, as `.shape` does.",
    )


def test_shape_with_the_wrong_length():
    assert finding((1797, 64), (1797, 8, 8)) == Finding(
        "length", "`x` has 2 entries, which is not the right number: a shape has one entry per axis."
    )


def test_shape_that_is_not_a_tuple():
    assert finding(1797, (1797, 8, 8)).message == (
        "`x` should be a tuple of axis lengths, like `.shape` gives, but it is an int."
    )


def test_tuple_recurses_into_the_first_wrong_item():
    expected = (3, (2, 4), "int8")
    first = finding((2, (2, 4), "int8"), expected, name="describe(t)")
    assert (first.code, first.message, first.where) == (
        "values", "`describe(t)[0]` is 2, which is not the right value.", "index 0"
    )
    assert finding((3, (4, 2), "int8"), expected, name="d").code == "axes_permuted"
    assert finding((3, (2, 4), np.dtype("int8")), expected, name="d").message == (
        "`d[2]` is a dtype object, but it should be a string: use the dtype's `.name`, as in `t.dtype.name`."
    )


def test_text_differing_in_case():
    assert finding("Float64", "float64").message == (
        "`x` differs from the answer only in upper/lower case or surrounding spaces: copy the spelling exactly."
    )


def test_wrong_dtype_answer():
    assert finding("float32", np.dtype("float64"), name="images_dtype") == Finding(
        "values",
        "`images_dtype` is float32, which is not the right dtype: read it from the array's "
        "`.dtype` attribute instead of typing it in.",
    )


def test_array_given_for_a_dtype():
    assert finding(np.zeros(3), np.dtype("float64")).code == "type"


def test_bool_answers():
    assert finding(1, True).code == "type"
    assert finding(False, True).code == "values"


# --- expect and robustness ----------------------------------------------------------


def test_expect_raises_with_the_message():
    with pytest.raises(AssertionError, match=r"^`x` has shape \(2,\), but it should have shape \(5,\)\.$"):
        expect("x", np.zeros(2), np.zeros(5))


def test_expect_forwards_keywords():
    with pytest.raises(AssertionError, match=r"^Known mistake$"):
        expect("x", np.zeros(2), np.ones(2), candidates={"Known mistake": np.zeros(2)})


class _Hostile:
    """A value whose comparisons blow up, as a student's odd object might."""

    def __eq__(self, other):
        raise RuntimeError("boom")

    __hash__ = object.__hash__


@pytest.mark.parametrize("expected", [np.arange(3), 3, "abc", (1, 2), np.dtype("int8"), object()])
def test_odd_objects_never_crash(expected):
    assert explain("x", _Hostile(), expected) is not None


def test_object_arrays_that_cannot_be_compared_get_a_plain_message():
    got = np.array([_Hostile(), _Hostile()], dtype=object)
    assert explain("x", got, np.array([1, 2], dtype=object)) == Finding("values", "`x` is not the right value.")


# --- no message gives the expected value away ---------------------------------------


def _wrong_arrays(rng: np.random.Generator, expected: np.ndarray) -> list:
    """Plausible wrong answers for a random float array."""
    noisy = expected.copy()
    noisy.flat[rng.integers(0, expected.size, 3)] += 1.0
    return [
        noisy,
        expected.T if expected.ndim > 1 else expected[::-1],
        expected * 255,
        expected + 1,
        expected.astype("float32"),
        expected[:-1],
        expected.reshape(1, *expected.shape),
        expected.ravel()[::-1].reshape(expected.shape),
        expected.tolist(),
        float(expected.flat[0]) + 1,
        np.roll(expected, 1, axis=0),
    ]


def _leak_cases(rng: np.random.Generator) -> list:
    """(got, expected) pairs of every kind, with expected values unlikely to appear by chance."""
    cases = []
    for _ in range(20):
        shape = tuple(int(n) for n in rng.integers(2, 6, rng.integers(1, 4)))
        expected = rng.random(shape) + 0.123456
        cases += [(got, expected) for got in _wrong_arrays(rng, expected)]
        number = int(rng.integers(100_000, 999_999))
        cases += [(number + 1, number), (number / 7, number), (str(number), number), (number // 2, number)]
        sizes = tuple(int(n) for n in rng.integers(100_000, 999_999, 3))
        cases += [(sizes[::-1], sizes), (sizes[:2], sizes), ((sizes[0], 7, sizes[2]), sizes), (sizes[0], sizes)]
        word = "".join(rng.choice(list("abcdefghij"), 12))
        cases += [(word.upper(), word), (word[::-1], word), (42, word)]
        dtype = rng.choice(["float32", "int16", "uint8", "complex128"])
        cases += [("float64", np.dtype(dtype)), (np.zeros(2), np.dtype(dtype)), (5, np.dtype(dtype))]
    return cases


def _forbidden(expected) -> list[str]:
    """Texts that would reveal the expected value: its repr/str, and for answers each item."""
    texts = [repr(expected), str(expected)]
    if isinstance(expected, np.ndarray):
        texts += [repr(float(v)) for v in expected.flat] + [f"{float(v):.4f}" for v in expected.flat]
    elif isinstance(expected, tuple):
        texts += [str(v) for v in expected]
    return texts


def test_messages_never_contain_the_expected_value():
    rng = np.random.default_rng(20240531)
    cases = _leak_cases(rng)
    assert len(cases) > 300
    codes = set()
    for got, expected in cases:
        result = finding(got, expected)
        codes.add(result.code)
        for text in _forbidden(expected):
            assert text not in result.message, (got, expected, result)
    assert codes >= {"values", "type", "scrambled", "not_array", "axes_permuted", "offset", "scale", "dtype"}
    assert codes >= {"off_by_one_slice", "extra_axis", "length", "transposed"}


# --- structure-only checks (check_values=False) -------------------------------------


def test_structure_only_passes_wrong_values_of_the_right_kind():
    assert explain("x", np.ones((2, 3), "float32"), np.zeros((2, 3), "float32"), check_values=False) is None
    assert explain("x", 4, 3, check_values=False) is None
    assert explain("x", (1, 2, 9), (1797, 8, 8), check_values=False) is None
    assert explain("x", "int8", np.dtype("float64"), check_values=False) is None
    assert explain("x", "other", "text", check_values=False) is None


def test_structure_only_still_reports_structure():
    assert finding(np.ones((3, 2)), np.zeros((2, 3)), check_values=False).code == "axes_permuted"
    assert finding(np.ones(3), np.zeros(3, "float32"), check_values=False).code == "dtype"
    assert finding(2.5, 3, check_values=False).code == "type"
    assert finding((1, 2), (1797, 8, 8), check_values=False).code == "length"
    assert finding((1, "8", 8), (1797, 8, 8), check_values=False).message == (
        "`x[1]` should be a single number, but it is a str: write the number without quotes."
    )


def test_structure_only_never_reports_values():
    assert explain("x", (8, 8, 1797), (1797, 8, 8), check_values=False) is None
    assert explain("x", np.arange(5)[::-1], np.arange(5), check_values=False) is None


def test_structure_only_still_matches_candidates():
    truncated = np.array([2, 3], "uint8")
    message = "You cast without rounding."
    result = finding(truncated, np.array([3, 3], "uint8"), check_values=False, candidates={message: truncated})
    assert (result.code, result.message, result.confirmed) == ("candidate", message, True)


def test_all_zeros_is_not_called_a_scale():
    assert finding(np.zeros(4), np.arange(1.0, 5.0)).code != "scale"


def test_a_row_vector_in_another_order_is_not_called_samples():
    assert finding(np.arange(5)[::-1].reshape(1, 5), np.arange(5).reshape(1, 5)).message == (
        "`x` holds the right numbers, but in another order.")


def test_differences_along_a_higher_axis_are_located_in_words():
    right = np.arange(60.0).reshape(3, 4, 5)
    got = right.copy()
    got[:, :, 2] = -1
    assert finding(got, right).message.endswith("All of them are at position 2 along axis 2.")
