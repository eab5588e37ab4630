"""Grade every wrong answer and variant of a lab with the real grader, packed into as few notebooks as is safe."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from autograder import transport
from autograder.audit.lab import QuestionInfo, authored, questions
from autograder.audit.leaks import expression_secrets, value_secrets
from autograder.audit.mutants import Mutant, Where, generated
from autograder.audit.report import AuditReport, MutantOutcome, summarise
from autograder.build import bundle_for
from autograder.execute.warm import SandboxFactory
from autograder.grade import Grader
from autograder.intake import file_candidate, receive
from autograder.labs import Course, LabBundle
from autograder.model import CellStatus, ExecutionStatus, Limits, SubmissionResult

log = logging.getLogger(__name__)
PRELUDE = "import numpy as _np\n"
"""Every audit cell may use NumPy, whatever the notebook imported."""


@dataclass(frozen=True)
class Pack:
    """Mutants that share one graded notebook: none of them touches a name another's question reads."""

    mutants: tuple[Mutant, ...]

    def accepts(self, mutant: Mutant, info: dict[str, QuestionInfo]) -> bool:
        if mutant.where == Where.ANSWER or any(m.where == Where.ANSWER for m in self.mutants):
            return not self.mutants
        for other in self.mutants:
            if other.question == mutant.question:
                return False
            if mutant.names & info[other.question].reads or other.names & info[mutant.question].reads:
                return False
        return True


def pack(mutants: Sequence[Mutant], info: dict[str, QuestionInfo]) -> list[Pack]:
    """Greedy packing; right-answer variants never share a notebook with wrong answers."""
    variants = [m for m in mutants if m.variant]
    return _pack([m for m in mutants if not m.variant], info) + _pack(variants, info)


def _pack(mutants: Sequence[Mutant], info: dict[str, QuestionInfo]) -> list[Pack]:
    packs: list[list[Mutant]] = []
    for mutant in mutants:
        for members in packs:
            if Pack(tuple(members)).accepts(mutant, info):
                members.append(mutant)
                break
        else:
            packs.append([mutant])
    return [Pack(tuple(members)) for members in packs]


def solution_values(bundle: LabBundle, solution: Path, names: Sequence[str], limits: Limits) -> dict[str, Any]:
    """The solution's answers as data, run once in the sandbox."""
    received = receive(file_candidate(solution, bundle.lab), bundle.lab)
    factory = SandboxFactory(limits, bundle.preload, warm=False)
    try:
        with factory.session() as session:
            execution = session.run(received.cells, tuple(names), bundle.preload)
    finally:
        factory.close()
    if execution.status != ExecutionStatus.OK:
        raise RuntimeError(f"the solution did not run: {execution.message}")
    return transport.loads(execution.raw_values)[1]


def notebook_with(solution: nbformat.NotebookNode, members: Sequence[Mutant],
                  info: dict[str, QuestionInfo]) -> tuple[nbformat.NotebookNode, dict[Mutant, int]]:
    """The solution with each mutant applied; where each mutant's code sits, as an index among code cells."""
    nb = nbformat.from_dict(solution)
    code_index = {i: n for n, i in enumerate(j for j, c in enumerate(nb.cells) if c.cell_type == "code")}
    placed: dict[Mutant, int] = {}
    for mutant in members:
        if mutant.where == Where.ANSWER:
            cell = info[mutant.question].answer_cell
            nb.cells[cell].source = PRELUDE + mutant.code
            placed[mutant] = code_index[cell]
    appended = len(code_index)
    for mutant in members:
        if mutant.where == Where.END:
            cell = nbformat.v4.new_code_cell(PRELUDE + mutant.code)
            if nb.nbformat_minor < 5:
                del cell["id"]
            nb.cells.append(cell)
            placed[mutant] = appended
            appended += 1
    return nb, placed


def _outcome(mutant: Mutant, placed: int, result: SubmissionResult, info: dict[str, QuestionInfo]) -> MutantOutcome:
    """What one mutant did; ``lost`` counts only the questions it can affect (its own, and those reading it)."""
    cell = next((c for c in result.cells if c.index == placed), None)
    applied = cell is not None and cell.status == CellStatus.OK
    scores = {q.name: (q.score, q.max_score) for q in result.questions}
    score, points = scores.get(mutant.question, (0.0, 0.0))
    reach = {q for q, i in info.items()
             if q == mutant.question or mutant.names & i.reads or mutant.where == Where.ANSWER}
    lost = tuple(sorted(q for q, (s, m) in scores.items() if s < m - 1e-9 and q in reach))
    error = "" if applied else (cell.error if cell is not None else result.message or "its cell did not run")
    messages = tuple((q.name, c.message) for q in result.questions if q.name in reach
                     for c in q.checks if c.hidden and not c.passed)
    return MutantOutcome(mutant, applied, score, points, lost, error, messages)


def _grade_all(grader: Grader, paths: Sequence[Path], jobs: int,
               on_done: Callable[[], None]) -> list[SubmissionResult]:
    def grade(path: Path) -> SubmissionResult:
        result = grader.grade_file(path)
        on_done()
        return result

    with ThreadPoolExecutor(max(1, jobs), "audit") as pool:
        return list(pool.map(grade, paths))


def audit_lab(course: Course, lab: str, *, limits: Limits | None = None, jobs: int = 2,
              on_progress: Callable[[int, int], None] = lambda done, total: None) -> AuditReport:
    """Every question's holes, non-answer share and lost variants, from grading the generated and authored mutants.

    Three more notebooks are graded: the solution (full marks), the blank student notebook (nothing) and the
    solution with every question non-answered at once (the lab's non-answer share).
    """
    limits = limits or Limits(timeout=120, grace=10)
    bundle = bundle_for(course, lab)
    info = {q.name: q for q in questions(course, bundle)}
    solution_path = course.dist_dir(lab) / "solution.ipynb"
    values = solution_values(bundle, solution_path, sorted({n for q in info.values() for n in q.answers}), limits)
    mutants = _mutants(course, lab, info, values)
    packs = pack(mutants, info)
    solution = nbformat.read(solution_path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="autograder-audit-") as tmp, Grader(bundle, limits) as grader:
        folder = Path(tmp)
        placements = []
        paths = [solution_path, course.student_dir(lab) / f"{lab}.ipynb", folder / "non-answers.ipynb"]
        nbformat.write(notebook_with(solution, [m for m in mutants if m.non_answer], info)[0], paths[2])
        for number, item in enumerate(packs):
            nb, placed = notebook_with(solution, item.mutants, info)
            paths.append(folder / f"audit-{number:03d}.ipynb")
            nbformat.write(nb, paths[-1])
            placements.append(placed)
        done: list[None] = []
        results = _grade_all(grader, paths, jobs, lambda: (done.append(None), on_progress(len(done), len(paths))))
    outcomes = [_outcome(m, placed[m], result, info) for item, placed, result in zip(packs, placements, results[3:],
                                                                                strict=True) for m in item.mutants]
    secrets = {q: value_secrets(values, i.answers) + expression_secrets(solution.cells[i.answer_cell].source)
               for q, i in info.items()}
    return summarise(bundle, info, outcomes, solution=results[0], blank=results[1], non_answers=results[2],
                     notebooks=len(paths), secrets=secrets)


def _mutants(course: Course, lab: str, info: dict[str, QuestionInfo], values: dict[str, Any]) -> list[Mutant]:
    found: list[Mutant] = []
    for q in info.values():
        answers = {n: values[n] for n in q.answers if n in values}
        others = {n: v for n, v in values.items() if n not in q.answers and n not in q.reads}
        found += generated(q.name, answers, others)
    return found + authored(course, lab, set(info))
