"""Property tests: on any input, the readers end, and fail only with the documented errors.

Random bytes rarely get past a signature check, so most examples mutate a valid archive
(flip, truncate, insert, delete, overwrite with boundary integers) to reach the code that
parses headers, offsets and sizes.
"""

from __future__ import annotations

import bz2
import functools
import gzip
import io
import lzma
import struct
import tarfile
import zipfile
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.core.errors import LimitExceeded, MalformedInput
from aisec.core.finding import Location
from aisec.core.settings import Settings
from aisec.modelfile.blob import Blob
from aisec.modelfile.containers.compressed import decompress, sniff_compression
from aisec.modelfile.containers.sevenzip import is_7z, iter_7z
from aisec.modelfile.containers.tar import is_tar, iter_tar
from aisec.modelfile.containers.zip import is_zip, iter_zip
from aisec.modelfile.reports import ContainerReport

MiB = 1024 * 1024
LIMITS = Settings(max_decompressed_size=4 * MiB, max_archive_members=200)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOUNDARIES = [0, 1, 0x7F, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF]


def _zip_sample() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", b"\x80\x04N." * 8, compress_type=zipfile.ZIP_STORED)
        zf.writestr("a/deflate", b"deflate " * 20, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("a/bzip2", b"bzip2 " * 20, compress_type=zipfile.ZIP_BZIP2)
        zf.writestr("a/lzma", b"lzma " * 20, compress_type=zipfile.ZIP_LZMA)
    return buf.getvalue()


def _tar_sample() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        info = tarfile.TarInfo("x" * 120)  # long name: a PAX header
        info.size = 10
        tf.addfile(info, io.BytesIO(b"0123456789"))
        link = tarfile.TarInfo("link")
        link.type, link.linkname = tarfile.SYMTYPE, "../up"
        tf.addfile(link)
    return buf.getvalue()


@functools.cache  # built once: timestamps would make every build differ
def _7z_sample() -> bytes:
    py7zr = pytest.importorskip("py7zr")
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as archive:
        archive.writestr(b"first member " * 10, "one")
        archive.writestr(b"second", "dir/two")
    return buf.getvalue()


def _lz4(data: bytes) -> bytes:
    lz4_frame = pytest.importorskip("lz4.frame")
    return bytes(lz4_frame.compress(data, content_checksum=True))


READERS = {"zip": (iter_zip, _zip_sample()), "tar": (iter_tar, _tar_sample())}
PAYLOAD = b"model payload " * 40
STREAMS = {
    "gzip": gzip.compress(PAYLOAD) + gzip.compress(b"tail"),
    "bz2": bz2.compress(PAYLOAD),
    "xz": lzma.compress(PAYLOAD),
    "lzma": lzma.compress(PAYLOAD, format=lzma.FORMAT_ALONE),
    "zlib": zlib.compress(PAYLOAD),
}


@st.composite
def mutated(draw: st.DrawFn, sample: bytes) -> bytes:
    data = bytearray(sample)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "integer"]))
        pos = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(pos, len(data) - 1)] ^= draw(st.integers(1, 255))
        elif op == "truncate":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 16))]
        elif op == "integer":
            fmt = draw(st.sampled_from(["<H", "<I"]))
            value = draw(st.sampled_from(BOUNDARIES)) & (0xFFFF if fmt == "<H" else 0xFFFFFFFF)
            data[pos : pos + struct.calcsize(fmt)] = struct.pack(fmt, value)
    return bytes(data)


def consume(reader, data: bytes) -> None:
    """Read everything; only the documented errors may escape, and what comes out is sane."""
    blob = Blob.from_bytes(data)
    report = ContainerReport(Location("fuzz.bin"), "fuzz")
    try:
        for member in reader(blob, report, LIMITS):
            assert isinstance(member.name, str)
            if member.blob is None:
                assert member.error
                continue
            assert len(member.blob) <= LIMITS.max_decompressed_size
            if member.blob.data is blob.data:  # a zero-copy window stays inside its archive
                assert 0 <= member.blob.start <= member.blob.end <= len(data)
            member.blob.close()
    except (MalformedInput, LimitExceeded):
        pass
    for anomaly in report.anomalies:
        assert anomaly.kind and anomaly.detail


def consume_stream(data: bytes, codec: str) -> None:
    try:
        with decompress(Blob.from_bytes(data), codec, LIMITS, "fuzz") as out:
            assert len(out) <= LIMITS.max_decompressed_size
    except (MalformedInput, LimitExceeded):
        pass


@pytest.mark.parametrize("fmt", [*READERS, "7z"])
@FUZZ
@given(data=st.binary(max_size=2048))
def test_readers_survive_random_bytes(fmt, data):
    reader = iter_7z if fmt == "7z" else READERS[fmt][0]
    consume(reader, data)


@pytest.mark.parametrize("fmt", list(READERS))
@FUZZ
@given(data=st.data())
def test_readers_survive_mutated_archives(fmt, data):
    reader, sample = READERS[fmt]
    consume(reader, data.draw(mutated(sample)))


@FUZZ
@given(data=st.data())
def test_7z_reader_survives_mutated_archives(data):
    consume(iter_7z, data.draw(mutated(_7z_sample())))


@pytest.mark.parametrize("codec", [*STREAMS, "lz4"])
@FUZZ
@given(data=st.data())
def test_decompress_survives_mutated_streams(codec, data):
    sample = _lz4(PAYLOAD) if codec == "lz4" else STREAMS[codec]
    consume_stream(data.draw(mutated(sample)), codec)


@pytest.mark.parametrize("codec", [*STREAMS, "lz4"])
@FUZZ
@given(data=st.binary(max_size=512))
def test_decompress_survives_random_bytes(codec, data):
    consume_stream(data, codec)


@FUZZ
@given(data=st.binary(max_size=1024))
def test_sniffers_never_raise(data):
    sniff_compression(data)
    is_tar(data)
    is_7z(data)
    is_zip(data, Blob.from_bytes(data))
