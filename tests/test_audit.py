"""The check audit: wrong answers derived from solutions, safe packing, and a hole found in a weak lab."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from autograder.audit import AuditError, audit_lab
from autograder.audit.lab import QuestionInfo, authored
from autograder.audit.mutants import Mutant, Where, generated, wrong_answers
from autograder.audit.run import pack
from autograder.build import build_lab
from autograder.labs import Course
from autograder.transport import FunctionRef, Record

CONFIG = """# ASSIGNMENT CONFIG
name: tiny
export_cell: false
check_all_cell: false
init_cell: true
run_tests: false
generate: true
tests:
  ok_format: false
  files: true"""


def test_a_wrong_answer_equal_to_the_solution_is_dropped():
    symmetric = np.array([[1, 2], [2, 1]])
    labels = [w.label for w in wrong_answers("m", symmetric, {})]
    assert "transposed" not in labels and "zeros" in labels
    assert "transposed" in [w.label for w in wrong_answers("m", np.arange(6).reshape(2, 3), {})]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (np.arange(24).reshape(2, 3, 4), {"zeros", "transposed", "shifted by one along axis 2", "off by one"}),
        (np.linspace(0, 1, 5, dtype="float32"), {"zeros", "perturbed", "random values of the right shape"}),
        (np.array([True, False]), {"zeros", "inverted"}),
        (12, {"zero", "one more", "one less", "doubled"}),
        ((3, 4), {"empty", "reversed", "each entry one more", "last entry dropped"}),
        ("b", {"empty text", "other text"}),
        (np.dtype("float64"), {"another dtype"}),
        (FunctionRef("f"), {"returns None", "ignores its input (returns what its first call returned)",
                            "right only on the notebook's own data"}),
        (Record("keras.Model", {}), {"replaced by None", "an untrained copy of the model"}),
        (Record("__main__.Counter", {"count": 3}), {"replaced by None", "a fresh, unused instance of its class"}),
    ],
    ids=["int tensor", "float vector", "bools", "int", "tuple", "text", "dtype", "function", "model", "object"],
)
def test_wrong_answers_fit_the_kind_of_value(value, expected):
    assert expected <= {w.label for w in wrong_answers("x", value, {})}


def test_each_question_gets_one_right_typed_non_answer_for_all_its_answers():
    mutants = generated("q1", {"a": np.ones(3), "b": 5}, {})
    (blank,) = [m for m in mutants if m.non_answer]
    assert blank.names == {"a", "b"} and "zeros_like(a)" in blank.code and "type(b)(0)" in blank.code


def test_another_questions_value_of_the_same_shape_is_borrowed_first():
    others = {"other": np.zeros((2, 2)), "same": np.full((3,), 9.0)}
    borrowed = [w for w in wrong_answers("x", np.arange(3.0), others) if "another question" in w.label]
    assert borrowed[0].code == "x = same"


def info(name: str, answers: tuple[str, ...], reads: set[str]) -> QuestionInfo:
    return QuestionInfo(name, 2.0, 0, answers, frozenset(reads))


def test_packing_never_puts_a_wrong_answer_where_another_question_reads_it():
    questions = {"q1": info("q1", ("a",), {"a"}), "q2": info("q2", ("b",), {"a", "b"}), "q3": info("q3", ("c",), {"c"})}
    m1, m2, m3 = (Mutant(f"{n} wrong", q, f"{n} = 0", frozenset({n}))
                  for q, n in (("q1", "a"), ("q2", "b"), ("q3", "c")))
    packs = pack([m1, m2, m3], questions)
    together = {frozenset(m.question for m in p.mutants) for p in packs}
    assert frozenset({"q1", "q2"}) not in together and any("q3" in group for group in together)
    answer_cell = Mutant("replace", "q3", "c = 1", frozenset({"c"}), where=Where.ANSWER)
    assert [len(p.mutants) for p in pack([answer_cell, m1], questions)] == [1, 1]


def test_two_wrong_answers_to_one_question_never_share_a_notebook():
    questions = {"q1": info("q1", ("a",), {"a"})}
    mutants = [Mutant(f"wrong {i}", "q1", f"a = {i}", frozenset({"a"})) for i in range(3)]
    assert len(pack(mutants, questions)) == 3


def test_the_authors_file_is_read_and_checked(tmp_path):
    (tmp_path / "solutions").mkdir()
    course = Course(tmp_path)
    path = tmp_path / "solutions" / "tiny.audit.toml"
    path.write_text('[[mutant]]\nname = "copied"\nquestion = "q1"\ncode = "y = x"\n'
                    '[[variant]]\nname = "as a list"\nquestion = "q1"\nwhere = "answer"\ncode = "y = [1, 2]"\n')
    mutant, variant = authored(course, "tiny", {"q1"})
    assert (mutant.names, mutant.variant, variant.variant, variant.where) == ({"y"}, False, True, "answer")
    path.write_text('[[mutant]]\nname = "typo"\nquestion = "q9"\ncode = "y = 1"\n')
    with pytest.raises(AuditError, match="no question 'q9'"):
        authored(course, "tiny", {"q1"})
    path.write_text('[[mutant]]\nname = "no code"\nquestion = "q1"\n')
    with pytest.raises(AuditError, match="needs code"):
        authored(course, "tiny", {"q1"})


def _question(name: str, prompt: str, solution: str, tests: list[str]) -> list:
    raw, md, code = nbformat.v4.new_raw_cell, nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [raw(f"# BEGIN QUESTION\nname: {name}\npoints: 2"), md(prompt), raw("# BEGIN SOLUTION"), code(solution),
             raw("# END SOLUTION"), raw("# BEGIN TESTS")]
    return [*cells, *(code(t) for t in tests), raw("# END TESTS"), raw("# END QUESTION")]


HIDDEN = '""" # BEGIN TEST CONFIG\nhidden: true\npoints: {points}\n"""  # END TEST CONFIG\n\n\n'
PUBLIC_NO_POINTS = '""" # BEGIN TEST CONFIG\npoints: 0\n"""  # END TEST CONFIG\n\n\n'


def tiny_course(tmp_path, *, weak: bool) -> Course:
    """A two-question lab: ``squares`` (an array) and ``double`` (a function); ``weak`` checks only shapes, and a
    hidden check of it tells the solution's expression."""
    shape_check = ("def test_q1_shape(squares):\n    import numpy as np\n"
                   "    assert np.shape(squares) == (5,), 'squares should hold 5 numbers'\n")
    value_check = HIDDEN.format(points=2) + (
        "def test_q1_values(squares):\n    import numpy as np\n"
        "    assert np.array_equal(squares, np.arange(5) ** 2), 'squares holds other numbers'\n")
    leaky = HIDDEN.format(points=0) + (
        "def test_q1_told(squares):\n    import numpy as np\n"
        "    assert np.array_equal(squares, np.arange(5) ** 2), 'squares should be np.arange(5) ** 2'\n")
    q1_tests = [shape_check, leaky] if weak else [PUBLIC_NO_POINTS + shape_check, value_check]
    call_check = ("def test_q2_calls(double):\n    import numpy as np\n"
                  "    assert double(np.arange(3)).tolist() == [0, 2, 4], 'double(x) should double x'\n")
    unseen = HIDDEN.format(points=1) + (
        "def test_q2_unseen(double):\n    import numpy as np\n"
        "    x = np.random.default_rng(7).integers(0, 9, size=4)\n"
        "    assert np.array_equal(double(x), 2 * x), 'double fails on an unseen array'\n")
    q2_tests = [call_check] if weak else [PUBLIC_NO_POINTS + call_check, HIDDEN.format(points=1) + call_check,
                                          unseen]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_raw_cell(CONFIG), nbformat.v4.new_code_cell("import numpy as np"),
                *_question("q1", "Squares of 0 to 4.", "squares = np.arange(5) ** 2  # SOLUTION", q1_tests),
                *_question("q2", "A function that doubles.", "def double(x):\n    return 2 * x  # SOLUTION", q2_tests)]
    (tmp_path / "solutions").mkdir(parents=True)
    nbformat.write(nb, tmp_path / "solutions" / "tiny.ipynb")
    course = Course(tmp_path)
    build_lab(course, "tiny")
    return course


@pytest.mark.slow
def test_a_weak_lab_has_holes_and_a_strong_one_passes(tmp_path):
    weak = audit_lab(tiny_course(tmp_path / "weak", weak=True), "tiny")
    q1, q2 = weak.questions
    assert "`squares` zeros" in q1.holes and q1.non_answer_share == 1.0
    assert "`double` ignores its input (returns what its first call returned)" in q2.holes
    assert not weak.passed and any("wrong answer earns full marks" in p for p in weak.problems)
    assert any(p.startswith("q1: a hidden message leaks the answer") and "np.arange(5)**2" in p for p in weak.problems)
    strong = audit_lab(tiny_course(tmp_path / "strong", weak=False), "tiny")
    assert strong.passed, strong.problems
    assert [q.holes for q in strong.questions] == [(), ()] and strong.non_answer_share == 0
    cli = subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(tmp_path / "weak"), "audit", "tiny",
                          "--json"], capture_output=True, text=True)
    assert cli.returncode == 1 and json.loads(cli.stdout)[0]["questions"][0]["non_answer_share"] == 1.0


@pytest.mark.slow
@pytest.mark.parametrize("lab", Course.find().lab_names())
def test_every_lab_passes_its_audit(course, lab):
    report = audit_lab(course, lab)
    assert report.passed, "\n".join(report.problems)


def test_leak_guard_finds_answers_and_solution_expressions_in_messages():
    from autograder.audit.leaks import expression_secrets, leaks, value_secrets

    secrets = value_secrets({"batches": 118, "rate": 0.0125, "key": "val_accuracy", "rank": 3, "shape": (1797, 8, 8)},
                            ["batches", "rate", "key", "rank", "shape"])
    secrets += expression_secrets("corner = photos[:, :14, 14:]\ndef f(n, b):\n    return -(-n // b) * 1\nk = 2")
    assert leaks(["`batches` is 117, one less than 118."], secrets)
    assert leaks(["use `photos[:,:14, 14:]` instead"], secrets)
    assert leaks(["the key is 'val_accuracy'"], secrets)
    assert leaks(["it should be (1797, 8, 8)"], secrets)
    assert leaks(["the rate is 0.0125"], secrets)
    assert leaks(["`f` should give -(-n // b) * 1"], secrets)
    clean = ["`batches` is 1180, which is not the right value.", "axis 3 is off by one", "batch 118.5 of data",
             "`corner` holds the wrong rows: the rows of the top half come before the middle."]
    assert leaks(clean, secrets) == []
    own_line = ("The cell that sets `corner` raised NameError: name 'photos' is not defined at "
                "`corner = photos[:, :14, 14:]`; the rest of that cell did not run. Check the cells above.")
    assert leaks([own_line], secrets) == []


def test_another_questions_value_equal_up_to_rounding_is_not_a_wrong_answer():
    right = np.linspace(0, 1, 6, dtype="float32")
    labels = [w.label for w in wrong_answers("manual_out", right, {"keras_out": right + 6e-8, "other": right + 1})]
    assert "another question's value (`other`)" in labels
    assert "another question's value (`keras_out`)" not in labels
