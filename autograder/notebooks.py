"""Where questions live in a generated student notebook, so answers can be filled in by program."""

from __future__ import annotations

import re

import nbformat

_CHECK_CALL = re.compile(r'grader\.check\("([^"]+)"\)')


def answer_cells(nb: nbformat.NotebookNode) -> dict[str, int]:
    """Index of each question's answer cell: the code cell just before its ``grader.check`` cell."""
    found: dict[str, int] = {}
    last_code = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        match = _CHECK_CALL.search(cell.source)
        if match and last_code is not None:
            found[match.group(1)] = last_code
        last_code = index
    return found


def fill_answers(nb: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``nb`` with the answer cells of the given questions replaced by the given code."""
    filled = nbformat.from_dict(nb)
    cells = answer_cells(filled)
    for question, code in answers.items():
        filled.cells[cells[question]].source = code
    return filled
