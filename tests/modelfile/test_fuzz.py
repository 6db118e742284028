"""Hostile bytes never take ``scan()`` down.

Random byte strings, random bytes behind each format's magic number, and mutations
(bit flips, insertions, deletions, truncation) of valid pickles (protocols 0-5), of a
joblib file and of a torch zip checkpoint. For every input: ``scan()`` returns, records
no internal error, gives every artefact a status, and stays inside a small time budget
(the scanner's own ``timeout_seconds``, never a wall-clock assertion here).
"""

from __future__ import annotations

import functools
import io
import pickle
from collections import OrderedDict

import numpy as np
import pytest
from fixtures import compress, describe_run, system_payload, zip_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.core.run import ArtefactStatus
from aisec.core.settings import Settings
from aisec.modelfile.scanner import scan

BOUNDED = Settings(
    timeout_seconds=5.0,
    max_pickle_opcodes=200_000,
    max_decompressed_size=16 * 1024 * 1024,
    max_archive_members=1_000,
    max_pickle_streams=100,
)
FUZZ = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def scan_blob(directory, data):
    path = directory / "input.bin"
    path.write_bytes(data)
    run = scan([path], BOUNDED)
    assert run.errors == [], f"{data[:64]!r}...\n{describe_run(run)}"
    assert run.artefacts, "every file is recorded as an artefact"
    for artefact in run.artefacts:
        assert isinstance(artefact.status, ArtefactStatus)
        if artefact.status is not ArtefactStatus.ANALYSED:
            assert artefact.reason, describe_run(run)
    assert run.exit_code(BOUNDED.fail_on) in (0, 1, 3)
    spent = [f for f in run.findings if f.evidence.get("limit") == "timeout_seconds"]
    assert spent == [], f"{len(data)} bytes exhausted the time budget"
    return run


# -- seeds -----------------------------------------------------------------------------------
SAMPLE = {
    "weights": [0.5, -1.25, 3.0],
    "names": ("a", "b"),
    "layers": OrderedDict(fc1={"w": b"\x00\x01", "b": None}),
    "flags": {True, False},
    "big": 2**70,
}


@functools.cache
def pickle_seeds():
    seeds = [pickle.dumps(SAMPLE, protocol=p) for p in range(6)]
    seeds += [system_payload(p) for p in (0, 2, 4)]
    seeds.append(pickle.dumps(np.arange(6.0).reshape(2, 3), protocol=4))
    return tuple(seeds)


@functools.cache
def joblib_seed():
    joblib = pytest.importorskip("joblib")
    buf = io.BytesIO()
    joblib.dump({"coef": np.arange(8.0), "idx": np.arange(4, dtype=np.int32), "meta": SAMPLE}, buf)
    return buf.getvalue()


@functools.cache
def torch_seed():
    torch = pytest.importorskip("torch")
    buf = io.BytesIO()
    torch.manual_seed(0)
    torch.save(torch.nn.Linear(3, 2).state_dict(), buf)
    return buf.getvalue()


# -- mutations -----------------------------------------------------------------------------
@st.composite
def mutated(draw, seed):
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 16))]
        else:
            del data[pos:]
    return bytes(data)


def pickle_mutations():
    return st.sampled_from(pickle_seeds()).flatmap(mutated)


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(workdir, data):
    scan_blob(workdir, data)


MAGICS = [
    b"\x80\x02",
    b"\x80\x04\x95",
    b"\x80\x05",
    b"c",
    b"(",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b\x08",
    b"BZh9",
    b"\xfd7zXZ\x00",
    b"\x04\x22\x4d\x18",
    b"\x78\x9c",
    b"\x5d\x00\x00\x80\x00",
    b"\x93NUMPY\x01\x00",
    b"\x93NUMPY\x02\x00",
    b"\x08\x00\x00\x00\x00\x00\x00\x00{",
]


@FUZZ
@given(magic=st.sampled_from(MAGICS), tail=st.binary(max_size=2048))
def test_random_bytes_behind_a_format_magic(workdir, magic, tail):
    scan_blob(workdir, magic + tail)


@FUZZ
@given(data=pickle_mutations())
def test_mutated_pickles(workdir, data):
    scan_blob(workdir, data)


@FUZZ
@given(data=st.sampled_from(pickle_seeds()).flatmap(mutated).map(lambda d: compress(d, "gzip")))
def test_mutated_pickles_compressed(workdir, data):
    scan_blob(workdir, data)


@FUZZ
@given(data=st.data())
def test_mutated_joblib_file(workdir, data):
    scan_blob(workdir, data.draw(mutated(joblib_seed())))


@FUZZ
@given(data=st.data())
def test_mutated_torch_zip_checkpoint(workdir, data):
    scan_blob(workdir, data.draw(mutated(torch_seed())))


@FUZZ
@given(data=pickle_mutations())
def test_mutated_pickle_inside_a_zip(workdir, data):
    scan_blob(workdir, zip_bytes({"archive/data.pkl": data, "archive/version": b"3\n"}))
