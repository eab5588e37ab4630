"""lab03-tensor-operations graded end to end: full marks, zero, and each listed mistake named with exact points."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.datasets import load_digits

from autograder.model import SubmissionResult
from tests.conftest import failures, grade, hidden_messages, scores

pytestmark = pytest.mark.slow

LAB = "lab03-tensor-operations"
QUESTIONS = [f"q{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def lab03(bundles):
    return bundles(LAB)


def assert_hidden_messages_reveal_nothing(result: SubmissionResult) -> None:
    """No printed array or expected number; no right shape of a product the student did not give."""
    digits = load_digits()
    features = digits.data
    pixels = np.round(digits.images[:6] * 255 / 16).astype(np.uint8)
    exact = pixels[:3].astype(np.int64) + pixels[3:]
    secrets = {
        "q3": [f"{features.mean():.3g}", f"{features.mean(axis=1)[0]:.3g}"],
        "q5": ["14", "[ 8 26 44 62]", "8, 26"],
        "q6": ["(5, 7)", "(5,)", "(2,)"],
        "q7": [str(exact.max()), str(exact.sum())],
    }
    for question, messages in hidden_messages(result).items():
        for message in messages:
            assert not re.search(r"\barray\(|\[\s*-?\d+\.?\d*\s+-?\d", message), message
            assert not any(secret in message for secret in secrets.get(question, [])), message
            if question in ("q4", "q8"):
                assert not re.search(r"shape \((2|3|6|7), \d+\)", message), message


def test_solution_scores_full_marks_well_under_a_minute(lab03, make_submission):
    result = grade(lab03, make_submission("solution", lab=LAB, solved="all"))
    assert (result.status, result.score, result.max_score) == ("graded", 18, 18)
    assert all(c.passed for q in result.questions for c in q.checks)
    assert [q.name for q in result.questions] == QUESTIONS
    assert result.duration < 30, f"grading the solution took {result.duration:.1f} s"


def test_untouched_student_notebook_scores_zero(course, lab03):
    result = grade(lab03, course.student_dir(LAB) / f"{LAB}.ipynb")
    assert (result.status, result.score) == ("graded", 0)
    assert not any(c.passed for q in result.questions for c in q.checks)
    messages = failures(result)
    assert messages["q1"][0] == "`revenue` is not set yet: replace the `...` with your answer and run the cell."
    assert messages["q4"][0] == (
        "`standardize(measurements, 0)` returned None: finish the function with `return` and the result."
    )
    assert messages["q6"][0] == "`product_shapes['X @ Y']` is not answered yet: replace the `...`."
    assert (
        messages["q8"][0] == "`dense_forward(X, W, b)` returned None: finish the function with `return` and the result."
    )
    assert messages["q9"][0] == "`keras_out` is not set yet: replace the `...` with your answer and run the cell."


MISTAKES_A = {
    # broadcasting: a column vector added through a transpose that was never undone
    "q2": "plus_rows = M + row_offsets\nplus_cols = M.T + col_offsets",
    # broadcasting along the wrong axis: the per-pixel means subtracted instead of each image's own mean
    "q3": (
        "pixel_means = features.mean(axis=0)\nimage_means = features.mean(axis=1, keepdims=True)\n"
        "centered_images = features - pixel_means"
    ),
    # keepdims missing: fine along axis 0, a broadcast error along axis 1
    "q4": "def standardize(x, axis):\n    return (x - x.mean(axis=axis)) / x.std(axis=axis)",
    # B * B and A * B where dot products were meant, and A.reshape(3, 4) where A.T was meant
    "q5": "v_dot_v = v * v\nA_dot_v = A * v\nA_dot_C = A @ C\ngram = A.reshape(3, 4) @ A",
    # uint8 overflow: 200 + 200 == 144
    "q7": "summed = first_three + last_three\nblended = (first_three + last_three) // 2",
}


def test_broadcasting_dot_product_reshape_and_overflow_mistakes(lab03, make_submission):
    solved = [q for q in QUESTIONS if q not in MISTAKES_A]
    result = grade(lab03, make_submission("mistakes_a", lab=LAB, solved=solved, answers=MISTAKES_A))
    assert result.status == "graded"
    assert scores(result) == {
        "q1": 2,
        "q2": 0,
        "q3": 0.5,
        "q4": 0.5,
        "q5": 0,
        "q6": 2,
        "q7": 0,
        "q8": 2,
        "q9": 2,
    }
    assert result.score == 9
    messages = failures(result)
    assert all(m.startswith("`plus_cols` has rows and columns swapped") for m in messages["q2"])
    assert len(messages["q3"]) == 2
    assert all("the statistics broadcast along the wrong axis" in m for m in messages["q3"])
    assert messages["q3"][0].startswith("`centered_images` uses the mean over axis 0, which runs down each column")
    for message in messages["q4"]:
        assert "raised ValueError: operands could not be broadcast together" in message
        assert "`keepdims=True` when they come from a reduction" in message
    for message in messages["q5"]:
        assert "`v_dot_v` is the element-wise product `v * v`: you forgot to sum." in message
        assert "`A_dot_v` is the element-wise product `A * v`: you forgot to sum." in message
        assert "`gram` uses `A.reshape(3, 4)` where `A.T` was meant" in message
        assert "A_dot_C" not in message
    assert len(messages["q7"]) == 3
    assert messages["q7"][0].startswith("`summed` wrapped around: `first_three + last_three` is computed in uint8")
    assert "(200 + 200 gives 144)" in messages["q7"][0]
    assert messages["q7"][1].startswith("`blended` wrapped around")
    assert messages["q7"][2].startswith("`summed` wrapped around")
    assert_hidden_messages_reveal_nothing(result)


MISTAKES_B = {
    # np.max (a reduction along axis 0) where the element-wise np.maximum was meant
    "q1": "revenue = prices * quantities\nrelu_signal = np.max(signal, 0)",
    # keepdims missing on the per-image means
    "q3": (
        "pixel_means = features.mean(axis=0)\nimage_means = features.mean(axis=1)\n"
        "centered_images = features - features.mean(axis=1, keepdims=True)"
    ),
    # brackets forgotten: x - mean / std
    "q4": (
        "def standardize(x, axis):\n    return x - x.mean(axis=axis, keepdims=True) / x.std(axis=axis, keepdims=True)"
    ),
    # the outer lengths taken for a product that is not defined
    "q6": (
        'product_shapes = {"X @ Y": (5, 7), "Y @ X": (2, 2), "X @ u": (5,), "u @ X": None, "w @ X": (2,), '
        '"X.T @ X": (2, 2), "Y @ Y": None}'
    ),
    # no activation: by hand and in Keras
    "q8": "def dense_forward(X, W, b):\n    return X @ W + b\n\n\nmanual_out = dense_forward(X, W, b)",
    "q9": (
        "layer = keras.layers.Dense(3)\nlayer.build(X.shape)\nlayer.set_weights([W, b])\n"
        "keras_out = np.asarray(layer(X))"
    ),
}


def test_reduction_shape_and_activation_mistakes(lab03, make_submission):
    solved = [q for q in QUESTIONS if q not in MISTAKES_B]
    result = grade(lab03, make_submission("mistakes_b", lab=LAB, solved=solved, answers=MISTAKES_B))
    assert result.status == "graded"
    assert scores(result) == {
        "q1": 0.5,
        "q2": 2,
        "q3": 0.5,
        "q4": 0,
        "q5": 2,
        "q6": 1,
        "q7": 2,
        "q8": 0,
        "q9": 0,
    }
    assert result.score == 8
    messages = failures(result)
    assert all(m.startswith("`relu_signal` is `np.max(signal, 0)`: `np.max` finds the largest") for m in messages["q1"])
    assert all(m.startswith("`image_means` has lost the reduced axis: pass `keepdims=True`") for m in messages["q3"])
    assert len(messages["q4"]) == 3
    assert all("division binds tighter than subtraction" in m for m in messages["q4"])
    assert messages["q4"][2].startswith("On unseen test array 1 of 2: `standardize(x, 0)` is `x - mean / std`")
    assert messages["q6"] == [
        "`product_shapes['Y @ X']` is (2, 2), the outer lengths of the two shapes, but a product also needs the "
        "inner lengths (the last of the left shape, the first of the right one) to be equal: compare them."
    ]
    assert messages["q8"][0].startswith("`dense_forward(X, W, b)` still has negative values: no ReLU was applied.")
    assert messages["q8"][1] == "`manual_out` has negative entries: apply ReLU last."
    assert messages["q8"][2].startswith("On unseen test batch 1 of 2: `dense_forward(X, W, b)` still has negative")
    assert (
        messages["q9"]
        == [
            "`keras_out` has negative values: the layer has no activation, so it stays linear. Create it with "
            '`activation="relu"`.'
        ]
        * 2
    )
    assert_hidden_messages_reveal_nothing(result)


MISTAKES_C = {
    "q1": "revenue = prices @ quantities.T\nrelu_signal = np.abs(signal)",
    "q5": "v_dot_v = np.outer(v, v)\nA_dot_v = (A * v).sum()\nA_dot_C = A @ C\ngram = A @ A.T",
    "q7": "summed = (first_three + last_three).astype(np.int32)\nblended = first_three // 2 + last_three // 2",
    "q8": "def dense_forward(X, W, b):\n    return np.maximum(X @ W, 0) + b\n\n\nmanual_out = dense_forward(X, W, b)",
    "q9": (
        "layer = keras.layers.Dense(3, activation='relu')\nlayer.build(X.shape)\nlayer.set_weights([W, b])\n"
        "keras_out = layer(X)"
    ),
}


def test_products_in_the_wrong_form_late_casts_and_unconverted_tensors(lab03, make_submission):
    solved = [q for q in QUESTIONS if q not in MISTAKES_C]
    result = grade(lab03, make_submission("mistakes_c", lab=LAB, solved=solved, answers=MISTAKES_C))
    assert result.status == "graded"
    assert {q: s for q, s in scores(result).items() if q in MISTAKES_C} == {
        "q1": 0,
        "q5": 0,
        "q7": 0,
        "q8": 0.5,
        "q9": 0,
    }
    assert result.score == 18 - 10 + 0.5
    messages = failures(result)
    assert messages["q1"][0].startswith("`revenue` is the matrix product `prices @ quantities.T`, but the element-wise")
    assert messages["q1"][1].startswith("`relu_signal` flips the sign of negative values (`np.abs`)")
    assert "`v_dot_v` is the outer product of `v` and `v`" in messages["q5"][0]
    assert "`A_dot_v` adds up all the products into a single number" in messages["q5"][0]
    assert "`gram` is `A @ A.T`: the operands are in the wrong order." in messages["q5"][0]
    assert "Casting the result afterwards is too late" in messages["q7"][0]
    assert messages["q7"][1].startswith("`blended` halves each array first with `//`, which drops the .5")
    assert messages["q8"][0] == (
        "`dense_forward(X, W, b)` adds the bias after the ReLU: add `b` first, then apply ReLU to `X @ W + b`."
    )
    assert (
        messages["q9"]
        == [
            "`keras_out` has type tensorflow.python.framework.ops.EagerTensor, not a NumPy array: convert the "
            "layer's output with `np.asarray(...)`."
        ]
        * 2
    )
    assert_hidden_messages_reveal_nothing(result)
