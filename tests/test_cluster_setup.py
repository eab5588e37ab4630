"""Cluster grading without a cluster of processes: addresses, the shipped bundle, result decoding, refusals."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from autograder.check.score import failed_result
from autograder.cluster import ClusterError, ClusterGrading, scheduler_address
from autograder.cluster.local import LocalProcesses
from autograder.cluster.worker import GradingPlugin, encode_graded, pack_bundle, unpack_bundle
from autograder.labs import bundle_entries
from autograder.model import Artifact, ArtifactKind, Limits, Status

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tls://grader.example.edu:8786", "10.0.0.5:8786",
                                     " tcp://[::1]:8786 "])
def test_scheduler_addresses_are_accepted(address):
    assert scheduler_address(address) == address.strip()


@pytest.mark.parametrize("address", ["", "8786", "tcp://", "http://x:1/path", "tcp://host:port", "a b:1"])
def test_what_is_no_scheduler_address_is_refused(address):
    with pytest.raises(ValueError, match="not a Dask scheduler address"):
        scheduler_address(address)


def test_the_shipped_bundle_holds_every_check_and_no_notebook(lab01, tmp_path):
    data = pack_bundle(bundle_entries(lab01))
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert not [n for n in names if n.endswith(".ipynb")], "a solution notebook must never leave the machine"
    unpacked = unpack_bundle(data, tmp_path)
    assert (unpacked.lab, unpacked.version, unpacked.questions, unpacked.names, unpacked.preload) == (
        lab01.lab, lab01.version, lab01.questions, lab01.names, lab01.preload)
    for mine, theirs in zip(lab01.test_files(), unpacked.test_files(), strict=True):
        assert mine.read_bytes() == theirs.read_bytes()
    support = sorted(p.name for p in lab01.support_dir.glob("*.py"))
    assert sorted(p.name for p in unpacked.support_dir.glob("*.py")) == support


def test_the_support_modules_of_a_lab_that_has_them_travel_too(bundles, tmp_path):
    bundle = next(b for b in map(bundles, ("lab02-slicing-reshaping", "lab04-epochs-batches", "lab05-keras-model"))
                  if list(b.support_dir.glob("*.py")))
    unpacked = unpack_bundle(pack_bundle(bundle_entries(bundle)), tmp_path)
    for module in bundle.support_dir.glob("*.py"):
        assert (unpacked.support_dir / module.name).read_bytes() == module.read_bytes()


@pytest.mark.parametrize("member", ["../escaped.py", "/etc/escaped.py", "tests/../../escaped.py"])
def test_a_bundle_member_outside_its_folder_is_refused(member, tmp_path):
    data = pack_bundle({"manifest.json": b"{}", member: b"x"})
    with pytest.raises(ValueError, match="unexpected member"):
        unpack_bundle(data, tmp_path / "in")
    assert not (tmp_path / "escaped.py").exists()


def test_a_graded_result_comes_back_with_its_artifacts_as_data(lab01):
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
    image = np.arange(12, dtype=np.uint8).reshape(3, 4)
    result = failed_result(lab01, "class/a.ipynb", "a", Status.GRADED, "")
    result = type(result)(**(asdict(result) | {"questions": result.questions, "artifacts": (
        Artifact("history", ArtifactKind.HISTORY, history), Artifact("img", ArtifactKind.IMAGE, image))}))
    body = encode_graded(result, datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 1, 0, 1, tzinfo=UTC))
    grading = ClusterGrading("tcp://127.0.0.1:1", lab01, Limits())
    back, run = grading._decode(body)
    assert back == result
    assert back.artifacts[0].data == history and np.array_equal(back.artifacts[1].data, image)
    assert (run.lab_version, run.started_at) == (lab01.version, datetime(2026, 12, 1, tzinfo=UTC))


def test_a_worker_with_another_autograder_version_refuses_the_lab(lab01):
    plugin = GradingPlugin("p", lab01.version, pack_bundle(bundle_entries(lab01)), b"k" * 32, asdict(Limits()))
    plugin.grader_version = "0.0.1"
    with pytest.raises(RuntimeError, match="install the same version on every worker"):
        plugin.setup()


def test_an_unreachable_scheduler_is_one_clear_error(lab01):
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler at tcp://127"), \
            ClusterGrading("tcp://127.0.0.1:9", lab01, Limits(), connect_timeout=1):
        pass


def test_a_scheduler_without_workers_is_one_clear_error(lab01, tmp_path):
    pytest.importorskip("distributed")
    with LocalProcesses(tmp_path, workers=0) as cluster, pytest.raises(ClusterError, match="no Dask worker joined"), \
            ClusterGrading(cluster.address, lab01, Limits(), worker_wait=0.5):
        pass


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize(("extra", "complaint"), [
    (["--scheduler", "somewhere"], "not a Dask scheduler address"),
    (["--scheduler", "tcp://127.0.0.1:9", "--jobs", "2"], "--jobs is for grading on this machine"),
])
def test_grade_refuses_cluster_arguments_that_cannot_work(extra, complaint, tmp_path):
    done = cli("grade", "lab01-tensors", str(ROOT / "examples" / "lab01-tensors"), "--gradebook",
               str(tmp_path / "g.sqlite"), *extra)
    assert done.returncode == 2 and complaint in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "g.sqlite").exists()
