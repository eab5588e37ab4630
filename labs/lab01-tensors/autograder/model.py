"""The values every stage shares: statuses, a submission's identity, its results, the sandbox's limits.

Every stage (intake, execute, check, record, feedback, export) imports its types from here, and this module
imports nothing of the package, so a type is defined once and no stage depends on another to name a value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

RESULT_SCHEMA = 1
"""Version of ``SubmissionResult.to_dict``'s JSON."""

INTERNAL_ERROR = "internal grader error"
"""Prefix of the message of a run that failed because of the grader (a full disk, say), not the submission;
such runs are graded again by the next batch."""


class Status(StrEnum):
    """How grading a submission ended."""

    GRADED = "graded"
    ERROR = "error"
    TIMEOUT = "timeout"


class RowStatus(StrEnum):
    """A student's state in an export: a grading status, or no submission at all."""

    GRADED = "graded"
    ERROR = "error"
    TIMEOUT = "timeout"
    MISSING = "missing"


class CellStatus(StrEnum):
    """What happened to one code cell."""

    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timeout"


class ExecutionStatus(StrEnum):
    """How the student's process ended its run of the cells."""

    OK = "ok"
    """It reported back (possibly after the soft deadline stopped a cell)."""
    TIMEOUT = "timeout"
    CRASHED = "crashed"


class CaseState(StrEnum):
    """A check case between probe rounds."""

    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class Source(StrEnum):
    """Which download format named a submission's file."""

    CANVAS = "canvas"
    MOODLE = "moodle"
    BLACKBOARD = "blackboard"
    FILE = "file"


class Stage(StrEnum):
    """Where a submission's grading time goes, in the order it is spent (``status --timings``)."""

    INTAKE = "intake"
    """Reading, hashing and parsing the file."""
    SANDBOX = "sandbox start"
    """Forking a warm sandbox from the zygote (or starting a cold one)."""
    SETUP = "runner setup"
    """Inside the sandbox, as the three below: limits, preloaded imports, the IPython shell."""
    CELLS = "cells"
    EXPORT = "values export"
    """Describing the values the checks read."""
    TRANSFER = "values transfer"
    """The rest of the run's round trip: encoding the values, the pipe, decoding the reply."""
    CHECKS = "checks"
    """The check process: loading and running the lab's checks, probe calls excluded."""
    PROBES = "probe calls"
    """The student's functions (and rebuilt models) called on the checks' inputs."""
    RECORD = "gradebook write"
    """Storing the run (measured per batch, not per run)."""


class ArtifactKind(StrEnum):
    HISTORY = "history"
    IMAGE = "image"


class FindingCode(StrEnum):
    """Stable kinds of diagnosis a recogniser can return."""

    ATTRIBUTE = "attribute"
    AXES_PERMUTED = "axes_permuted"
    CANDIDATE = "candidate"
    COLUMNS_REORDERED = "columns_reordered"
    DTYPE = "dtype"
    EMPTY = "empty"
    EPOCHS = "epochs"
    EXTRA_AXIS = "extra_axis"
    FIT_SETTINGS = "fit_settings"
    FLATTENED = "flattened"
    FORGOT_TRANSPOSE = "forgot_transpose"
    FROM_START = "from_start"
    LENGTH = "length"
    MISSING = "missing"
    MISSING_AXIS = "missing_axis"
    MIXED_IMAGES = "mixed_images"
    MODIFIED_THROUGH_VIEW = "modified_through_view"
    NOT_ARRAY = "not_array"
    NOT_RESHAPED = "not_reshaped"
    NO_VALIDATION = "no_validation"
    OFFSET = "offset"
    OFF_BY_ONE_SLICE = "off_by_one_slice"
    PIXEL_ORDER = "pixel_order"
    RAISED = "raised"
    REGION = "region"
    REPLACED = "replaced"
    RETURNED_NONE = "returned_none"
    SCALE = "scale"
    SCRAMBLED = "scrambled"
    SHAPE = "shape"
    SHUFFLED = "shuffled"
    SINGLE_INDEX = "single_index"
    SIZE = "size"
    STEPS = "steps"
    SUM = "sum"
    SWAPPED = "swapped"
    SWAPPED_SLICES = "swapped_slices"
    TRANSPOSED = "transposed"
    TYPE = "type"
    VALIDATION_LEAK = "validation_leak"
    VALUES = "values"


@dataclass(frozen=True)
class Finding:
    """One diagnosis of a wrong answer."""

    code: FindingCode
    """Stable kind of mistake."""
    message: str
    """One or two sentences: what is wrong (and, only when confirmed, what the student did) and what to do."""
    where: str = ""
    """Where in the value the problem shows, e.g. ``"axis 1"`` or ``"index (2, 0)"``; empty when it is the whole."""
    confirmed: bool = False
    """True when the message names a cause, and re-enacting that cause on the same inputs gave the student's value."""


def _flag(default: Any, flag: str, text: str) -> Any:
    """A limit the instructor can set on the command line: the CLI builds its option from this metadata."""
    return field(default=default, metadata={"flag": flag, "help": text})


@dataclass(frozen=True)
class Limits:
    """Resource limits for one student process; the CLI's flags and their defaults come from these fields."""

    timeout: float = _flag(60.0, "--timeout", "Wall-clock seconds a notebook may run.")
    """Wall-clock seconds for running all cells; the process is killed a grace period later."""
    call_timeout: float = 10.0
    """Wall-clock seconds for each call of a student function made by a check."""
    memory_mb: int = _flag(4096, "--memory", "Memory per notebook, MiB.")
    """Address-space limit in MiB."""
    cpu_seconds: int = _flag(300, "--cpu", "CPU seconds per notebook.")
    """CPU-time limit; a safety net behind the wall-clock timeout."""
    file_size_mb: int = _flag(64, "--file-size", "Largest file a notebook may write, MiB.")
    """Largest file the student's process may write."""
    max_processes: int = _flag(256, "--max-processes", "Processes and threads per notebook.")
    """Processes and threads the sandbox may hold at once (TensorFlow alone starts dozens of threads)."""
    output_kb: int = _flag(256, "--output-size", "Printed output kept per cell, KiB.")
    """Printed output kept per cell; the rest is counted and dropped, so a print loop cannot fill memory."""
    values_mb: int = _flag(64, "--values-size", "Largest reply (the notebook's values) the grader reads, MiB.")
    """A reply of the student's process larger than this is refused unread: the submission is an ``error``."""
    grace: float = 10.0
    """Seconds after the soft timeout before the process is killed outright."""
    run_as: tuple[int, int] | None = None
    """``(uid, gid)`` the student's process runs as when the grader is root; bwrap, if used, is started as it."""
    use_bwrap: bool = True
    """False: never use bubblewrap, even when installed (it cannot create namespaces in this container)."""


@dataclass(frozen=True)
class Question:
    name: str
    points: float


@dataclass(frozen=True)
class Candidate:
    """One file that may be a submission, with what its name or surroundings say about it."""

    path: Path
    """The notebook, zip or other file to grade (inside the work folder when it came from an archive)."""
    student: str
    """Identity key: Canvas user id (or ``anon_...``), Moodle participant id, Blackboard username, or file stem."""
    display_name: str | None
    """The name the format carries: Moodle's full name, Blackboard's receipt name, Canvas's squashed sortable name."""
    submitted_at: datetime | None
    """Timezone-aware UTC time when the format says (Blackboard), else None."""
    late: bool | None
    """Canvas's LATE flag; None when the format does not say."""
    source: Source
    """Which download format named the file."""
    original_name: str
    """The file name the student uploaded."""
    attempt: str
    """Orders one student's attempts, later sorts higher: Canvas attachment id, Blackboard timestamp, or ''."""
    aliases: tuple[str, ...] = ()
    """Other identities the file's name allows, when it alone cannot tell (a Blackboard name without its receipt:
    ``Lab_3_jane_doe`` may be user ``jane_doe`` or ``doe``); a student the gradebook or roster already knows wins."""


@dataclass(frozen=True)
class Received:
    """A candidate read once: its content's hash and its code cells, or why it cannot be graded."""

    candidate: Candidate
    sha256: str
    """SHA-256 of the file as handed in."""
    cells: tuple[str, ...] = ()
    """Code cell sources, in order, with otter's own calls (grader.check, ...) taken out."""
    problem: str | None = None
    """One line saying why the file cannot be graded (not a notebook, another lab's, ...); None when it can."""


class LateStatus(StrEnum):
    """What is known of a submission's timeliness when it is recorded."""

    NO_DUE = "no due date"
    ON_TIME = "on time"
    LATE = "late"
    """Late by a known time (from the download or the roster)."""
    FLAGGED = "flagged late"
    """The LMS marks it late (Canvas's LATE) without saying by how much."""
    UNKNOWN = "unknown"
    """A due date, but no submission time to compare it with."""


@dataclass(frozen=True)
class Lateness:
    """The one lateness computation, made when a submission is recorded and stored with it; export, feedback pages,
    status and report all read it, so none of them can disagree."""

    status: LateStatus = LateStatus.NO_DUE
    due: datetime | None = None
    submitted_at: datetime | None = None
    time_source: str = ""
    """Where ``submitted_at`` came from ("the Blackboard download", "the roster"); empty when unknown."""
    seconds: float | None = None
    """Seconds after the due date; 0 when on time; None when not known."""
    units: int = 0
    """Started days (or hours, as the policy counts) charged; a flag without a time is charged one."""
    policy: str = "none"
    """The late policy's text, as given to ``grade --late-penalty``."""
    percent: float = 0.0
    """Percentage of the maximum points the policy takes off (capped)."""
    zero: bool = False
    """Later than the policy's ``zero-after``: no points at all."""
    note: str = ""
    """What student and instructor should know (why it is unknown, a flag charged as one day), or empty."""

    @property
    def is_late(self) -> bool:
        return self.status in (LateStatus.LATE, LateStatus.FLAGGED)

    def apply(self, score: float, max_score: float) -> tuple[float, float]:
        """``(final score, penalty points)``: never below 0, never above ``score``."""
        if score <= 0 or not self.is_late:
            return score, 0.0
        if self.zero:
            return 0.0, score
        penalty = min(max_score * self.percent / 100.0, score)
        return score - penalty, penalty

    def to_dict(self) -> dict[str, Any]:
        times = {k: t.isoformat() if (t := getattr(self, k)) else None for k in ("due", "submitted_at")}
        return asdict(self) | times

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lateness:
        times = {k: datetime.fromisoformat(data[k]) if data.get(k) else None for k in ("due", "submitted_at")}
        return cls(**data | times | {"status": LateStatus(data["status"])})


@dataclass(frozen=True)
class SubmissionInfo:
    """What the gradebook knows about a submission before grading it."""

    lab: str
    student: str
    path: str
    sha256: str
    source: str = Source.FILE
    display_name: str | None = None
    original_name: str | None = None
    submitted_at: datetime | None = None
    """When it was handed in, from the download or the roster; None when neither says."""
    late: bool | None = None
    """The LMS's own late flag (Canvas's LATE); None when the download does not say."""
    attempt: str = ""
    lateness: Lateness = field(default_factory=Lateness)
    """Computed when the submission was recorded, under the lab's due date and late policy at that time."""

    def as_candidate(self) -> Candidate:
        """The stored submission as intake described it, for matching against a roster again."""
        return Candidate(Path(self.path), self.student, self.display_name, self.submitted_at, self.late,
                         Source(self.source), self.original_name or Path(self.path).name, self.attempt)


@dataclass(frozen=True)
class RunInfo:
    """How a submission was graded: versions, timing and the sandbox limits in force."""

    lab_version: str
    grader_version: str
    started_at: datetime
    finished_at: datetime
    limits: dict[str, Any]


@dataclass(frozen=True)
class CellRecord:
    """What happened to one code cell of the submission."""

    index: int
    """Position among the notebook's code cells, from 0."""
    status: CellStatus
    output: str = ""
    """The cell's printed output, truncated."""
    error: str = ""
    """One line naming the exception, when the cell failed."""
    line: str = ""
    """The student's own source line that raised, when the traceback leads back to the cell."""


@dataclass(frozen=True)
class CellFailure:
    """A cell that raised, as the checks see it: the globals it sets and the exception, as evidence."""

    names: tuple[str, ...]
    """Globals the cell assigns (read from its source, never by running it)."""
    error: str
    """``Type: message`` of the exception."""
    line: str = ""
    """The student's line that raised."""


@dataclass(frozen=True)
class Execution:
    """The result of running a submission's cells: data only."""

    status: ExecutionStatus
    """``ok`` when the runner reported back, ``timeout`` or ``crashed`` otherwise."""
    cells: tuple[CellRecord, ...] = ()
    timed_out: bool = False
    """The soft deadline stopped the cells; values from cells that ran are still present."""
    message: str = ""
    """Why the process ended abnormally, in one line."""
    raw_values: bytes = field(default=b"", repr=False)
    """The runner's ``Ran`` message body, forwarded to the check process undecoded."""
    timings: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    """Seconds per :class:`Stage` of the run: the runner's own, and the round trip's remainder."""


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one test case (one check function) of one question."""

    question: str
    name: str
    points: float
    """Points this case is worth."""
    passed: bool
    hidden: bool
    message: str
    """What the student sees: the check's own explanation, never its source."""


@dataclass(frozen=True)
class Artifact:
    """Data kept from a student's run for feedback pictures: a training history or an image tensor."""

    name: str
    """The student's variable name."""
    kind: ArtifactKind
    """``history`` (data: dict of metric name to list of floats) or ``image`` (data: a NumPy array)."""
    data: Any = field(compare=False)


@dataclass(frozen=True)
class QuestionResult:
    name: str
    score: float
    max_score: float
    checks: tuple[CaseResult, ...]


@dataclass(frozen=True)
class SubmissionResult:
    """One submission's outcome."""

    submission: str
    student: str
    lab: str
    status: Status
    score: float
    max_score: float
    message: str
    """One line explaining an ``error`` or ``timeout``; empty when grading went normally."""
    questions: tuple[QuestionResult, ...] = ()
    cells: tuple[CellRecord, ...] = ()
    duration: float = 0.0
    artifacts: tuple[Artifact, ...] = field(default=(), repr=False)
    """Histories and images from the student's values, for feedback pictures (not part of the JSON)."""
    timings: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    """Seconds per :class:`Stage` (and ``check round N``); outside the JSON and equality: no two runs take as long."""

    def to_dict(self, *, include_cells: bool = True) -> dict[str, Any]:
        data = asdict(replace(self, artifacts=(), timings={}))
        data.pop("artifacts")
        data.pop("timings")
        data["schema"] = RESULT_SCHEMA
        if not include_cells:
            data.pop("cells")
        return data


@dataclass(frozen=True)
class StoredResult:
    """A submission with its current run, as read back from the gradebook."""

    submission_id: int
    info: SubmissionInfo
    superseded: bool
    result: SubmissionResult | None
    """None when the submission has not been graded yet."""
    graded_at: datetime | None
    run_id: int | None = None
