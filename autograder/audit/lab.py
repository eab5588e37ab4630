"""What the audit needs to know about a lab: its questions' answer names, check parameters and authored mutants."""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat
from otter.test_files import ExceptionTestFile

from autograder.audit.mutants import Mutant, Where
from autograder.labs import Course, LabBundle
from autograder.notebooks import answer_cells


class AuditError(Exception):
    """The lab cannot be audited as it is (a broken audit file, a question without answer cell)."""


@dataclass(frozen=True)
class QuestionInfo:
    name: str
    points: float
    answer_cell: int
    """Index of the question's answer cell in the solution notebook."""
    answers: tuple[str, ...]
    """Names the answer cell binds that the question's checks read."""
    reads: frozenset[str]
    """Every name the question's checks take as parameters (answers of other questions included)."""


def _bound(source: str) -> list[str]:
    """Names a cell assigns, defines or changes in place (``x[...] = ...``), in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[str] = []

    def add(target: ast.expr) -> None:
        while isinstance(target, (ast.Subscript, ast.Attribute)):
            target = target.value
        if isinstance(target, ast.Name) and target.id not in found:
            found.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for item in target.elts:
                add(item)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                add(target)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            add(node.target)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name not in found:
            found.append(node.name)
    return found


def _check_parameters(path: Path) -> frozenset[str]:
    test_file = ExceptionTestFile.from_file(str(path))
    return frozenset(p for case in test_file.test_cases for p in case.body._get_func_params())


def questions(course: Course, bundle: LabBundle) -> tuple[QuestionInfo, ...]:
    """Each question with its answer cell and names, in the lab's order."""
    solution = nbformat.read(course.dist_dir(bundle.lab) / "solution.ipynb", as_version=4)
    cells = answer_cells(solution)
    found = []
    for q in bundle.questions:
        if q.name not in cells:
            raise AuditError(f"{bundle.lab}: question {q.name} has no answer cell before its grader.check cell")
        reads = _check_parameters(bundle.tests_dir / f"{q.name}.py")
        bound = _bound(solution.cells[cells[q.name]].source)
        answers = tuple(n for n in bound if n in reads) or tuple(bound)
        found.append(QuestionInfo(q.name, q.points, cells[q.name], answers, reads))
    return tuple(found)


def audit_file(course: Course, lab: str) -> Path:
    return course.root / "solutions" / f"{lab}.audit.toml"


def authored(course: Course, lab: str, known: set[str]) -> list[Mutant]:
    """The lab author's mutants and variants from ``solutions/LAB.audit.toml`` (none when there is no file)."""
    path = audit_file(course, lab)
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AuditError(f"{path.name}: {exc}") from exc
    found = []
    for kind in ("mutant", "variant"):
        for number, entry in enumerate(data.get(kind, []), start=1):
            found.append(_entry(path, kind, number, entry, known))
    return found


def _entry(path: Path, kind: str, number: int, entry: dict, known: set[str]) -> Mutant:
    where = f"{path.name}: {kind} {number}"
    missing = [k for k in ("name", "question", "code") if not isinstance(entry.get(k), str) or not entry[k].strip()]
    if missing:
        raise AuditError(f"{where} needs {', '.join(missing)}")
    if entry["question"] not in known:
        raise AuditError(f"{where}: no question {entry['question']!r} in this lab")
    placement = entry.get("where", Where.END)
    if placement not in (Where.END, Where.ANSWER):
        raise AuditError(f"{where}: where must be {Where.END!r} or {Where.ANSWER!r}")
    return Mutant(entry["name"].strip(), entry["question"], entry["code"], frozenset(_bound(entry["code"])),
                  where=placement, variant=kind == "variant", authored=True)
