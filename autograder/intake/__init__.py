"""Intake stage: find submissions in what the instructor downloaded, and read each notebook."""

from autograder.intake.notebook import (
    IntakeError,
    Submission,
    load_submission,
    notebook_lab,
    read_notebook,
    strip_otter_calls,
    student_name,
)

__all__ = [
    "IntakeError",
    "Submission",
    "load_submission",
    "notebook_lab",
    "read_notebook",
    "strip_otter_calls",
    "student_name",
]
