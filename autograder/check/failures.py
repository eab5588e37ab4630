"""Which globals a cell that raised would have set, read from its source (parsed, never run)."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from autograder.model import CellFailure, CellRecord, CellStatus

MAX_FAILURES = 200


def cell_failures(cells: Sequence[CellRecord], sources: Sequence[str]) -> tuple[CellFailure, ...]:
    """One failure per cell that raised, naming the globals its source assigns."""
    failures = []
    for record in cells:
        if record.status != CellStatus.ERROR or record.index >= len(sources):
            continue
        names = tuple(dict.fromkeys(assigned_names(sources[record.index])))
        if names:
            failures.append(CellFailure(names, record.error, record.line))
    return tuple(failures[:MAX_FAILURES])


def assigned_names(source: str) -> Iterator[str]:
    """Names bound at the top level of a cell (assignments, loops, ``with``, ``def``, ``class``, imports)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop(0)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield from ((a.asname or a.name).split(".")[0] for a in node.names)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        stack.extend(ast.iter_child_nodes(node))
