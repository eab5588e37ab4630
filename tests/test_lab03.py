"""lab03-tensor-operations graded end to end: full marks, zero, and each listed mistake named with exact points."""

from __future__ import annotations

import re
import tomllib

import numpy as np
import pytest
from sklearn.datasets import load_digits

from autograder.model import SubmissionResult
from tests.conftest import ROOT, failures, grade, hidden_messages, scores

pytestmark = pytest.mark.slow

LAB = "lab03-tensor-operations"
QUESTIONS = [f"q{i}" for i in range(1, 12)]
SOLUTION_EXPRESSIONS = [
    "prices * quantities",
    "np.maximum(signal, 0)",
    "M + row_offsets",
    "col_offsets[:, np.newaxis]",
    "np.dot(v, v)",
    "v @ v`",
    "A.T @ A",
    "np.maximum(X @ W + b, 0)",
    "first_three.astype(np.int32) + last_three",
]


@pytest.fixture(scope="module")
def lab03(bundles):
    return bundles(LAB)


def authored_mutants(*names: str) -> list[str]:
    """The code of the named wrong answers in the lab's audit file, as cells to append to a notebook."""
    found = {
        m["name"]: m["code"] for m in tomllib.loads((ROOT / "solutions" / f"{LAB}.audit.toml").read_text())["mutant"]
    }
    return [found[name] for name in names]


def assert_hidden_messages_reveal_nothing(result: SubmissionResult) -> None:
    """No printed array, expected number, right letter or solution expression; no shape the student did not give."""
    digits = load_digits()
    features = digits.data
    pixels = np.round(digits.images[:6] * 255 / 16).astype(np.uint8)
    exact = pixels[:3].astype(np.int64) + pixels[3:]
    secrets = {
        "q3": ["(a)", "(c)", "(d)", "(f)", "acdf"],
        "q4": [f"{features.mean():.3g}", f"{features.mean(axis=1)[0]:.3g}"],
        "q6": ["14", "[ 8 26 44 62]", "8, 26"],
        "q7": ["(5, 7)", "(5,)", "(2,)"],
        "q8": ["(c)"],
        "q9": [str(exact.max()), str(exact.sum())],
    }
    for question, messages in hidden_messages(result).items():
        for message in messages:
            assert not re.search(r"\barray\(|\[\s*-?\d+\.?\d*\s+-?\d", message), message
            assert not any(secret in message for secret in secrets.get(question, [])), message
            assert not any(expression in message for expression in SOLUTION_EXPRESSIONS), message
            if question in ("q5", "q10", "q11"):
                assert not re.search(r"shape \((2|3|6|7), \d+\)", message), message


def test_solution_scores_full_marks(lab03, make_submission):
    result = grade(lab03, make_submission("solution", lab=LAB, solved="all"))
    assert (result.status, result.score, result.max_score) == ("graded", 22, 22)
    assert all(c.passed for q in result.questions for c in q.checks)
    assert [q.name for q in result.questions] == QUESTIONS


def test_public_checks_carry_no_points_and_values_carry_them_all(lab03):
    from otter.test_files import ExceptionTestFile

    for question in QUESTIONS:
        cases = ExceptionTestFile.from_file(str(lab03.tests_dir / f"{question}.py")).test_cases
        assert sum(c.points for c in cases if not c.hidden) == 0, question
        assert sum(c.points for c in cases if c.hidden) == 2, question


def test_untouched_student_notebook_scores_zero(course, lab03):
    result = grade(lab03, course.student_dir(LAB) / f"{LAB}.ipynb")
    assert (result.status, result.score) == ("graded", 0)
    assert not any(c.passed for q in result.questions for c in q.checks)
    messages = failures(result)
    assert messages["q1"][0] == "`revenue` is not set yet: replace the `...` with your answer and run the cell."
    assert messages["q3"][0] == (
        '`broadcast_choices` is not set yet: replace the `...` with a string of letters, such as "be".'
    )
    assert messages["q5"][0] == (
        "`standardize(measurements, 0)` returned None: finish the body of `standardize` and `return` the result."
    )
    assert messages["q7"][0] == "`product_shapes['X @ Y']` is not answered yet: replace the `...`."
    assert messages["q8"][0] == (
        '`product_choice` is not set yet: replace the `...` with one letter, as a string such as "a".'
    )
    assert (
        messages["q10"][0]
        == "`dense_forward(X, W, b)` returned None: finish the body of `dense_forward` and `return` the result."
    )
    assert messages["q11"][0].startswith("`model` is not set yet: replace the `...` with your code")


MISTAKES_A = {
    # broadcasting: a column vector added through a transpose that was never undone
    "q2": "plus_rows = M + row_offsets\nplus_cols = M.T + col_offsets",
    # two 1-D vectors of different lengths taken to broadcast into a table
    "q3": 'broadcast_choices = "acdfg"',
    # broadcasting along the wrong axis: the per-pixel means subtracted instead of each image's own mean
    "q4": (
        "pixel_means = features.mean(axis=0)\nimage_means = features.mean(axis=1, keepdims=True)\n"
        "centered_images = features - pixel_means"
    ),
    # keepdims missing: fine along axis 0, a broadcast error along axis 1
    "q5": "def standardize(x, axis):\n    return (x - x.mean(axis=axis)) / x.std(axis=axis)",
    # B * B and A * B where dot products were meant, and A.reshape(3, 4) where A.T was meant
    "q6": "v_dot_v = v * v\nA_dot_v = A * v\nA_dot_C = A @ C\ngram = A.reshape(3, 4) @ A",
    # uint8 overflow: 200 + 200 == 144
    "q9": "summed = first_three + last_three\nblended = (first_three + last_three) // 2",
}


def test_broadcasting_dot_product_reshape_and_overflow_mistakes(lab03, make_submission):
    solved = [q for q in QUESTIONS if q not in MISTAKES_A]
    result = grade(lab03, make_submission("mistakes_a", lab=LAB, solved=solved, answers=MISTAKES_A))
    assert result.status == "graded"
    assert scores(result) == {
        "q1": 2,
        "q2": 1,
        "q3": 0,
        "q4": 1,
        "q5": 1,
        "q6": 0.5,
        "q7": 2,
        "q8": 2,
        "q9": 0,
        "q10": 2,
        "q11": 2,
    }
    assert result.score == 13.5
    messages = failures(result)
    transposed = "`plus_cols` is the transpose of the right result: rows and columns are swapped"
    assert all(m.startswith(transposed) for m in messages["q2"])
    assert messages["q3"] == [
        "(g) is not true: two 1-D vectors share their only axis, so `c + r` matches 4 against 3 and raises an "
        "error. Only after one of them gets an axis of length 1, as `k` has, can they stretch into a table."
    ]
    assert len(messages["q4"]) == 2
    assert all("the statistics broadcast along the wrong axis" in m for m in messages["q4"])
    assert messages["q4"][0].startswith("`centered_images` uses the mean over axis 0, which runs down each column")
    assert len(messages["q5"]) == 2, "the keepdims slip passes along axis 0 and fails along axis 1"
    for message in messages["q5"]:
        assert "raised ValueError: operands could not be broadcast together" in message
        assert "is the other shape with axis 1 taken away" in message and "`keepdims=True` keeps that axis" in message
    assert "`v_dot_v` is the element-wise product `v * v`: you forgot to sum." in messages["q6"][0]
    assert "`A_dot_v` is the element-wise product `A * v`: you forgot to sum." in messages["q6"][0]
    assert "`gram` uses `A.reshape(3, 4)` where `A.T` was meant" in messages["q6"][0]
    assert [m.split(":")[0] for m in messages["q6"][1:]] == [
        "`v_dot_v` is the element-wise product `v * v`",
        "`A_dot_v` is the element-wise product `A * v`",
        "`gram` uses `A.reshape(3, 4)` where `A.T` was meant",
    ]
    assert all("A_dot_C" not in m for m in messages["q6"])
    assert len(messages["q9"]) == 4
    assert messages["q9"][0].startswith("`summed` wrapped around: `first_three + last_three` is computed in uint8")
    assert "(200 + 200 gives 144)" in messages["q9"][0]
    assert messages["q9"][1].startswith("`blended` wrapped around")
    assert_hidden_messages_reveal_nothing(result)


MISTAKES_B = {
    # np.max (a reduction along axis 0) where the element-wise np.maximum was meant
    "q1": "revenue = prices * quantities\nrelu_signal = np.max(signal, 0)",
    # keepdims missing on the per-image means
    "q4": (
        "pixel_means = features.mean(axis=0)\nimage_means = features.mean(axis=1)\n"
        "centered_images = features - features.mean(axis=1, keepdims=True)"
    ),
    # brackets forgotten: x - mean / std
    "q5": (
        "def standardize(x, axis):\n    return x - x.mean(axis=axis, keepdims=True) / x.std(axis=axis, keepdims=True)"
    ),
    # the outer lengths taken for a product that is not defined
    "q7": (
        'product_shapes = {"X @ Y": (5, 7), "Y @ X": (2, 2), "X @ u": (5,), "u @ X": None, "w @ X": (2,), '
        '"X.T @ X": (2, 2), "Y @ Y": None}'
    ),
    # * taken to equal @ on square matrices
    "q8": 'product_choice = "b"',
    # no activation: by hand and in Keras
    "q10": "def dense_forward(X, W, b):\n    return X @ W + b\n\n\nmanual_out = dense_forward(X, W, b)",
    "q11": (
        "layer = keras.layers.Dense(3)\nmodel = keras.Sequential([keras.Input(shape=(4,)), layer])\n"
        "layer.set_weights([W, b])\nkeras_out = model.predict(X, verbose=0)"
    ),
}


def test_reduction_shape_choice_and_activation_mistakes(lab03, make_submission):
    solved = [q for q in QUESTIONS if q not in MISTAKES_B]
    result = grade(lab03, make_submission("mistakes_b", lab=LAB, solved=solved, answers=MISTAKES_B))
    assert result.status == "graded"
    assert scores(result) == {
        "q1": 1,
        "q2": 2,
        "q3": 2,
        "q4": 1.5,
        "q5": 0,
        "q6": 2,
        "q7": 1,
        "q8": 0,
        "q9": 2,
        "q10": 0,
        "q11": 0,
    }
    assert result.score == 11.5
    messages = failures(result)
    assert all(m.startswith("`relu_signal` is `np.max(signal, 0)`: `np.max` finds the largest") for m in messages["q1"])
    dropped = "`image_means` drops the reduced axis: keep it with `keepdims=True`"
    assert all(m.startswith(dropped) for m in messages["q4"])
    assert len(messages["q5"]) == 4
    assert all("division binds tighter than subtraction" in m for m in messages["q5"])
    assert messages["q5"][2].startswith(
        "On an unseen test array, along axis 0: `standardize(x, 0)` is `x - mean / std`"
    )
    assert messages["q7"] == [
        "`product_shapes['Y @ X']` is (2, 2), the outer lengths of the two shapes, but a product also needs the "
        "inner lengths (the last of the left shape, the first of the right one) to be equal: compare them."
    ]
    assert messages["q8"] == [
        "(b) is not what happens: entry (i, j) of `X @ W` adds up eight products, row i of `X` times column j of "
        "`W`, while `*` pairs up only the two entries at the same position. Try both on two small 2 x 2 matrices."
    ]
    assert messages["q10"][0].startswith("`dense_forward(X, W, b)` still has negative values: no ReLU was applied.")
    assert messages["q10"][1].startswith("`manual_out` still has negative values: no ReLU was applied.")
    assert messages["q10"][2].startswith("On unseen test batch 1 of 2: `dense_forward(x, w, bias)` still has neg")
    linear = (
        "has negative values: the Dense layer has no activation, so it stays linear. Create it with "
        '`activation="relu"`.'
    )
    assert messages["q11"] == [
        f"`keras_out` {linear}",
        "On a new batch of inputs: `model.predict(x)` has negative values: the Dense layer has no activation, so it "
        'stays linear. Create it with `activation="relu"`.',
        f"`keras_out` {linear}",
    ]
    assert_hidden_messages_reveal_nothing(result)


MISTAKES_C = {
    "q1": "revenue = prices @ quantities.T\nrelu_signal = np.abs(signal)",
    "q3": 'broadcast_choices = "acd"',
    "q6": "v_dot_v = np.outer(v, v)\nA_dot_v = (A * v).sum()\nA_dot_C = A @ C\ngram = A @ A.T",
    "q9": "summed = (first_three + last_three).astype(np.int32)\nblended = first_three // 2 + last_three // 2",
    "q10": "def dense_forward(X, W, b):\n    return np.maximum(X @ W, 0) + b\n\n\nmanual_out = dense_forward(X, W, b)",
    "q11": (
        "layer = keras.layers.Dense(3, activation='relu')\nmodel = keras.Sequential([keras.Input(shape=(4,)), layer])\n"
        "layer.set_weights([W, b])\nkeras_out = model(X)"
    ),
}


def test_products_in_the_wrong_form_late_casts_and_unconverted_tensors(lab03, make_submission):
    solved = [q for q in QUESTIONS if q not in MISTAKES_C]
    result = grade(lab03, make_submission("mistakes_c", lab=LAB, solved=solved, answers=MISTAKES_C))
    assert result.status == "graded"
    assert {q: s for q, s in scores(result).items() if q in MISTAKES_C} == {
        "q1": 0,
        "q3": 0,
        "q6": 0.5,
        "q9": 0,
        "q10": 0,
        "q11": 1.5,
    }
    assert result.score == 22 - 12 + 2
    messages = failures(result)
    assert messages["q1"][0].startswith("`revenue` is the matrix product `prices @ quantities.T`, but the task asks")
    assert messages["q1"][1].startswith("`relu_signal` flips the sign of negative values (`np.abs`)")
    assert messages["q3"] == [
        "Your answer leaves out 1 true statement. Go through each one with the rule: line the shapes up from the "
        "last axis, count a missing axis as 1, and two lengths fit when they are equal or one of them is 1, in "
        "either operand and for every element-wise operator. A statement that an expression raises an error can "
        "be true as well."
    ]
    assert "`v_dot_v` is the outer product of `v` and `v`" in messages["q6"][0]
    assert "`A_dot_v` adds up all the element-wise products into a single number" in messages["q6"][0]
    assert "`gram` is `A @ A.T`: the operands are in the other order." in messages["q6"][0]
    assert "Casting the result afterwards is too late" in messages["q9"][0]
    assert messages["q9"][1].startswith("`blended` halves each array first with `//`, which drops the .5")
    assert messages["q10"][0] == (
        "`dense_forward(X, W, b)` adds the bias after the ReLU: add `b` first, then apply ReLU to `X @ W + b`."
    )
    tensor = (
        "`keras_out` has type tensorflow.python.framework.ops.EagerTensor, not a NumPy array: take the output of "
        "`model.predict`, or convert a tensor with `np.asarray(...)`."
    )
    assert messages["q11"] == [tensor, tensor]
    assert_hidden_messages_reveal_nothing(result)


AUTHORED = [
    "ReLU capped at 1",  # q1
    "col_offsets cut down to fit the rows",  # q2
    "every statement",  # q3
    "one mean for the whole array",  # q4
    "statistics of the notebook's measurements used for every input",  # q5
    "operands trimmed until the shapes fit",  # q6
    "every product said not to exist",  # q7
    "* taken to remove an axis",  # q8
    "exact sums as floats, not integers",  # q9
    "the function ignores its arguments and uses the notebook's batch",  # q10
    "an untouched model, with keras_out copied from manual_out",  # q11
]


def test_authored_mutants_lose_points_where_the_checks_exercise_the_answer(lab03, make_submission):
    """Shortcuts a score must not reward: hard-coded data, a copied output, an untouched model, a guessed choice."""
    cells = ["import numpy as _np\n" + code for code in authored_mutants(*AUTHORED)]
    result = grade(lab03, make_submission("authored", lab=LAB, solved="all", append=cells))
    assert result.status == "graded"
    assert all(c.status == "ok" for c in result.cells[-len(cells) :])
    assert scores(result) == {
        "q1": 1,
        "q2": 1,
        "q3": 0,
        "q4": 1,
        "q5": 0,
        "q6": 1.5,
        "q7": 0,
        "q8": 0,
        "q9": 1,
        "q10": 0.5,
        "q11": 0.5,
    }
    messages = failures(result)
    assert messages["q3"][0].startswith("(b) is not true: NumPy lines shapes up from the last axis")
    assert "(e) is not true: the order of the operands does not change" in messages["q3"][0]
    assert messages["q8"] == [
        "(e) is not what happens: an element-wise operation keeps the broadcast shape of its operands, so no axis "
        "disappears; only a sum or a matrix product removes one."
    ]
    assert messages["q9"][-1] == (
        "`summed` has dtype float64: use an integer dtype wider than uint8, such as `np.int32`."
    )
    assert messages["q10"] == [
        "On unseen test batch 1 of 2: `dense_forward(x, w, bias)` has shape (5, 3), but it should have one row per "
        "sample (row of x) and one column per unit (column of w)."
    ]
    assert messages["q11"] == [
        "The layer of `model` does not hold `W` and `b`: once the model is built, give the layer our weights with "
        "`set_weights([W, b])`, kernel first, then bias."
    ]
    assert all(m.startswith("`standardize(") and "raised ValueError" in m for m in messages["q5"])
    assert_hidden_messages_reveal_nothing(result)
