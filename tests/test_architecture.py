"""The package's shape: the sandbox boundary, one home for status words and message kinds, readable modules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "autograder"
SHARED = {"autograder.protocol", "autograder.records", "autograder.transport", "autograder.model", "autograder.text"}
"""Data-only modules both sides of the sandbox may import."""
STATUS_WORDS = {"graded", "error", "timeout", "missing", "ok", "crashed", "pending", "passed", "failed"}
MAX_LINES = 450


def modules(folder: Path = PACKAGE) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every ``autograder`` module a file imports, at any depth (function-level imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name == "autograder" or name.startswith("autograder.")}


def _allowed_inside(name: str) -> bool:
    """The package root (it only holds the version), the inside package itself and the shared data modules."""
    if name == "autograder" or name.startswith("autograder.inside"):
        return True
    return any(name == s or name.startswith(f"{s}.") for s in SHARED)


@pytest.mark.parametrize("path", modules(PACKAGE / "inside"), ids=lambda p: p.name)
def test_code_inside_the_sandbox_imports_nothing_from_the_graders_side(path):
    outside = sorted(name for name in imported(path) if not _allowed_inside(name))
    assert not outside, f"{path.name} runs beside student code but imports {outside}"


@pytest.mark.parametrize("name", ["model.py", "protocol.py", "records.py", "transport.py", "text.py"])
def test_shared_modules_depend_on_no_stage(name):
    allowed = SHARED | {"autograder"}
    uses = {n for n in imported(PACKAGE / name) if not any(n == s or n.startswith(f"{s}.") for s in allowed)}
    assert not uses, f"{name} imports {sorted(uses)}"


def test_the_model_imports_nothing_of_the_package():
    assert imported(PACKAGE / "model.py") == set()


def _status_literals(path: Path) -> list[tuple[int, str]]:
    """String constants compared against (``==``, ``in``) that are status words."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Compare):
            continue
        for side in [node.left, *node.comparators]:
            items = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
            found += [(node.lineno, item.value) for item in items
                      if isinstance(item, ast.Constant) and item.value in STATUS_WORDS]
    return found


def test_status_words_are_compared_only_through_the_models_enums():
    offenders = {str(p.relative_to(PACKAGE)): hits for p in modules() if (hits := _status_literals(p))}
    assert not offenders, f"status words as string literals: {offenders}"


def test_message_kinds_are_written_only_in_the_protocol():
    offenders = []
    for path in modules():
        if path.name == "protocol.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "op" for k in node.keys):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, f"hand-built messages: {offenders}"


def test_no_module_is_over_the_size_limit():
    long = {str(p.relative_to(PACKAGE)): n for p in modules() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


LAB_FACTS = re.compile(r"load_digits|digits_split|\blab0\d|ten classes|n_classes: int = 10|cut_tiles|1797|60000")


def test_the_feedback_library_holds_no_lab_fact():
    """Facts about one lab (its data, its sizes, its set-up) live beside its checks in solutions/LAB/."""
    found = [f"{p.relative_to(PACKAGE)}:{i}" for p in (PACKAGE / "feedback").rglob("*.py")
             for i, line in enumerate(p.read_text().splitlines(), 1) if LAB_FACTS.search(line)]
    assert not found, f"lab facts in the feedback library: {found}"


def test_public_checks_import_no_lab_support_module():
    """Students get the public checks but not solutions/LAB/*.py, so a public check importing one would break."""
    root = PACKAGE.parent
    support = {p.stem for p in (root / "solutions").glob("*/*.py")}
    offenders = [str(path.relative_to(root)) for path in (root / "labs").glob("*/tests/*.py")
                 for name in support if re.search(rf"^\s*(from|import) {name}\b", path.read_text(), re.M)]
    assert not offenders, f"public checks importing a lab's support module: {offenders}"
