"""The naming schemes of the LMSs whose downloads intake reads, one module each, in ONE registry.

Each module holds everything the grader knows about one LMS's files: how its download names them (and what a
folder of them says together), which roster columns its names can be matched on, and which module of
``autograder/export/`` writes its grade import. A new LMS is a module here and an entry in ``SCHEMES``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from autograder.intake.discover import is_gradable, latest_per_student, scan
from autograder.intake.lms import blackboard, canvas, moodle, plain
from autograder.intake.lms.blackboard import parse_receipt_date
from autograder.intake.scheme import LmsScheme
from autograder.intake.workspace import Extraction, Workspace
from autograder.model import Candidate, Source

SCHEMES: tuple[LmsScheme, ...] = (moodle.SCHEME, blackboard.SCHEME, canvas.SCHEME, plain.SCHEME)
"""In the order a file's name is tried: the most telling patterns first, plain files (which fit any name) last."""

_BY_SOURCE = {scheme.source: scheme for scheme in SCHEMES}


def scheme_for(source: Source) -> LmsScheme:
    """The scheme that names files as ``source`` says."""
    return _BY_SOURCE[Source(source)]


def discover(paths: Sequence[Path], workdir: Path | Workspace, lab: str) -> list[Candidate]:
    """Every submission in ``paths``, in a stable order; raises IntakeError for a missing path or corrupt zip given.

    Archives are extracted into ``workdir``: a folder the caller keeps (candidates then point at the extracted
    files), or a batch's :class:`Workspace` (candidates from archives are then named ``download.zip!member``).
    """
    return scan(paths, workdir if isinstance(workdir, Workspace) else Extraction(workdir), lab, SCHEMES)


__all__ = [
    "SCHEMES",
    "LmsScheme",
    "discover",
    "is_gradable",
    "latest_per_student",
    "parse_receipt_date",
    "scheme_for",
]
