"""Export stage: scores (after the late policy) as a file each LMS imports, or our own plain csv/json.

``export_lab(book, bundle, "canvas", target=path, roster=download, late_penalty="10%/day")`` does the whole job
from the gradebook; ``export(rows, "canvas", assignment="Lab 3", max_score=10, roster_file=path, policy=...)``
renders rows already at hand. Both return an :class:`Export`: the file's bytes, the ``notices`` the CLI should
print (e.g. "Canvas will create a NEW assignment") and the number of student rows written. The library only logs
the notices. Formats and their sources: docs/lms-formats.md.

Modules: ``rows`` (row and result types, rounding), ``scoring`` (the late policy applied), ``matching`` (roster
rows and columns found), ``tables`` (CSV codec), ``plain`` (csv/json records), one module per format,
``formats`` (:func:`export`) and ``job`` (:func:`export_lab`).
"""

from __future__ import annotations

from autograder.export.formats import FILE_EXTENSIONS, FORMATS, export
from autograder.export.job import export_lab
from autograder.export.late import NO_PENALTY, LatePolicy, parse_late_policy
from autograder.export.rows import Export, Scored, ScoreRow
from autograder.export.scoring import score_rows

__all__ = [
    "FILE_EXTENSIONS",
    "FORMATS",
    "NO_PENALTY",
    "Export",
    "LatePolicy",
    "ScoreRow",
    "Scored",
    "export",
    "export_lab",
    "parse_late_policy",
    "score_rows",
]
