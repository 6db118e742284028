"""The zip reader: archives built with ``zipfile`` (and torch), then patched byte by byte."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib

import pytest

from aisec.core.errors import MalformedInput
from aisec.core.settings import Settings
from aisec.modelfile.blob import Blob
from aisec.modelfile.containers import zip as zipreader
from aisec.modelfile.containers.zip import is_zip, iter_zip

MiB = 1024 * 1024
STORED, DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED


def build(*entries: tuple[str, bytes, int], **options: object) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicates we ask for
        with zipfile.ZipFile(buf, "w", **options) as zf:  # type: ignore[arg-type]
            for name, data, method in entries:
                zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buf.getvalue()


def central(raw: bytes, name: str) -> int:
    """Offset of the central directory entry naming ``name``."""
    pos = raw.find(b"PK\x01\x02")
    while pos >= 0:
        (length,) = struct.unpack_from("<H", raw, pos + 28)
        if raw[pos + 46 : pos + 46 + length] == name.encode():
            return pos
        pos = raw.find(b"PK\x01\x02", pos + 1)
    raise AssertionError(f"no central entry for {name}")


def local(raw: bytes, name: str) -> int:
    return struct.unpack_from("<I", raw, central(raw, name) + 42)[0]


def patch(raw: bytes, pos: int, fmt: str, *values: object) -> bytes:
    out = bytearray(raw)
    struct.pack_into(fmt, out, pos, *values)
    return bytes(out)


def set_flags(raw: bytes, name: str, flags: int) -> bytes:
    raw = patch(raw, local(raw, name) + 6, "<H", flags)
    return patch(raw, central(raw, name) + 8, "<H", flags)


# -- members come back right --------------------------------------------------------------
def test_every_supported_method_round_trips(read):
    payloads = {
        "stored.bin": b"stored bytes " * 100,
        "deflated.bin": b"deflated bytes " * 100,
        "bzip2.bin": b"bzip2 bytes " * 100,
        "lzma.bin": b"lzma bytes " * 100,
    }
    methods = [STORED, DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
    raw = build(*[(n, d, m) for (n, d), m in zip(payloads.items(), methods, strict=True)])
    run = read(iter_zip, raw)
    assert run.data() == payloads
    assert run.kinds == []
    assert [m.declared_size for m in run.members] == [len(d) for d in payloads.values()]


def test_stored_members_are_zero_copy_windows(read):
    payload = bytes(range(256)) * 40
    raw = build(("a/tensor", payload, STORED), ("b", b"x", DEFLATED))
    run = read(iter_zip, raw)
    member = run.member("a/tensor")
    assert member.blob is not None
    assert member.blob.data is run.blob.data  # a window on the archive, not a copy
    assert raw[member.offset : member.offset + len(payload)] == payload
    assert member.blob.read(0, len(payload)) == payload


def test_torch_checkpoint_matches_what_torch_reads(read, tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pt"
    torch.save({"weight": torch.arange(10.0), "bias": torch.ones(3)}, path)
    raw = path.read_bytes()
    run = read(iter_zip, raw)
    reader = torch._C.PyTorchFileReader(str(path))  # miniz: lists and reads, never unpickles
    prefix = run.members[0].name.split("/", 1)[0] + "/"
    assert sorted(m.name.removeprefix(prefix) for m in run.members) == sorted(
        reader.get_all_records()
    )
    for name, data in run.data().items():
        assert bytes(reader.get_record(name.removeprefix(prefix))) == data
    assert run.kinds == []


def test_data_descriptor_with_zero_sizes_in_local_header(read):
    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.buf = io.BytesIO()

        def writable(self) -> bool:
            return True

        def write(self, data) -> int:  # type: ignore[override]
            return self.buf.write(data)

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", compression=DEFLATED) as zf, zf.open("streamed", "w") as fh:
        fh.write(b"streamed " * 500)
    raw = sink.buf.getvalue()
    assert struct.unpack_from("<H", raw, 6)[0] & 0x08  # sizes follow the data
    assert struct.unpack_from("<I", raw, 18)[0] == 0
    run = read(iter_zip, raw)
    assert run.data() == {"streamed": b"streamed " * 500}
    assert run.kinds == []


def test_empty_archive_and_directories_yield_nothing(read):
    assert read(iter_zip, build()).members == []
    run = read(iter_zip, build(("dir/", b"", STORED), ("dir/file", b"data", STORED)))
    assert [m.name for m in run.members] == ["dir/file"]


# -- zip64 ----------------------------------------------------------------------------------
def test_force_zip64_members(read):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, method in (("big", STORED), ("packed", DEFLATED)):
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            with zf.open(info, "w", force_zip64=True) as fh:
                fh.write(name.encode() * 100)
    raw = buf.getvalue()
    assert struct.unpack_from("<H", raw, 30 + len("big"))[0] == 0x0001  # zip64 extra field
    run = read(iter_zip, raw)
    assert run.data() == {"big": b"big" * 100, "packed": b"packed" * 100}
    assert run.kinds == []


def test_zip64_records_everywhere_with_a_prefix(read, monkeypatch):
    # With the limits at zero, zipfile writes the zip64 end record, locator and extra
    # fields for every entry, as it would for a >4 GiB checkpoint.
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 0)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 0)
    raw = build(("one", b"1" * 300, STORED), ("two", b"2" * 300, DEFLATED))
    monkeypatch.undo()
    assert b"PK\x06\x06" in raw and b"PK\x06\x07" in raw
    assert struct.unpack_from("<I", raw, central(raw, "two") + 42)[0] == 0xFFFFFFFF
    run = read(iter_zip, raw)
    assert run.data() == {"one": b"1" * 300, "two": b"2" * 300}
    shifted = read(iter_zip, b"#!/bin/sh\nexit 0\n" + raw)
    assert shifted.data() == {"(prefix)": b"#!/bin/sh\nexit 0\n", **run.data()}


# -- tolerated but recorded -----------------------------------------------------------------
def test_crc_mismatch_is_recorded_and_member_still_read(read):
    raw = build(("a", b"alpha" * 50, DEFLATED), ("b", b"beta" * 50, STORED))
    for name in ("a", "b"):
        raw = patch(raw, central(raw, name) + 16, "<I", 0xDEADBEEF)
    run = read(iter_zip, raw)
    assert run.data() == {"a": b"alpha" * 50, "b": b"beta" * 50}
    mismatches = run.anomalies("crc-mismatch")
    assert [a.location.member for a in mismatches] == [("a",), ("b",)]
    assert mismatches[1].location.offset == run.member("b").offset


def test_large_stored_members_skip_the_crc(read, monkeypatch):
    monkeypatch.setattr(zipreader, "_CRC_LIMIT", 100)
    raw = build(("small", b"s" * 50, STORED), ("large", b"l" * 500, STORED))
    for name in ("small", "large"):
        raw = patch(raw, central(raw, name) + 16, "<I", 1)
    run = read(iter_zip, raw)
    assert [a.location.member for a in run.anomalies("crc-mismatch")] == [("small",)]


def test_encryption_bit_on_plain_data_is_flagged_and_read(read):
    raw = build(("plain", b"not secret" * 20, STORED), ("packed", b"also plain" * 20, DEFLATED))
    raw = set_flags(set_flags(raw, "plain", 0x0001), "packed", 0x0001)
    run = read(iter_zip, raw)
    assert run.data() == {"plain": b"not secret" * 20, "packed": b"also plain" * 20}
    flagged = run.anomalies("flag-bits")
    assert len(flagged) == 2
    assert "encryption" in flagged[0].detail


def test_really_encrypted_data_is_unreadable(read):
    raw = build(("secret", b"model weights" * 20, STORED), ("zipped", b"more" * 200, DEFLATED))
    raw = set_flags(set_flags(raw, "secret", 0x0001), "zipped", 0x0001)
    for name in ("secret", "zipped"):
        start = local(raw, name) + 30 + len(name)
        raw = raw[:start] + bytes(b ^ 0x5A for b in raw[start : start + 12]) + raw[start + 12 :]
    run = read(iter_zip, raw)
    assert run.data() == {"secret": None, "zipped": None}
    assert all("password" in m.error for m in run.members)
    assert run.kinds.count("unreadable-member") == 2


def test_unusual_flag_bits_are_recorded(read):
    raw = set_flags(build(("m", b"data", STORED)), "m", 0x2000 | 0x0008)
    run = read(iter_zip, raw)
    assert run.data() == {"m": b"data"}
    (flagged,) = run.anomalies("flag-bits")
    assert flagged.evidence["flags"] == 0x2008


def test_local_and_central_names_that_differ(read):
    raw = build(("archive/data.pkl", b"benign", STORED))
    pos = local(raw, "archive/data.pkl") + 30
    raw = raw[:pos] + b"archive/evil.pkl" + raw[pos + 16 :]
    run = read(iter_zip, raw)
    assert run.data() == {"archive/data.pkl": b"benign"}  # the loader goes by the central name
    (mismatch,) = run.anomalies("name-mismatch")
    assert mismatch.evidence == {"local": "archive/evil.pkl", "central": "archive/data.pkl"}
    assert mismatch.location.member == ("archive/data.pkl",)


def test_duplicate_names_exact_and_by_case(read):
    raw = build(
        ("data.pkl", b"first", STORED),
        ("data.pkl", b"second", STORED),
        ("DATA.pkl", b"third", STORED),
    )
    run = read(iter_zip, raw)
    assert [m.blob.read(0, 10) for m in run.members] == [b"first", b"second", b"third"]
    assert [a.evidence["match"] for a in run.anomalies("duplicate-name")] == [
        "exact",
        "differs only in case",
    ]


@pytest.mark.parametrize("name", ["../escape.pkl", "/etc/cron.d/x", "C:/evil", "a\\..\\b", "a\\b"])
def test_traversal_names_are_recorded_and_still_read(read, name):
    run = read(iter_zip, build((name, b"payload", STORED)))
    assert run.data() == {name: b"payload"}
    (anomaly,) = run.anomalies("path-traversal")
    assert anomaly.location.member == (name,)


def test_prefix_before_the_archive_is_read_and_yielded_first(read):
    raw = build(("a", b"alpha", STORED), ("b", b"beta" * 30, DEFLATED))
    stub = b"MZ self-extractor stub" * 20
    prefixed = stub + raw
    assert is_zip(prefixed[:1024], Blob.from_bytes(prefixed))
    run = read(iter_zip, prefixed)
    assert run.data() == {"(prefix)": stub, "a": b"alpha", "b": b"beta" * 30}
    prefix = run.members[0]
    assert (prefix.name, prefix.offset, prefix.blob.data) == ("(prefix)", 0, run.blob.data)
    (note,) = run.anomalies("malformed")
    assert note.evidence["prefix"] == len(stub)


def test_pickle_zip_polyglot_exposes_the_pickle(read):
    # torch.load unpickles such a file (it does not start like a zip); pickle.load too.
    payload = b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94."
    run = read(iter_zip, payload + build(("archive/data.pkl", b"benign", STORED)))
    assert run.data()["(prefix)"] == payload


def test_bare_end_record_does_not_make_a_zip():
    data = b"\x80\x04N." + b"PK\x05\x06" + bytes(18)
    assert not is_zip(data[:1024], Blob.from_bytes(data))


def test_prefix_with_adjusted_offsets(read):
    raw = b"x" * 100 + build(("a", b"alpha", STORED))
    fixed = io.BytesIO(raw)
    with zipfile.ZipFile(fixed, "a"):
        pass  # rewriting in append mode records the true offsets ("zip -A")
    run = read(iter_zip, fixed.getvalue())
    assert run.data() == {"(prefix)": b"x" * 100, "a": b"alpha"}


def test_trailing_data_and_comment(read):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.comment = b"PK\x05\x06 looks like an end record but is a comment"
        zf.writestr("a", b"alpha")
    run = read(iter_zip, buf.getvalue() + b"appended")
    assert run.data() == {"a": b"alpha"}
    (trailing,) = run.anomalies("trailing-data")
    assert trailing.evidence["size"] == len(b"appended")


def test_entry_count_that_disagrees_with_the_directory(read):
    raw = build(("a", b"1", STORED), ("b", b"2", STORED))
    eocd = raw.rfind(b"PK\x05\x06")
    raw = patch(raw, eocd + 8, "<HH", 1, 1)
    run = read(iter_zip, raw)
    assert run.data() == {"a": b"1", "b": b"2"}  # every entry present is shown
    assert "malformed" in run.kinds


# -- refused members ------------------------------------------------------------------------
def test_declared_size_beyond_the_cap_is_a_bomb(read):
    raw = build(("zeros", bytes(3 * MiB), DEFLATED), ("ok", b"fine", DEFLATED))
    run = read(iter_zip, raw, Settings(max_decompressed_size=MiB))
    bomb = run.member("zeros")
    assert bomb.blob is None and "bomb" in bomb.error
    assert run.data()["ok"] == b"fine"
    (anomaly,) = run.anomalies("decompression-bomb")
    assert anomaly.location.member == ("zeros",)
    assert anomaly.evidence["declared"] == 3 * MiB


def test_ratio_bomb_with_default_settings(read):
    raw = build(("zeros", bytes(20 * MiB), DEFLATED))
    assert len(raw) < 100_000
    run = read(iter_zip, raw)
    assert run.data() == {"zeros": None}
    assert run.kinds == ["decompression-bomb"]


def test_bomb_that_lies_about_its_size_is_stopped_while_decoding(read):
    raw = build(("zeros", bytes(4 * MiB), DEFLATED))
    raw = patch(raw, central(raw, "zeros") + 24, "<I", 10)
    run = read(iter_zip, raw, Settings(max_decompressed_size=MiB))
    assert run.data() == {"zeros": None}
    assert "stopped" in run.anomalies("decompression-bomb")[0].detail


def test_archive_wide_ratio_counts_members_sharing_data(read):
    payload = bytes(6 * MiB)
    raw = build(("a", payload, STORED))
    # A second central entry pointing at the same local header: data overlap, the trick
    # of non-recursive zip bombs.
    start = central(raw, "a")
    entry = raw[start : raw.find(b"PK\x05\x06")]
    raw = raw[: start + len(entry)] + entry.replace(b"a", b"b", 1) + raw[start + len(entry) :]
    raw = patch(raw, raw.rfind(b"PK\x05\x06") + 8, "<HHI", 2, 2, 2 * len(entry))
    run = read(iter_zip, raw, Settings(max_compression_ratio=1))
    assert run.member("a").blob is not None
    assert run.member("b").blob is None
    assert run.kinds == ["name-mismatch", "decompression-bomb"]


def test_unsupported_method_is_unreadable(read):
    raw = build(("m", b"data" * 10, DEFLATED))
    raw = patch(raw, local(raw, "m") + 8, "<H", 9)
    raw = patch(raw, central(raw, "m") + 10, "<H", 9)
    run = read(iter_zip, raw)
    assert run.data() == {"m": None}
    (anomaly,) = run.anomalies("unreadable-member")
    assert "deflate64" in anomaly.detail


def test_corrupt_deflate_stream_is_unreadable(read):
    raw = build(("m", b"some text to compress " * 50, DEFLATED), ("n", b"fine", STORED))
    start = local(raw, "m") + 31
    raw = raw[:start] + b"\xff" * 8 + raw[start + 8 :]
    run = read(iter_zip, raw)
    assert run.data()["m"] is None and run.data()["n"] == b"fine"
    assert "unreadable-member" in run.kinds


def test_offsets_out_of_bounds_are_unreadable(read):
    raw = build(("m", b"data", STORED), ("n", b"fine", STORED))
    raw = patch(raw, central(raw, "m") + 42, "<I", 10**9)
    raw = patch(raw, central(raw, "n") + 20, "<I", 10**6)
    run = read(iter_zip, raw)
    # m's local entry is no longer referenced: it shows as data in front of the archive.
    assert run.data() == {"(prefix)": raw[: local(raw, "n")], "m": None, "n": None}
    assert run.kinds == ["malformed", "unreadable-member", "unreadable-member"]


def test_member_limit(read):
    raw = build(*[(f"m{i}", b"x", STORED) for i in range(5)])
    run = read(iter_zip, raw, Settings(max_archive_members=2))
    assert [m.name for m in run.members] == ["m0", "m1"]
    assert run.kinds == ["limit"]


@pytest.mark.parametrize("method", [STORED, DEFLATED])
def test_member_beyond_max_file_size_is_a_limit_not_a_bomb(read, method):
    run = read(iter_zip, build(("m", b"x" * 100, method)), Settings(max_file_size=10))
    assert run.data() == {"m": None}
    assert run.kinds == ["limit"]


# -- not a zip ------------------------------------------------------------------------------
def test_truncated_archive_without_directory_is_malformed(read):
    raw = build(("m", b"data" * 1000, DEFLATED))
    with pytest.raises(MalformedInput):
        read(iter_zip, raw[: len(raw) // 2])


def test_garbage_is_malformed(read):
    with pytest.raises(MalformedInput):
        read(iter_zip, b"\x80\x04\x95 not a zip at all" * 10)


def test_is_zip():
    raw = build(("m", b"data", STORED))
    assert is_zip(raw[:64], Blob.from_bytes(raw))
    assert is_zip(b"PK\x03\x04", Blob.from_bytes(b"PK\x03\x04"))
    assert not is_zip(b"\x80\x04", Blob.from_bytes(b"\x80\x04" + zlib.compress(b"x")))
