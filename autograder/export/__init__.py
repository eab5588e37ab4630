"""Export stage: scores (after the late policy) as a file each LMS imports, or our own plain csv/json.

``export_lab(book, bundle, "canvas", target=path, roster=download)`` does the whole job from the gradebook;
``export(rows, "canvas", assignment="Lab 3", max_score=10, roster_file=path)`` renders rows already at hand.
Each row's late penalty is the one computed when its submission was recorded (``record.late``). Both return an
:class:`Export`: the file's bytes, the ``notices`` the CLI should print (e.g. "Canvas will create a NEW
assignment") and the number of identified student rows written. A file the LMS could not import (a row
without the id it matches on, a roster that matches nobody) is refused with :class:`ExportRefused`, whose
one-line message names what is needed (bad arguments raise ``ValueError``).
``feedback_lab(book, bundle, "moodle", out_dir=path, roster=worksheet)`` writes the feedback pages and what the
LMS takes in bulk (feedback-file zips, comment columns). The library only logs the notices. Formats and their
sources: docs/lms-formats.md.

Modules: ``rows`` (row and result types, rounding, refusals), ``scoring`` (the stored lateness applied), ``matching``
(roster rows and columns found), ``tables`` (CSV codec), ``plain`` (csv/json records), one module per format
(``moodle_worksheet`` beside ``moodle``), ``formats`` (:func:`export`), ``feedback_files`` (the LMSs' feedback
bundles) and ``job`` (:func:`export_lab`, :func:`feedback_lab`).
"""

from __future__ import annotations

from autograder.export.feedback_files import FEEDBACK_LMS
from autograder.export.formats import FILE_EXTENSIONS, FORMATS, export
from autograder.export.job import FeedbackBundle, export_lab, feedback_lab
from autograder.export.rows import Export, ExportRefused, Scored, ScoreRow
from autograder.export.scoring import score_rows

__all__ = [
    "FEEDBACK_LMS",
    "FILE_EXTENSIONS",
    "FORMATS",
    "Export",
    "ExportRefused",
    "FeedbackBundle",
    "ScoreRow",
    "Scored",
    "export",
    "export_lab",
    "feedback_lab",
    "score_rows",
]
