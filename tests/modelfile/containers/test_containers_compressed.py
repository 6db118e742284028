"""Single-stream compression: sniffing, round trips, corruption, truncation and caps."""

from __future__ import annotations

import bz2
import gzip
import lzma
import pickle
import struct
import zlib

import pytest

from aisec.core.errors import LimitExceeded, MalformedInput
from aisec.core.finding import Location
from aisec.core.settings import Settings
from aisec.modelfile.blob import Blob
from aisec.modelfile.containers.compressed import decompress, sniff_compression
from aisec.modelfile.reports import ContainerReport

lz4_frame = pytest.importorskip("lz4.frame")
MiB = 1024 * 1024
PAYLOAD = pickle.dumps({"weights": list(range(2000))}, protocol=4)

COMPRESSORS = {
    "gzip": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "lzma": lambda data: lzma.compress(data, format=lzma.FORMAT_ALONE),  # joblib's .lzma
    "zlib": zlib.compress,  # joblib's .z
    "lz4": lz4_frame.compress,
}


def run(data: bytes, codec: str, settings: Settings | None = None, **kw) -> bytes:
    out = decompress(Blob.from_bytes(data), codec, settings or Settings(), "test stream", **kw)
    with out:
        return out.read(0, len(out))


@pytest.mark.parametrize("codec", COMPRESSORS)
def test_round_trip_and_sniffing(codec):
    packed = COMPRESSORS[codec](PAYLOAD)
    assert sniff_compression(packed[:16]) == codec
    assert run(packed, codec) == PAYLOAD


@pytest.mark.parametrize("level", [0, 1, 6, 9])
def test_zlib_headers_of_every_level_are_recognised(level):
    assert sniff_compression(zlib.compress(PAYLOAD, level)[:16]) == "zlib"


@pytest.mark.parametrize(
    "head",
    [b"", b"\x80\x04\x95", b"PK\x03\x04", b"\x93NUMPY", b"7z\xbc\xaf\x27\x1c", b"]" * 16, b"{}"],
)
def test_other_data_is_not_sniffed_as_compressed(head):
    assert sniff_compression(head) is None


def test_multi_member_gzip_with_padding():
    data = gzip.compress(b"first ") + gzip.compress(b"second ") + bytes(64) + gzip.compress(b"3")
    assert run(data, "gzip") == b"first second 3"


@pytest.mark.parametrize("codec", ["bz2", "xz", "lz4"])
def test_concatenated_streams(codec):
    pack = COMPRESSORS[codec]
    assert run(pack(b"one ") + pack(b"two"), codec) == b"one two"


def test_large_output_in_many_chunks():
    data = bytes(range(256)) * (12 * MiB // 256)
    assert run(gzip.compress(data, 1), "gzip") == data


@pytest.mark.parametrize("codec", COMPRESSORS)
def test_truncated_streams_are_malformed(codec):
    packed = COMPRESSORS[codec](PAYLOAD)
    with pytest.raises(MalformedInput) as info:
        run(packed[: len(packed) // 2], codec)
    assert info.value.offset is not None


@pytest.mark.parametrize("codec", COMPRESSORS)
def test_corrupt_streams_are_malformed(codec):
    # lz4 frames only carry a checksum when asked to; without one, corruption decodes.
    checked = {"lz4": lambda data: lz4_frame.compress(data, content_checksum=True)}
    packed = bytearray(checked.get(codec, COMPRESSORS[codec])(PAYLOAD))
    middle = len(packed) // 2
    packed[middle : middle + 16] = bytes(b ^ 0xA5 for b in packed[middle : middle + 16])
    with pytest.raises(MalformedInput):
        run(bytes(packed), codec)


def test_trailing_garbage_is_recorded_when_a_report_is_given():
    report = ContainerReport(Location("model.joblib"), "gzip")
    assert run(gzip.compress(PAYLOAD) + b"hidden", "gzip", report=report) == PAYLOAD
    (anomaly,) = report.anomalies
    assert anomaly.kind == "trailing-data"
    assert anomaly.evidence["size"] == len(b"hidden")


def test_size_cap():
    packed = gzip.compress(bytes(3 * MiB))
    with pytest.raises(LimitExceeded) as info:
        run(packed, "gzip", Settings(max_decompressed_size=MiB))
    assert "size" in info.value.limit


def test_max_file_size_also_caps_the_output():
    with pytest.raises(LimitExceeded):
        run(bz2.compress(bytes(2 * MiB)), "bz2", Settings(max_file_size=MiB))


@pytest.mark.parametrize("codec", COMPRESSORS)
def test_ratio_cap_stops_a_bomb(codec):
    packed = COMPRESSORS[codec](bytes(12 * MiB))
    with pytest.raises(LimitExceeded) as info:
        run(packed, codec, Settings(max_compression_ratio=100))
    assert "ratio" in info.value.limit


def test_small_highly_compressible_data_is_not_a_bomb():
    assert run(gzip.compress(bytes(5 * MiB)), "gzip") == bytes(5 * MiB)


def test_lzma_dictionary_beyond_the_memory_limit():
    header = bytes([0x5D]) + struct.pack("<IQ", 0xFFFFFFFF, 2**64 - 1)
    data = header + lzma.compress(b"x", format=lzma.FORMAT_ALONE)[13:]
    with pytest.raises(LimitExceeded):
        run(data, "lzma")


def test_unknown_codec_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown codec"):
        run(b"data", "brotli")
