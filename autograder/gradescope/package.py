"""Build a lab's Gradescope autograder zip: setup script, entry point, our package source, the lab's checks.

The zip holds exactly::

    setup.sh              run once when Gradescope builds the image (root): venv, packages, user ``student``
    run_autograder        run for every submission (root): python -m autograder.gradescope.run
    package/              pyproject.toml, README.md and the ``autograder`` package source
    bundle/               manifest.json, tests/ (all checks, hidden ones included), public_tests/

and never the solution notebook. Entries are sorted and carry fixed timestamps and modes, so building an
unchanged lab twice gives identical bytes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import autograder
from autograder.labs import Course, LabBundle, bundle_entries, shipped_files

TEMPLATES = Path(__file__).resolve().parent / "templates"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
"""The earliest time a zip entry can carry."""
EXECUTABLES = frozenset({"setup.sh", "run_autograder"})
PACKAGE_DIR, BUNDLE_DIR = "package", "bundle"


class PackageError(Exception):
    """The zip cannot be built (the package source is not available)."""


def zip_name(lab: str) -> str:
    return f"{lab}-gradescope.zip"


def source_root(course: Course) -> Path:
    """The folder holding ``pyproject.toml`` and the ``autograder`` package being shipped."""
    for root in (Path(autograder.__file__).resolve().parent.parent, course.root):
        if (root / "pyproject.toml").is_file() and (root / "autograder" / "__init__.py").is_file():
            return root
    raise PackageError("the Gradescope zip needs the autograder source (pyproject.toml beside the package)")


def zip_entries(course: Course, bundle: LabBundle) -> dict[str, bytes]:
    """Name to content of every entry of the lab's zip."""
    root = source_root(course)
    entries = {name: (TEMPLATES / name).read_bytes() for name in sorted(EXECUTABLES)}
    for name in ("pyproject.toml", "README.md"):
        if (root / name).is_file():
            entries[f"{PACKAGE_DIR}/{name}"] = (root / name).read_bytes()
    entries.update(shipped_files(root / "autograder", f"{PACKAGE_DIR}/autograder"))
    entries.update(bundle_entries(bundle, f"{BUNDLE_DIR}/"))
    return entries


def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.create_system = 3  # Unix, so that the modes below are honoured when unzipping
    mode = 0o755 if name in EXECUTABLES else 0o644
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def make_gradescope_zip(course: Course, bundle: LabBundle, out: Path) -> Path:
    """Write the lab's Gradescope autograder zip; ``out`` is the zip's path or a folder for ``LAB-gradescope.zip``."""
    path = out if out.suffix == ".zip" else out / zip_name(bundle.lab)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = zip_entries(course, bundle)
    partial = path.with_name(f".{path.name}.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(entries):
            archive.writestr(_info(name), entries[name], compresslevel=9)
    partial.replace(path)
    return path
