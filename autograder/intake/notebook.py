"""Turn a file handed in by a student into the code cells to run, or a one-line reason why not."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nbformat

from autograder.intake import archive, workspace
from autograder.intake.errors import IntakeError
from autograder.model import Candidate, Received, Source

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
_OTTER_LINE = re.compile(r"^(\s*)(import otter\b.*|grader\s*=\s*otter\..*|grader\.(check|check_all|export)\(.*)$")


def student_name(path: Path, lab: str) -> str:
    """The student's identity from the file name; the folder name when the file is just named after the lab."""
    stem = path.stem
    if stem == lab or stem.startswith(f"{lab}_") or stem.startswith(f"{lab}-20"):
        return path.parent.name
    return stem


def _read_file(named: Path) -> bytes:
    """The content of the file ``named`` (the extracted file, for a ``download.zip!member`` name of a batch)."""
    path = workspace.resolve(named)
    if not path.exists():
        raise IntakeError(f"{named.name}: no such file")
    if path.is_dir():
        raise IntakeError(f"{named.name}: is a folder, not a notebook")
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise IntakeError(f"{named.name}: larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IntakeError(f"{named.name}: cannot be read ({exc.strerror or exc})") from exc


def _notebook_bytes(path: Path, data: bytes) -> bytes:
    """The notebook in a file's content: the content itself, or the single notebook of an export zip."""
    return _notebook_from_zip(path, data) if archive.is_zip(data) else data


def _notebook_from_zip(path: Path, data: bytes) -> bytes:
    """The single notebook among the entries of a ``grader.export()`` zip that safe extraction would keep."""
    with archive.open_zip(path, data) as opened:
        notebooks = [m for m in archive.members(path, opened) if m.parts[-1].endswith(".ipynb")]
        if len(notebooks) != 1:
            raise IntakeError(f"{path.name}: the zip holds {len(notebooks)} notebooks{_listed(notebooks)}, expected "
                              "exactly one: a zip handed in is one submission (a notebook, or the zip grader.export() "
                              "writes), never split among students")
        if notebooks[0].info.file_size > MAX_NOTEBOOK_BYTES:
            raise IntakeError(f"{path.name}: the notebook inside is too large")
        return opened.read(notebooks[0].info)


def _listed(members: list[archive.Member], shown: int = 3) -> str:
    """`` (a.ipynb, b/c.ipynb, ...)``: the first few entries, for a message."""
    if not members:
        return ""
    names = [m.path if len(m.path) <= 80 else f"{m.path[:77]}..." for m in members[:shown]]
    return f" ({', '.join(names)}{', ...' if len(members) > shown else ''})"


def _parse(name: str, data: bytes) -> nbformat.NotebookNode:
    if not data.strip():
        raise IntakeError(f"{name}: the file is empty")
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:
        raise IntakeError(f"{name}: not a Jupyter notebook ({type(exc).__name__})") from exc
    if not isinstance(nb.get("cells"), list):
        raise IntakeError(f"{name}: not a Jupyter notebook (no cells)")
    return nb


def notebook_lab(nb: nbformat.NotebookNode) -> str | None:
    """The lab a notebook was generated for, from otter's metadata."""
    otter = nb.get("metadata", {}).get("otter", {})
    name = otter.get("assignment_name") if isinstance(otter, dict) else None
    return str(name) if name else None


def strip_otter_calls(source: str) -> str:
    """Replace otter's own calls by ``pass``: the grader runs the checks, not the notebook."""
    return "\n".join(_OTTER_LINE.sub(r"\1pass", line) for line in source.splitlines())


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook file or ``grader.export()`` zip; raises IntakeError with a one-line reason."""
    return _parse(path.name, _notebook_bytes(path, _read_file(path)))


def code_cells(path: Path, data: bytes, lab: str) -> tuple[str, ...]:
    """The code cells of a submission's content for ``lab``; raises IntakeError with a one-line reason."""
    nb = _parse(path.name, _notebook_bytes(path, data))
    found = notebook_lab(nb)
    if found is not None and found != lab:
        raise IntakeError(f"{path.name}: this notebook belongs to {found}, not {lab}")
    return tuple(strip_otter_calls(cell.source) for cell in nb.cells if cell.get("cell_type") == "code")


def receive(candidate: Candidate, lab: str) -> Received:
    """Read a candidate's file once: hash it and take out its code cells, or say why it cannot be graded."""
    path = candidate.path
    try:
        data = _read_file(path)
    except IntakeError as exc:
        return Received(candidate, "", problem=str(exc))
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        return Received(candidate, sha256, code_cells(path, data, lab))
    except IntakeError as exc:
        return Received(candidate, sha256, problem=str(exc))


def file_candidate(path: Path, lab: str) -> Candidate:
    """A file given on its own (not from an LMS download): identity from its name."""
    return Candidate(path, student_name(path, lab), None, None, None, Source.FILE, path.name, "")
