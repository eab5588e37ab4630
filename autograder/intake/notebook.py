"""Turn a file handed in by a student into the code cells to run, or a one-line reason why not."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
_OTTER_LINE = re.compile(r"^(\s*)(import otter\b.*|grader\s*=\s*otter\..*|grader\.(check|check_all|export)\(.*)$")


class IntakeError(Exception):
    """The file cannot be graded; the message is one line meant for the instructor and the student."""


@dataclass(frozen=True)
class Submission:
    """A readable notebook for the expected lab."""

    path: Path
    student: str
    lab: str
    cells: tuple[str, ...]
    """Code cell sources, in order, with otter's own calls (grader.check, ...) taken out."""


def student_name(path: Path, lab: str) -> str:
    """The student's identity from the file name; the folder name when the file is just named after the lab."""
    stem = path.stem
    if stem == lab or stem.startswith(f"{lab}_") or stem.startswith(f"{lab}-20"):
        return path.parent.name
    return stem


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise IntakeError(f"{path.name}: no such file")
    if path.is_dir():
        raise IntakeError(f"{path.name}: is a folder, not a notebook")
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise IntakeError(f"{path.name}: larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
    if zipfile.is_zipfile(path):
        return _notebook_from_zip(path)
    return path.read_bytes()


def _notebook_from_zip(path: Path) -> bytes:
    """The single notebook inside a ``grader.export()`` zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.endswith(".ipynb") and not m.is_dir()]
            members = [m for m in members if "__MACOSX" not in m.filename and ".ipynb_checkpoints" not in m.filename]
            if len(members) != 1:
                raise IntakeError(f"{path.name}: the zip holds {len(members)} notebooks, expected exactly one")
            if members[0].file_size > MAX_NOTEBOOK_BYTES:
                raise IntakeError(f"{path.name}: the notebook inside is too large")
            return archive.read(members[0])
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise IntakeError(f"{path.name}: unreadable zip ({exc})") from exc


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
    return _parse(path.name, _read_bytes(path))


def load_submission(path: Path, lab: str) -> Submission:
    """Read ``path`` as a submission for ``lab``; raises IntakeError with a one-line reason."""
    nb = read_notebook(path)
    found = notebook_lab(nb)
    if found is not None and found != lab:
        raise IntakeError(f"{path.name}: this notebook belongs to {found}, not {lab}")
    cells = tuple(strip_otter_calls(cell.source) for cell in nb.cells if cell.get("cell_type") == "code")
    return Submission(path=path, student=student_name(path, lab), lab=lab, cells=cells)
