"""Hostile and random Keras configs and HDF5 files: never an exception, a crash or a hang."""

import io
import json
import os
import signal
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.core.run import ArtefactStatus
from aisec.core.settings import Settings
from aisec.modelfile.scanner import scan

FUZZ = settings(
    max_examples=80,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BASE_CONFIG = {
    "module": "keras",
    "class_name": "Sequential",
    "config": {
        "name": "s",
        "layers": [
            {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 2}},
            {
                "module": "keras.layers",
                "class_name": "Lambda",
                "config": {
                    "name": "l",
                    "function": {"module": "os", "class_name": "function", "config": "system"},
                    "arguments": {"safe_mode": False},
                },
            },
            {"class_name": "MyPackage>Mine", "config": {"name": "m"}},
        ],
    },
}


def keras_zip(config: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("metadata.json", "{}")
        archive.writestr("config.json", config)
    return buffer.getvalue()


def keras_h5(config: str) -> bytes:
    h5py = pytest.importorskip("h5py")
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5file:
        h5file.attrs["model_config"] = config
        h5file.create_dataset("model_weights/d/kernel", data=[[1.0, 2.0]])
    return buffer.getvalue()


def scan_data(path, data, **overrides):
    path.write_bytes(data)
    run = scan([path], Settings(**overrides))
    assert run.errors == [], run.errors
    assert run.artefacts
    return run


def mutate(base: bytes, edits, cut) -> bytes:
    data = bytearray(base)
    for position, value in edits:
        data[position % len(data)] = value
    return bytes(data[: max(1, cut % (len(data) + 1))])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                ["class_name", "config", "module", "registered_name", "function", "name", "x"]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=40,
)
edits = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=8)


def test_random_json_configs(tmp_path):
    @FUZZ
    @given(json_values)
    def check(value):
        scan_data(tmp_path / "model.keras", keras_zip(json.dumps(value).encode()))

    check()


def test_mutated_config_bytes(tmp_path):
    base = json.dumps(BASE_CONFIG).encode()

    @FUZZ
    @given(edits, st.integers(0, 1 << 20))
    def check(changes, cut):
        scan_data(tmp_path / "model.keras", keras_zip(mutate(base, changes, cut)))

    check()


def test_mutated_hdf5_bytes(tmp_path):
    base = keras_h5(json.dumps(BASE_CONFIG))

    @FUZZ
    @given(edits, st.integers(0, 1 << 20))
    def check(changes, cut):
        scan_data(tmp_path / "model.h5", mutate(base, changes, cut))

    check()


@pytest.mark.parametrize(("depth", "kind"), [(500, "limit"), (100_000, "malformed")])
def test_deep_nesting(tmp_path, depth, kind):
    config = b"[" * depth + b"]" * depth
    run = scan_data(tmp_path / "model.keras", keras_zip(config))
    check = {"limit": "modelfile.limits.exceeded", "malformed": "modelfile.format.malformed"}[kind]
    assert check in {f.check_id for f in run.findings}
    assert run.exit_code(Settings().fail_on) != 0


def test_item_cap(tmp_path):
    config = b"[" + b"0," * 4_000_001 + b"0]"
    run = scan_data(tmp_path / "model.keras", keras_zip(config))
    assert "modelfile.limits.exceeded" in {f.check_id for f in run.findings}


def test_a_crash_of_the_hdf5_library_is_a_finding(tmp_path, monkeypatch):
    from aisec.modelfile.formats import hdf5_read

    monkeypatch.setattr(hdf5_read, "read_hdf5", lambda *a: os.kill(os.getpid(), signal.SIGSEGV))
    run = scan_data(tmp_path / "model.h5", keras_h5("{}"))
    [finding] = run.findings
    assert "crashed (SIGSEGV)" in finding.message
    assert run.artefacts[0].status is ArtefactStatus.INCOMPLETE


def test_a_hanging_hdf5_reader_is_killed_at_the_time_budget(tmp_path, monkeypatch):
    from aisec.modelfile.formats import hdf5_read

    monkeypatch.setattr(hdf5_read, "read_hdf5", lambda *args: time.sleep(60))
    started = time.monotonic()
    run = scan_data(tmp_path / "model.h5", keras_h5("{}"), timeout_seconds=1.0)
    assert time.monotonic() - started < 30
    assert "modelfile.limits.exceeded" in {f.check_id for f in run.findings}


def test_a_stalled_hdf5_library_is_a_finding(tmp_path, monkeypatch):
    """Corrupted global heaps make the HDF5 library loop inside one call: the watchdog
    ends the reader long before the file's time budget."""
    from aisec.modelfile.formats import hdf5_isolated, hdf5_read

    monkeypatch.setattr(hdf5_isolated, "STALL_SECONDS", 1)
    monkeypatch.setattr(hdf5_read, "read_hdf5", lambda *args: time.sleep(60))
    started = time.monotonic()
    run = scan_data(tmp_path / "model.h5", keras_h5("{}"), timeout_seconds=120.0)
    assert time.monotonic() - started < 30
    [finding] = run.findings
    assert finding.check_id == "modelfile.format.malformed"
    assert "made no progress" in finding.message


def test_a_deep_branch_does_not_hide_the_rest(tmp_path):
    deep = {"x": None}
    for _ in range(300):
        deep = {"x": deep}
    config = dict(BASE_CONFIG, deep=deep)
    run = scan_data(tmp_path / "model.keras", keras_zip(json.dumps(config).encode()))
    found = {f.check_id for f in run.findings}
    assert {"modelfile.limits.exceeded", "modelfile.keras.external-reference"} <= found
