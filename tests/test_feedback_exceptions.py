"""Exceptions as evidence: real error messages give true hints, and a cell that raised is reported as such."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.check.failures import assigned_names, cell_failures
from autograder.feedback import attempt, call_student, exceptions, explain
from autograder.feedback.exceptions import error_hint, explain_error
from autograder.model import CellFailure, CellRecord, CellStatus


def raised(action) -> str:
    """``Type: message`` of the exception ``action()`` raises, as the runner records it."""
    try:
        action()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    raise AssertionError("expected an exception")


@pytest.fixture(autouse=True)
def no_failures():
    exceptions.use_failures(())
    yield
    exceptions.use_failures(())


@pytest.mark.parametrize(("left", "right", "fix"), [
    ((3, 4), (3, 4), "transposing the second operand or transposing the first operand"),
    ((3, 4), (5, 3), "swapping the operands"),
    ((2, 4), (3, 5), "No order or transpose"),
])
def test_dot_operands_that_do_not_line_up(left, right, fix):
    text = error_hint(raised(lambda: np.dot(np.ones(left), np.ones(right))))
    assert f"here they are {left[-1]} and {right[0]}" in text
    assert fix in text


def test_matmul_mismatch_names_both_inner_lengths():
    text = error_hint(raised(lambda: np.ones((3, 4)) @ np.ones((3, 4))))
    assert "X @ Y" in text and "4" in text and "3" in text


@pytest.mark.parametrize(("a", "b", "clash"), [((3, 4), (3,), "4 meets 3"), ((2, 5, 6), (5,), "6 meets 5")])
def test_shapes_that_do_not_broadcast(a, b, clash):
    text = error_hint(raised(lambda: np.ones(a) + np.ones(b)))
    assert clash in text


def test_keepdims_is_suggested_only_when_a_shape_is_the_other_with_an_axis_reduced_away():
    x = np.ones((3, 4))
    reduced = error_hint(raised(lambda: x - x.mean(axis=1)))
    assert "(3,) is the other shape with axis 1 taken away" in reduced and "keepdims=True" in reduced
    unrelated = error_hint(raised(lambda: x - np.ones(5)))
    assert "keepdims" not in unrelated


@pytest.mark.parametrize(("word", "better"), [("lr", "learning_rate"), ("epoch", "epochs"), ("batchsize", "batch_size"),
                                              ("keep_dims", "keepdims"), ("validaton_split", "validation_split")])
def test_unknown_keyword_names_the_real_argument(word, better):
    def fit(x=None, *, epochs=1, batch_size=32, learning_rate=0.1, validation_split=0.0, keepdims=False):
        return x

    text = error_hint(raised(lambda: fit(**{word: 1})))
    assert f"`{word}` is not an argument it takes; the argument is called `{better}`" in text


def test_keras_optimizers_unknown_argument_wording():
    text = error_hint("ValueError: Argument(s) not recognized: {'lr': 0.005}")
    assert "the argument is called `learning_rate`" in text


def test_unknown_keyword_without_a_close_match_says_check_the_spelling():
    def fit(x=None):
        return x

    assert "check the spelling" in error_hint(raised(lambda: fit(zebra=1)))


def test_missing_history_key():
    text = error_hint(raised(lambda: {"loss": [1.0], "accuracy": [0.5]}["acc"]))
    assert "no key 'acc'" in text and "history.history.keys()" in text


def test_reshape_to_the_wrong_size():
    assert "must multiply to 12" in error_hint(raised(lambda: np.arange(12).reshape(5, 3)))


def test_index_out_of_bounds():
    assert "indices 0 to 9" in error_hint(raised(lambda: np.arange(10)[10]))


def test_an_unknown_error_gets_no_hint():
    assert error_hint("RuntimeError: my experiment went wrong") == ""


def test_explain_error_quotes_the_call_and_the_exception():
    text = explain_error("f(x)", ValueError("shapes (3,4) and (3,4) not aligned: 4 (dim 1) != 3 (dim 0)"))
    assert text.startswith("`f(x)` raised ValueError: shapes (3,4) and (3,4) not aligned")
    assert "here they are 4 and 3" in text


# --- the cell that raised -------------------------------------------------------------


def test_a_name_set_by_a_cell_that_raised_reports_the_exception_not_not_set_yet():
    exceptions.use_failures([CellFailure(("A_dot_C", "B"), raised(lambda: np.dot(np.ones((3, 4)), np.ones((3, 4)))),
                                         "A_dot_C = np.dot(A, C)")])
    finding = explain("A_dot_C", ..., np.zeros((3, 3)))
    assert finding.code == "raised"
    assert finding.message.startswith("The cell that sets `A_dot_C` raised ValueError: shapes (3,4) and (3,4)")
    assert "at `A_dot_C = np.dot(A, C)`" in finding.message and "not set yet" not in finding.message
    assert explain("other", ..., 1).code == "missing"


def test_a_wrong_value_from_a_cell_that_raised_says_both():
    exceptions.use_failures([CellFailure(("x",), "ZeroDivisionError: division by zero", "y = 1 / 0")])
    finding = explain("x", np.zeros(3), np.ones(3))
    assert finding.code == "raised" and "ZeroDivisionError" in finding.message and "3 of 3 entries" in finding.message


def test_a_function_from_a_cell_that_raised():
    exceptions.use_failures([CellFailure(("describe",), "SyntaxError: invalid syntax (cell, line 2)", "return (")])
    _, finding = attempt("describe(t)", ..., 1)
    assert finding.code == "raised" and "SyntaxError" in finding.message


def test_attempt_covers_every_way_a_call_fails():
    assert attempt("f(1)", None, 1)[1].code == "missing"
    assert attempt("f(1)", 3, 1)[1].code == "type"
    assert attempt("f(1)", lambda x: None, 1)[1].code == "returned_none"
    finding = attempt("f(1)", lambda x: np.ones((2, 3)) @ np.ones((2, 3)), 1)[1]
    assert finding.code == "raised" and finding.message.startswith("`f(1)` raised ValueError")
    assert attempt("f(1)", lambda x: x + 1, 1) == (2, None)
    with pytest.raises(AssertionError, match="returned None"):
        call_student("f(1)", lambda x: None, 1)


def test_assigned_names_reads_the_top_level_bindings_only():
    source = (
        "import numpy as np\nfrom os import path as p\nA, (B, C) = 1, (2, 3)\nD += 1\nfor i in range(3):\n    E = i\n"
        "with open('f') as fh:\n    pass\ndef f(x):\n    inner = x\n    return inner\nclass K:\n    attr = 1\n"
        "if True:\n    G: int = 2\nH = [j for j in range(2)]\n"
    )
    names = set(assigned_names(source))
    assert {"np", "p", "A", "B", "C", "D", "i", "E", "fh", "f", "K", "G", "H"} <= names
    assert not {"inner", "x", "attr"} & names
    assert list(assigned_names("this is not python(")) == []


def test_cell_failures_pair_each_failed_cell_with_its_names():
    cells = (CellRecord(0, CellStatus.OK), CellRecord(1, CellStatus.ERROR, "", "KeyError: 'acc'", "acc = h['acc']"),
             CellRecord(2, CellStatus.ERROR, "", "NameError: name 'q' is not defined", "q"))
    failures = cell_failures(cells, ["a = 1", "acc = h['acc']\nval = 2", "q"])
    assert failures == (CellFailure(("acc", "val"), "KeyError: 'acc'", "acc = h['acc']"),)


def test_the_runner_records_the_students_own_line():
    from IPython.core.interactiveshell import InteractiveShell

    from autograder.inside.runner import _run_cell

    shell = InteractiveShell.instance()
    shell.run_cell("def helper(v):\n    return v.reshape(5, 5)\n", store_history=False)
    record, _ = _run_cell(shell, 3, "import numpy as np\nx = np.arange(12)\ny = helper(x)\nz = 1", 10_000)
    assert record.status == CellStatus.ERROR and record.error.startswith("ValueError: cannot reshape")
    assert record.line == "y = helper(x)"
