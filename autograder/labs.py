"""Where a course's labs live, and the grading bundle of one lab as the grader needs it."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from autograder.model import Question

MANIFEST_VERSION = 1
_SKIPPED_SUFFIXES = frozenset({".pyc", ".pyo", ".ipynb"})
"""Never shipped: byte code, and notebooks (a solution must not end up in a shipped bundle by accident)."""


class LabNotFound(Exception):
    """No master notebook of that name in the course."""


@dataclass(frozen=True)
class Course:
    """A course folder: ``solutions/`` masters, ``labs/`` student copies, ``dist/`` grading bundles."""

    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Course:
        """The course folder: $AUTOGRADER_COURSE, else the nearest folder upwards holding ``solutions/``."""
        if env := os.environ.get("AUTOGRADER_COURSE"):
            return cls(Path(env).resolve())
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "solutions").is_dir():
                return cls(folder)
        return cls(here)

    def lab_names(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "solutions").glob("*.ipynb"))

    def master(self, lab: str) -> Path:
        path = self.root / "solutions" / f"{lab}.ipynb"
        if not path.is_file():
            known = ", ".join(self.lab_names()) or "none"
            raise LabNotFound(f"no lab named {lab!r} (known labs: {known})")
        return path

    def student_dir(self, lab: str) -> Path:
        return self.root / "labs" / lab

    def support_source(self, lab: str) -> Path:
        """``solutions/LAB/``: Python modules beside the master that only the lab's checks import."""
        return self.root / "solutions" / lab

    def dist_dir(self, lab: str) -> Path:
        return self.root / "dist" / lab


@dataclass(frozen=True)
class LabBundle:
    """What grading one lab needs, written by ``autograder build`` as ``dist/LAB/manifest.json``."""

    lab: str
    version: str
    """Hash of the master notebook the bundle was built from."""
    questions: tuple[Question, ...]
    names: tuple[str, ...]
    """Globals the checks take as parameters; ``*`` means the whole namespace."""
    tests_dir: Path
    """All checks, hidden ones included. Never mounted into a student's sandbox."""
    public_tests_dir: Path
    preload: tuple[str, ...] = ()
    """Modules imported (and seeded) before the student's code runs, e.g. ``keras``."""

    @property
    def support_dir(self) -> Path:
        """The lab's own feedback helpers (``solutions/LAB/*.py``), importable by its hidden checks."""
        return self.tests_dir.parent / "support"

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)

    def test_files(self, public_only: bool = False) -> list[Path]:
        folder = self.public_tests_dir if public_only else self.tests_dir
        return [folder / f"{q.name}.py" for q in self.questions if (folder / f"{q.name}.py").is_file()]

    def write(self, path: Path) -> None:
        data = asdict(self) | {"manifest_version": MANIFEST_VERSION}
        data["tests_dir"] = os.path.relpath(self.tests_dir, path.parent)
        data["public_tests_dir"] = os.path.relpath(self.public_tests_dir, path.parent)
        path.write_text(json.dumps(data, indent=2) + "\n")

    @classmethod
    def read(cls, path: Path) -> LabBundle:
        data = json.loads(path.read_text())
        return cls(
            lab=data["lab"],
            version=data["version"],
            questions=tuple(Question(q["name"], float(q["points"])) for q in data["questions"]),
            names=tuple(data["names"]),
            tests_dir=(path.parent / data["tests_dir"]).resolve(),
            public_tests_dir=(path.parent / data["public_tests_dir"]).resolve(),
            preload=tuple(data.get("preload", ())),
        )


def _shipped(path: Path, top: Path) -> bool:
    parts = path.relative_to(top).parts
    hidden = any(p.startswith(".") or p == "__pycache__" for p in parts)
    return path.is_file() and not path.is_symlink() and not hidden and path.suffix not in _SKIPPED_SUFFIXES


def shipped_files(top: Path, prefix: str) -> dict[str, bytes]:
    """Every file below ``top`` that may leave this machine, named ``prefix/relative/path``, sorted."""
    return {f"{prefix}/{p.relative_to(top).as_posix()}": p.read_bytes()
            for p in sorted(top.rglob("*")) if _shipped(p, top)}


def _portable_manifest(bundle: LabBundle) -> bytes:
    """The bundle's manifest with its test folders relative to the bundle's own folder."""
    with tempfile.TemporaryDirectory(prefix="autograder-manifest-") as tmp:
        here = Path(tmp)
        replace(bundle, tests_dir=here / "tests", public_tests_dir=here / "public_tests").write(here / "manifest.json")
        return (here / "manifest.json").read_bytes()


def bundle_entries(bundle: LabBundle, prefix: str = "") -> dict[str, bytes]:
    """What grading the lab elsewhere needs (manifest, every check, the lab's support modules), by relative name.

    ``LabBundle.read(prefix + "manifest.json")`` reads it back once the entries are written out as files."""
    entries = {f"{prefix}manifest.json": _portable_manifest(bundle)}
    entries.update(shipped_files(bundle.tests_dir, f"{prefix}tests"))
    entries.update(shipped_files(bundle.public_tests_dir, f"{prefix}public_tests"))
    if bundle.support_dir.is_dir():
        entries.update(shipped_files(bundle.support_dir, f"{prefix}support"))
    return entries
