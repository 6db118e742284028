"""Keras 3 .keras archives and Keras/TensorFlow .h5 files written by Keras itself."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aisec.core.run import ArtefactStatus
from aisec.core.settings import Settings
from aisec.core.severity import Severity
from aisec.modelfile.scanner import scan

WRITER = Path(__file__).with_name("keras_writers.py")
LAMBDA = "modelfile.keras.lambda-layer"


@pytest.fixture(scope="module")
def keras_models(tmp_path_factory):
    """Real models, written once per worker by Keras (torch backend) in a subprocess."""
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("torch") is None:
        pytest.skip("keras with the torch backend is not installed")
    directory = tmp_path_factory.getbasetemp() / "keras-models"
    if not (directory / "done").exists():
        env = {**os.environ, "KERAS_BACKEND": "torch"}
        done = subprocess.run(
            [sys.executable, str(WRITER), str(directory)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "aisec-test" not in done.stdout  # the payload branch never ran
    return directory


def medium_or_worse(run):
    return [f for f in run.findings if f.severity >= Severity.MEDIUM]


@pytest.mark.parametrize("stem", ["sequential", "functional"])
@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_benign_models_are_keras_and_clean(keras_models, stem, suffix):
    run = scan([keras_models / f"{stem}{suffix}"], Settings())
    assert medium_or_worse(run) == [], [f.message for f in run.findings]
    assert run.artefacts[0].format == "keras"
    assert all(a.status is ArtefactStatus.ANALYSED for a in run.artefacts), run.artefacts
    assert run.exit_code(Severity.LOW) == 0


def test_keras_archive_members_keep_their_own_analysis(keras_models):
    run = scan([keras_models / "functional.keras"], Settings())
    formats = {"/".join(a.location.member): a.format for a in run.artefacts}
    assert formats == {
        "": "keras",
        "metadata.json": "text",
        "config.json": "keras-config",
        "model.weights.h5": "hdf5",
    }


def test_weights_only_files_are_hdf5(keras_models):
    run = scan([keras_models / "functional.weights.h5"], Settings())
    assert [a.format for a in run.artefacts] == ["hdf5"]
    assert run.findings == []


@pytest.mark.parametrize(("suffix", "cve"), [(".keras", "CVE-2024-3660"), (".h5", "CVE-2025-9905")])
def test_lambda_saved_by_keras_is_critical(keras_models, suffix, cve):
    run = scan([keras_models / f"lambda{suffix}"], Settings())
    [finding] = [f for f in run.findings if f.check_id == LAMBDA]
    assert finding.severity is Severity.CRITICAL
    assert finding.evidence["layer"] == "payload"
    assert {"os", "system"} <= set(finding.evidence["suspicious_names"])
    assert "echo aisec-test" in finding.evidence["strings"]
    assert cve in finding.message
    assert run.exit_code(Severity.HIGH) == 1


def test_a_directory_of_keras_models(keras_models):
    run = scan([keras_models], Settings())
    assert {f.check_id for f in run.findings} == {LAMBDA}
    assert not [a for a in run.artefacts if a.status is ArtefactStatus.SKIPPED]


def test_without_h5py_hdf5_files_are_skipped_with_the_install_hint(keras_models, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # makes `import h5py` fail
    run = scan([keras_models / "lambda.keras", keras_models / "sequential.h5"], Settings())
    skipped = {
        a.location.display(): a.reason for a in run.artefacts if a.status is ArtefactStatus.SKIPPED
    }
    assert len(skipped) == 2
    assert all("pip install 'aisec[h5]'" in reason for reason in skipped.values())
    assert [f.check_id for f in run.findings] == [LAMBDA]  # config.json needs no h5py
    assert run.exit_code(Severity.CRITICAL) == 1


def test_cli_reports_the_lambda_as_json(keras_models, tmp_path):
    exe = Path(sys.executable).with_name("aisec")
    out = tmp_path / "report.json"
    done = subprocess.run(
        [
            str(exe),
            "scan",
            "--format",
            "json",
            "--output",
            str(out),
            str(keras_models / "lambda.h5"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(out.read_text())
    assert LAMBDA in json.dumps(report)


def test_hdf5_after_a_user_block_and_as_a_polyglot(scan_bytes):
    h5py = pytest.importorskip("h5py")
    import io
    import pickle

    buffer = io.BytesIO()
    with h5py.File(buffer, "w", userblock_size=1024) as h5file:
        h5file.create_dataset("w", data=[1.0])
    data = buffer.getvalue()
    assert scan_bytes(data, "a.h5").artefacts[0].format == "hdf5"
    head = pickle.dumps({"a": 1}, protocol=2)
    run = scan_bytes(head + data[len(head) :], "b.h5")
    assert "modelfile.format.polyglot" in {f.check_id for f in run.findings}


def test_corrupt_hdf5_is_skipped_with_a_reason(scan_bytes):
    pytest.importorskip("h5py")
    run = scan_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64), "model.h5")
    [artefact] = run.artefacts
    assert artefact.status is ArtefactStatus.SKIPPED
    assert "HDF5 library cannot open it" in artefact.reason
    assert run.exit_code(Severity.HIGH) == 3


def test_a_stored_member_on_a_user_block_boundary_is_not_a_polyglot(scan_bytes):
    """HDF5 is looked for at 512, 1024 ... bytes: inside a zip, that is a member's data."""
    import io
    import zipfile

    h5py = pytest.importorskip("h5py")
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5file:
        h5file.create_dataset("vars/0", data=[1.0, 2.0])
    weights = buffer.getvalue()
    for pad in range(4096):
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
            zipped.writestr("config.json", json.dumps({"pad": "x" * pad}))
            zipped.writestr("model.weights.h5", weights)
        if archive.getvalue().find(b"\x89HDF") == 4096:
            break
    assert archive.getvalue().find(b"\x89HDF") == 4096
    run = scan_bytes(archive.getvalue(), "model.keras")
    assert run.findings == []
    assert [a.format for a in run.artefacts] == ["keras", "keras-config", "hdf5"]
