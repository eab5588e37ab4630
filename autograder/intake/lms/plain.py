"""The fallback for files no LMS named: the student is the file's stem, or its folder for a file named after the
lab; otter's export timestamp (``lab01-tensors_2024_03_04T10_00_00_000000.zip``) orders a student's files."""

from __future__ import annotations

import re
from pathlib import Path

from autograder.intake.notebook import student_name
from autograder.intake.scheme import Listing, LmsScheme
from autograder.model import Candidate, Source

_OTTER_TS = re.compile(r"_(\d{4})_(\d\d)_(\d\d)T(\d\d)_(\d\d)_(\d\d)(?:_(\d+))?")


def identify(path: Path, _name: str, folder: Listing) -> Candidate:
    """Any file, named by its stem or folder."""
    stamp = _OTTER_TS.search(path.stem)
    attempt = "{}-{}-{}T{}:{}:{}.{}".format(*stamp.groups(default="0")) if stamp else ""
    return Candidate(path, student_name(path, folder.lab), None, None, None, Source.FILE, path.name, attempt)


SCHEME = LmsScheme(
    source=Source.FILE,
    export_module="csv_plain",
    roster_keys=(
        ("username", "student"),
        ("local", "student"),
        ("sis_id", "student"),
        ("lms_id", "student"),
        ("name", "student"),
        ("slug", "student"),
        ("name", "display_name"),
    ),
    identify=identify,
)
