"""The student's side: what runs in a student's own Jupyter kernel, next to the public checks.

``autograder build`` copies this module into every lab's folder (``labs/LAB/autograder/student.py``), where the
generated ``__init__`` calls :func:`install_messages` the first time a check imports the feedback library. It
imports nothing of the package, so the copy works with stock otter-grader alone. Two things:

- :func:`install_messages`: a failing check shows its own message, never otter's ``Error at line N`` with the
  check's source line (which reads as if it held the answer);
- :func:`export_notebook`: the hand-in zip of the notebook the student is working in, whatever its name.

Nothing here raises: the hand-in cell also runs inside the grader's sandbox, where there is no notebook file.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

_MARK = "_autograder_message_only"
"""Set on the replacement method, so installing twice patches once."""
STAMP = "%Y_%m_%dT%H_%M_%S_%f"
"""otter's export timestamp. As in otter's own ``LAB_<stamp>.zip``, the intake orders a student's hand-ins by it and,
the name starting with ``LAB_``, takes the student from the LMS's name for the upload or from the folder."""


def check_message(excp: BaseException) -> str:
    """What a failing check shows: an assertion's own message, any other exception as ``Type: message``."""
    if isinstance(excp, AssertionError):
        return str(excp).strip() or "This check failed."
    return f"{type(excp).__name__}: {str(excp).strip(chr(39))}"


def install_messages() -> bool:
    """Make otter's exception-based checks show :func:`check_message`; False (nothing changed) when this
    otter-grader has no ``ExceptionTestFile._generate_error_message`` to replace."""
    try:
        from otter.test_files import exception_test
    except Exception:
        return False
    cls = getattr(exception_test, "ExceptionTestFile", None)
    current = getattr(cls, "_generate_error_message", None)
    if not callable(current):
        return False
    if getattr(current, _MARK, False):
        return True

    def _generate_error_message(self: Any, excp: BaseException, context: int = 0) -> str:
        return check_message(excp)

    setattr(_generate_error_message, _MARK, True)
    _generate_error_message.__wrapped__ = current  # type: ignore[attr-defined]
    cls._generate_error_message = _generate_error_message  # type: ignore[union-attr]
    return True


def _user_namespace() -> Mapping[str, Any]:
    """The IPython kernel's user namespace, or an empty one outside IPython."""
    try:
        from IPython import get_ipython
    except Exception:
        return {}
    shell = get_ipython()
    namespace = getattr(shell, "user_ns", None)
    return namespace if isinstance(namespace, Mapping) else {}


def _existing(hint: Any, folder: Path) -> Path | None:
    """The notebook file a front end's hint names (absolute, relative to ``folder``, or by name in it)."""
    if not isinstance(hint, str) or not hint.strip().endswith(".ipynb"):
        return None
    named = Path(hint.strip()).expanduser()
    for path in (named, folder / named, folder / named.name):
        if path.is_absolute() and path.is_file():
            return path
    return None


def find_notebook(
    folder: Path, namespace: Mapping[str, Any], environ: Mapping[str, str]
) -> tuple[Path | None, str]:
    """The notebook being worked in, and how it was found (empty when a front end named it).

    JupyterLab and Notebook 7 name it in ``__session__`` and ``JPY_SESSION_NAME``, VS Code in
    ``__vsc_ipynb_file__``; otherwise it is the only, or the most recently saved, ``.ipynb`` in ``folder``.
    """
    folder = folder.resolve()
    hints = (namespace.get("__session__"), environ.get("JPY_SESSION_NAME"), namespace.get("__vsc_ipynb_file__"))
    for hint in hints:
        if (path := _existing(hint, folder)) is not None:
            return path, ""
    notebooks = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    if not notebooks:
        return None, f"there is no notebook (.ipynb file) in {folder}"
    if len(notebooks) == 1:
        return notebooks[0], "the only notebook in this folder"
    latest = max(notebooks, key=lambda p: (p.stat().st_mtime, p.name))
    return latest, f"the most recently saved of the {len(notebooks)} notebooks in this folder"


def lab_of(notebook: Path) -> str:
    """The lab a notebook was handed out for (otter's metadata), else the notebook's own name."""
    try:
        name = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["otter"]["assignment_name"]
    except Exception:
        name = None
    text = str(name) if isinstance(name, str) and name.strip() else notebook.stem
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text.strip())


def _write_zip(notebook: Path, now: datetime) -> Path:
    target = notebook.with_name(f"{lab_of(notebook)}_handin_{now.strftime(STAMP)}.zip")
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, strict_timestamps=False) as archive:
            archive.write(notebook, notebook.name)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def export_notebook(
    folder: str | os.PathLike[str] | None = None, *, now: Callable[[], datetime] = datetime.now
) -> None:
    """Zip the notebook being worked in as ``LAB_handin_<time>.zip`` beside it and print where (save it first);
    print why not when there is nothing to zip. Never raises, and returns nothing for the cell to show."""
    try:
        notebook, how = find_notebook(Path(folder) if folder is not None else Path.cwd(), _user_namespace(),
                                      os.environ)
        if notebook is None:
            print(f"Nothing to hand in: {how}. Run this cell in the notebook itself, after saving it.")
            return
        saved = datetime.fromtimestamp(notebook.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
        target = _write_zip(notebook, now())
        taken = f" ({how})" if how else ""
        print(f"Zipped {notebook.name}{taken}, as last saved at {saved}, into\n  {target}\n"
              "Hand in that zip file. Changed something since? Save, and run this cell again.")
    except Exception as exc:
        print(f"Could not write the hand-in zip ({type(exc).__name__}: {exc}). Save the notebook and hand in "
              "the .ipynb file itself.")
