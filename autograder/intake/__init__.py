"""Intake stage: find submissions in what the instructor downloaded, and read each file once."""

from autograder.intake.errors import IntakeError
from autograder.intake.notebook import (
    code_cells,
    file_candidate,
    notebook_lab,
    read_notebook,
    receive,
    strip_otter_calls,
    student_name,
)

__all__ = [
    "IntakeError",
    "code_cells",
    "file_candidate",
    "notebook_lab",
    "read_notebook",
    "receive",
    "strip_otter_calls",
    "student_name",
]
