"""The worker's side of cluster grading: a Dask worker plugin holding one lab's grader, and the task it runs.

The coordinator registers the plugin with the lab's bundle as zip bytes, the course key (so unseen inputs are
drawn as locally) and the limits. On each worker it unpacks the bundle into a private folder and keeps one
``Grader`` for the worker's life: every worker thread gets its own warm sandbox factory and check process, as
a local grading thread does. A task and its result are protocol messages in bytes; the coordinator decodes
a result with ``protocol.decode`` (checked JSON and npy values), never by unpickling it.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import autograder
from autograder import protocol
from autograder.check.score import failed_result
from autograder.grade import Grader
from autograder.labs import LabBundle
from autograder.model import INTERNAL_ERROR, Limits, Status, SubmissionResult

MAX_BUNDLE_BYTES = 64 * 1024 * 1024
"""A lab bundle larger than this when unpacked is refused (checks and support modules are a few hundred KB)."""

try:
    from distributed import WorkerPlugin, get_worker
except ImportError:  # the cluster extra is not installed: local grading never imports this module
    WorkerPlugin = object  # type: ignore[assignment,misc]


def pack_bundle(entries: dict[str, bytes]) -> bytes:
    """A zip of the bundle's files (``labs.bundle_entries``) as they travel to the workers."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            archive.writestr(name, entries[name])
    return buffer.getvalue()


def unpack_bundle(data: bytes, folder: Path) -> LabBundle:
    """Write a packed bundle below ``folder`` and read its manifest; ValueError for a member outside it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > MAX_BUNDLE_BYTES:
            raise ValueError("the lab bundle is too large to unpack")
        for member in members:
            relative = PurePosixPath(member.filename)
            if relative.is_absolute() or ".." in relative.parts or member.is_dir():
                raise ValueError(f"the lab bundle holds an unexpected member {member.filename!r}")
            target = folder.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
    return LabBundle.read(folder / "manifest.json")


class GradingPlugin(WorkerPlugin):
    """One lab's grader on one Dask worker, set up when the worker joins and closed when it leaves."""

    def __init__(self, name: str, version: str, bundle_zip: bytes, key: bytes, limits: dict[str, Any],
                 warm: bool = True) -> None:
        self.name = name
        self.version = version
        """The bundle's version; a task for another version is refused."""
        self.bundle_zip = bundle_zip
        self.key = key
        self.limits = limits
        self.warm = warm
        self.grader_version = autograder.__version__
        """The coordinator's package version: a worker with another one refuses to join the batch."""

    def setup(self, worker: Any = None) -> None:
        if autograder.__version__ != self.grader_version:
            raise RuntimeError(f"this worker has autograder {autograder.__version__}, the coordinator "
                               f"{self.grader_version}: install the same version on every worker")
        self._folder = Path(tempfile.mkdtemp(prefix="autograder-cluster-"))
        bundle = unpack_bundle(self.bundle_zip, self._folder)
        self._grader = Grader(bundle, protocol.build(Limits, self.limits), warm=self.warm, key=self.key)

    def teardown(self, worker: Any = None) -> None:
        grader = getattr(self, "_grader", None)
        if grader is not None:
            grader.close()
        shutil.rmtree(getattr(self, "_folder", ""), ignore_errors=True)

    def grade(self, body: bytes) -> bytes:
        """Grade one ``GradeTask``; the reply is a ``Graded`` message, whatever the submission does."""
        task, _ = protocol.decode(body, protocol.GradeTask)
        started = datetime.now(UTC)
        if task.version != self.version:
            candidate = task.received.candidate
            result = failed_result(self._grader.bundle, str(candidate.path), candidate.student, Status.ERROR,
                                   f"{INTERNAL_ERROR} (the worker holds lab version {self.version[:12]}, "
                                   f"the task asks for {task.version[:12]})")
        else:
            result = self._grader.grade(task.received)
        return encode_graded(result, started, datetime.now(UTC))


def encode_graded(result: SubmissionResult, started: datetime, finished: datetime) -> bytes:
    """A ``Graded`` body: the result's artifacts travel as values, everything else in the header."""
    refs = tuple(protocol.ArtifactRef(f"artifact{i}", a.name, str(a.kind)) for i, a in enumerate(result.artifacts))
    values = {ref.key: artifact.data for ref, artifact in zip(refs, result.artifacts, strict=True)}
    graded = protocol.Graded(replace(result, artifacts=()), started, finished, autograder.__version__, refs)
    return protocol.encode(graded, values)


def grade_task(plugin: str, body: bytes) -> bytes:
    """The task each submission is: grade ``body`` with this worker's plugin ``plugin``."""
    grading = get_worker().plugins.get(plugin)
    if not isinstance(grading, GradingPlugin):
        raise RuntimeError(f"this worker has no grading plugin {plugin!r} (it joined while the plugin was removed?)")
    return grading.grade(body)
