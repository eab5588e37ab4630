"""The SQLite gradebook: every submission, every grading run and every check result, crash-safe.

A run is written in one transaction once it is complete, so a grader killed at any moment leaves
either the whole run or nothing; the next invocation grades exactly the submissions that have no
current run. A partial unique index makes "one current run per submission" a database fact, and
``--regrade`` keeps history by retiring the old current run instead of deleting it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sqlite3
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from autograder.model import (
    INTERNAL_ERROR,
    Artifact,
    ArtifactKind,
    CaseResult,
    CellRecord,
    CellStatus,
    Lateness,
    LateStatus,
    QuestionResult,
    RunInfo,
    Status,
    StoredResult,
    SubmissionInfo,
    SubmissionResult,
)
from autograder.text import ERROR_CHARS, MESSAGE_CHARS, NAME_CHARS, OUTPUT_CHARS, bounded

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        lab TEXT NOT NULL,
        student TEXT NOT NULL,
        display_name TEXT,
        path TEXT NOT NULL,
        original_name TEXT,
        sha256 TEXT NOT NULL,
        source TEXT NOT NULL,
        submitted_at TEXT,
        late INTEGER,
        late_seconds REAL,
        attempt TEXT NOT NULL DEFAULT '',
        superseded INTEGER NOT NULL DEFAULT 0,
        first_seen TEXT NOT NULL,
        UNIQUE (lab, student, sha256)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        lab_version TEXT NOT NULL,
        grader_version TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('graded', 'error', 'timeout')),
        score REAL NOT NULL,
        max_score REAL NOT NULL,
        message TEXT NOT NULL,
        limits TEXT NOT NULL,
        cells TEXT NOT NULL,
        current INTEGER NOT NULL DEFAULT 1
    );
    CREATE UNIQUE INDEX one_current_run ON runs (submission_id) WHERE current = 1;
    CREATE TABLE checks (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        question TEXT NOT NULL,
        name TEXT NOT NULL,
        points REAL NOT NULL,
        max_points REAL NOT NULL,
        passed INTEGER NOT NULL,
        hidden INTEGER NOT NULL,
        message TEXT NOT NULL
    );
    CREATE INDEX checks_by_run ON checks (run_id);
    """,
    """
    ALTER TABLE runs ADD COLUMN duration REAL NOT NULL DEFAULT 0;
    CREATE TABLE artifacts (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('history', 'image')),
        data BLOB NOT NULL
    );
    CREATE INDEX artifacts_by_run ON artifacts (run_id);
    """,
    """
    CREATE TABLE exports (
        id INTEGER PRIMARY KEY,
        lab TEXT NOT NULL,
        format TEXT NOT NULL,
        late_policy TEXT NOT NULL,
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        rows INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE submissions ADD COLUMN lateness TEXT;
    CREATE TABLE lab_settings (
        lab TEXT PRIMARY KEY,
        due TEXT,
        late_policy TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE runs ADD COLUMN timings TEXT NOT NULL DEFAULT '{}';
    CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        lab TEXT NOT NULL,
        started_at TEXT NOT NULL,
        wall REAL NOT NULL,
        jobs INTEGER NOT NULL,
        submissions INTEGER NOT NULL,
        graded INTEGER NOT NULL,
        record REAL NOT NULL
    );
    """,
)
"""Schema migrations, applied in order; ``PRAGMA user_version`` records how many have run."""


class GradebookError(Exception):
    """The gradebook file cannot be opened or is from a newer version of the grader."""


def _encode_artifact(artifact: Artifact) -> bytes:
    if artifact.kind == ArtifactKind.HISTORY:
        return json.dumps(artifact.data).encode()
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(artifact.data), allow_pickle=False)
    return buffer.getvalue()


def _decode_artifact(name: str, kind: str, blob: bytes) -> Artifact:
    if kind == ArtifactKind.HISTORY:
        return Artifact(name, ArtifactKind.HISTORY, json.loads(blob))
    return Artifact(name, ArtifactKind.IMAGE, np.load(io.BytesIO(blob), allow_pickle=False))


def _safe_info(info: SubmissionInfo) -> SubmissionInfo:
    names = ("student", "display_name", "path", "original_name", "attempt")
    return replace(info, **{n: bounded(v, NAME_CHARS) for n in names if isinstance(v := getattr(info, n), str)})


def _safe_result(result: SubmissionResult) -> SubmissionResult:
    cells = tuple(replace(c, output=bounded(c.output, OUTPUT_CHARS, "output"), error=bounded(c.error, ERROR_CHARS))
                  for c in result.cells)
    questions = tuple(replace(q, checks=tuple(replace(c, message=bounded(c.message, MESSAGE_CHARS, "message"),
                                                      name=bounded(c.name, NAME_CHARS)) for c in q.checks))
                      for q in result.questions)
    return replace(result, message=bounded(result.message, MESSAGE_CHARS, "message"), cells=cells,
                   questions=questions, submission=bounded(result.submission, NAME_CHARS),
                   student=bounded(result.student, NAME_CHARS))


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _lateness(row: sqlite3.Row) -> Lateness:
    """The stored computation; a submission recorded before lateness was stored has only its seconds and flag
    (with no policy) until the next ``grade`` computes it."""
    if row["lateness"]:
        return Lateness.from_dict(json.loads(row["lateness"]))
    seconds = row["late_seconds"]
    if seconds is not None:
        status = LateStatus.LATE if seconds > 0 else LateStatus.ON_TIME
        return Lateness(status, submitted_at=_parse_time(row["submitted_at"]), seconds=seconds)
    return Lateness(LateStatus.FLAGGED, units=1) if row["late"] else Lateness()


class Gradebook:
    """Context manager over one SQLite gradebook file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> Gradebook:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise GradebookError(f"{self.path}: not a usable gradebook ({exc})") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self._db:
            self._db.close()
            self._db = None

    @property
    def db(self) -> sqlite3.Connection:
        assert self._db is not None, "use Gradebook as a context manager"
        return self._db

    def _migrate(self) -> None:
        (version,) = self.db.execute("PRAGMA user_version").fetchone()
        if version > len(MIGRATIONS):
            raise GradebookError(f"{self.path} was written by a newer grader (schema {version})")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self.db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")

    def add_submission(self, info: SubmissionInfo) -> int:
        """The id of this exact file for this student, inserting it the first time it is seen; seen again, its
        submission time and lateness are those of ``info`` (a roster may have given the time since)."""
        info = _safe_info(info)
        lateness = json.dumps(info.lateness.to_dict())
        row = self.db.execute(
            "SELECT id FROM submissions WHERE lab = ? AND student = ? AND sha256 = ?",
            (info.lab, info.student, info.sha256),
        ).fetchone()
        if row:
            self.db.execute("UPDATE submissions SET submitted_at = ?, late_seconds = ?, lateness = ? WHERE id = ?",
                            (_iso(info.submitted_at), info.lateness.seconds, lateness, row["id"]))
            return int(row["id"])
        cursor = self.db.execute(
            "INSERT INTO submissions (lab, student, display_name, path, original_name, sha256, source, submitted_at,"
            " late, late_seconds, attempt, first_seen, lateness) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (info.lab, info.student, info.display_name, info.path, info.original_name, info.sha256, info.source,
             _iso(info.submitted_at), info.late, info.lateness.seconds, info.attempt, _now(), lateness),
        )
        return int(cursor.lastrowid)

    def late_settings(self, lab: str) -> tuple[datetime | None, str]:
        """The due date and late policy text the lab was last graded under (``(None, "none")`` at first)."""
        row = self.db.execute("SELECT due, late_policy FROM lab_settings WHERE lab = ?", (lab,)).fetchone()
        return (_parse_time(row["due"]), row["late_policy"]) if row else (None, "none")

    def set_late_settings(self, lab: str, due: datetime | None, policy: str) -> None:
        """Remember the due date and late policy that the lab's lateness is computed under."""
        self.db.execute(
            "INSERT INTO lab_settings (lab, due, late_policy, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (lab)"
            " DO UPDATE SET due = excluded.due, late_policy = excluded.late_policy, updated_at = excluded.updated_at",
            (lab, _iso(due), policy, _now()),
        )

    def set_superseded(self, lab: str, superseded_ids: set[int]) -> None:
        """Mark which submissions of the lab are older attempts (they stay recorded, they do not count)."""
        with self._transaction():
            self.db.execute("UPDATE submissions SET superseded = 0 WHERE lab = ?", (lab,))
            self.db.executemany("UPDATE submissions SET superseded = 1 WHERE id = ?", [(i,) for i in superseded_ids])

    def needs_grading(self, submission_id: int) -> bool:
        """No current run yet, or the current one failed because of the grader rather than the submission."""
        row = self.db.execute("SELECT message FROM runs WHERE submission_id = ? AND current = 1", (submission_id,))
        found = row.fetchone()
        return found is None or str(found["message"]).startswith(INTERNAL_ERROR)

    def record_run(self, submission_id: int, result: SubmissionResult, run: RunInfo) -> int:
        """Store a finished run and its checks atomically; an earlier current run is kept as history.

        Every text is made valid and bounded first (``autograder.text``), so no student value can make the
        write fail and stop the batch.
        """
        result = _safe_result(result)
        with self._transaction():
            self.db.execute("UPDATE runs SET current = 0 WHERE submission_id = ? AND current = 1", (submission_id,))
            cursor = self.db.execute(
                "INSERT INTO runs (submission_id, lab_version, grader_version, started_at, finished_at, status, score,"
                " max_score, message, limits, cells, duration, timings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (submission_id, run.lab_version, run.grader_version, _iso(run.started_at), _iso(run.finished_at),
                 result.status, result.score, result.max_score, result.message, json.dumps(run.limits),
                 json.dumps([asdict(c) for c in result.cells]), result.duration, json.dumps(result.timings)),
            )
            run_id = int(cursor.lastrowid)
            self.db.executemany(
                "INSERT INTO artifacts (run_id, name, kind, data) VALUES (?, ?, ?, ?)",
                [(run_id, a.name, a.kind, _encode_artifact(a)) for a in result.artifacts],
            )
            self.db.executemany(
                "INSERT INTO checks (run_id, question, name, points, max_points, passed, hidden, message)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, q.name, c.name, c.points if c.passed else 0.0, c.points, c.passed, c.hidden, c.message)
                 for q in result.questions for c in q.checks],
            )
        return run_id

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db, self.path)

    def results(self, lab: str, *, include_superseded: bool = False) -> list[StoredResult]:
        """Every submission of the lab with its current run, ordered by student then attempt."""
        rows = self.db.execute(
            "SELECT s.*, r.id AS run_id, r.status, r.score, r.max_score, r.message, r.cells, r.finished_at,"
            " r.duration, r.timings"
            " FROM submissions s LEFT JOIN runs r ON r.submission_id = s.id AND r.current = 1"
            " WHERE s.lab = ? ORDER BY s.student, s.attempt, s.id",
            (lab,),
        ).fetchall()
        stored = [self._stored(row) for row in rows]
        return stored if include_superseded else [s for s in stored if not s.superseded]

    def _stored(self, row: sqlite3.Row) -> StoredResult:
        info = SubmissionInfo(
            lab=row["lab"], student=row["student"], path=row["path"], sha256=row["sha256"], source=row["source"],
            display_name=row["display_name"], original_name=row["original_name"],
            submitted_at=_parse_time(row["submitted_at"]), late=None if row["late"] is None else bool(row["late"]),
            attempt=row["attempt"], lateness=_lateness(row),
        )
        result = self._result(row, info) if row["run_id"] is not None else None
        run_id = None if row["run_id"] is None else int(row["run_id"])
        return StoredResult(int(row["id"]), info, bool(row["superseded"]), result, _parse_time(row["finished_at"]),
                            run_id)

    def artifacts(self, run_id: int) -> list[Artifact]:
        """The history and image data kept from a run, for feedback pictures."""
        rows = self.db.execute("SELECT name, kind, data FROM artifacts WHERE run_id = ? ORDER BY id", (run_id,))
        return [_decode_artifact(r["name"], r["kind"], r["data"]) for r in rows]

    def _result(self, row: sqlite3.Row, info: SubmissionInfo) -> SubmissionResult:
        checks = self.db.execute("SELECT * FROM checks WHERE run_id = ? ORDER BY id", (row["run_id"],)).fetchall()
        questions: dict[str, list[CaseResult]] = {}
        for c in checks:
            questions.setdefault(c["question"], []).append(
                CaseResult(c["question"], c["name"], c["max_points"], bool(c["passed"]), bool(c["hidden"]),
                           c["message"]))
        question_results = tuple(
            QuestionResult(name, sum(c.points for c in cases if c.passed), sum(c.points for c in cases), tuple(cases))
            for name, cases in questions.items()
        )
        cells = tuple(CellRecord(c["index"], CellStatus(c["status"]), c["output"], c["error"])
                      for c in json.loads(row["cells"]))
        return SubmissionResult(info.path, info.student, info.lab, Status(row["status"]), row["score"],
                                row["max_score"], row["message"], question_results, cells, row["duration"],
                                timings=json.loads(row["timings"]))

    def record_export(self, lab: str, fmt: str, late_policy: str, file: Path, content: bytes, rows: int) -> None:
        """Remember that scores left for an LMS: which format, under which late policy, into which file."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO exports (lab, format, late_policy, file, sha256, rows, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (lab, fmt, late_policy, str(file), hashlib.sha256(content).hexdigest(), rows, _now()),
            )

    def record_batch(self, lab: str, started_at: datetime, wall: float, jobs: int, submissions: int, graded: int,
                     record: float) -> None:
        """Remember one ``grade`` of a class: its wall time, workers, and the time spent writing runs."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO batches (lab, started_at, wall, jobs, submissions, graded, record)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", (lab, _iso(started_at), wall, jobs, submissions, graded, record))

    def batches(self, lab: str) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM batches WHERE lab = ? ORDER BY id", (lab,))
        return [dict(r) for r in rows]

    def exports(self, lab: str) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM exports WHERE lab = ? ORDER BY id", (lab,))
        return [dict(r) for r in rows]

    def run_counts(self, lab: str) -> dict[int, int]:
        """Runs recorded per submission id, current or not (for audits and tests)."""
        rows = self.db.execute(
            "SELECT s.id, COUNT(r.id) FROM submissions s LEFT JOIN runs r ON r.submission_id = s.id"
            " WHERE s.lab = ? GROUP BY s.id",
            (lab,),
        ).fetchall()
        return {int(r[0]): int(r[1]) for r in rows}


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception; a write the disk refuses is a GradebookError."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    def __enter__(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise GradebookError(f"cannot write the gradebook {self.path}: {exc}") from exc

    def __exit__(self, exc_type: object, exc: object, tb: object) -> bool:
        if exc_type:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise GradebookError(f"cannot write the gradebook {self.path} (is the disk full?): {exc}") from exc
            return False
        try:
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise GradebookError(f"cannot write the gradebook {self.path} (is the disk full?): {exc}") from exc
        return False
