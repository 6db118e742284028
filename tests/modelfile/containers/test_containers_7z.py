"""The 7z reader: archives written with py7zr, then patched where py7zr would refuse."""

from __future__ import annotations

import io
import struct
import zlib

import pytest

from aisec.core.errors import MalformedInput
from aisec.core.settings import Settings
from aisec.modelfile.containers.sevenzip import is_7z, iter_7z

py7zr = pytest.importorskip("py7zr")
MiB = 1024 * 1024


def build(*files: tuple[str, bytes], **options: object) -> bytes:
    """A 7z archive with a plain (unencoded) header, so tests can patch names and CRCs."""
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", **options) as archive:
        archive.set_encoded_header_mode(False)
        for name, data in files:
            archive.writestr(data, name)
    return buf.getvalue()


def fix_header_crc(raw: bytes) -> bytes:
    """Recompute the next-header CRC and the start-header CRC after a patch."""
    offset, size = struct.unpack_from("<QQ", raw, 12)
    out = bytearray(raw)
    struct.pack_into("<I", out, 28, zlib.crc32(raw[32 + offset : 32 + offset + size]))
    struct.pack_into("<I", out, 8, zlib.crc32(bytes(out[12:32])))
    return bytes(out)


def rename(raw: bytes, old: str, new: str) -> bytes:
    assert len(old) == len(new)
    return fix_header_crc(raw.replace(old.encode("utf-16-le"), new.encode("utf-16-le")))


def test_several_members_round_trip(read):
    files = {"archive/data.pkl": b"\x80\x04N." * 100, "weights.bin": bytes(range(256)) * 50}
    raw = build(*files.items(), ("empty.txt", b""))
    assert is_7z(raw)
    run = read(iter_7z, raw)
    assert run.data() == {**files, "empty.txt": b""}
    assert {m.name: m.declared_size for m in run.members} == {
        "archive/data.pkl": 400,
        "weights.bin": 12800,
        "empty.txt": 0,
    }
    assert run.kinds == []


@pytest.mark.parametrize(
    "filters",
    [
        [{"id": py7zr.FILTER_COPY}],
        [{"id": py7zr.FILTER_BZIP2}],
        [{"id": py7zr.FILTER_DEFLATE}],
        [{"id": py7zr.FILTER_DELTA}, {"id": py7zr.FILTER_LZMA2}],
    ],
)
def test_filters(read, filters):
    files = {"a": b"alpha" * 300, "b": b"beta" * 300}
    assert read(iter_7z, build(*files.items(), filters=filters)).data() == files


def test_members_spill_to_temp_files_once_the_pass_holds_too_much(read, monkeypatch):
    from aisec.modelfile.containers import sevenzip

    monkeypatch.setattr(sevenzip, "SPOOL_THRESHOLD", 1000)
    files = {f"m{i}": bytes([i]) * 700 for i in range(4)}
    assert read(iter_7z, build(*files.items())).data() == files


def test_traversal_names_are_read_under_their_real_name(read):
    raw = rename(build(("xx/evil.pkl", b"payload"), ("ok", b"fine")), "xx/evil", "../evil")
    run = read(iter_7z, raw)
    assert run.data() == {"../evil.pkl": b"payload", "ok": b"fine"}
    (anomaly,) = run.anomalies("path-traversal")
    assert anomaly.location.member == ("../evil.pkl",)


def test_duplicate_names_each_read(read):
    raw = rename(build(("aaaa", b"first"), ("bbbb", b"second")), "bbbb", "aaaa")
    run = read(iter_7z, raw)
    assert [(m.name, m.blob.read(0, 10)) for m in run.members] == [
        ("aaaa", b"first"),
        ("aaaa", b"second"),
    ]


def test_bomb_by_declared_size_is_not_decoded(read):
    raw = build(("small", b"fine"), ("zeros", bytes(3 * MiB)))
    run = read(iter_7z, raw, Settings(max_decompressed_size=MiB))
    assert run.data() == {"small": b"fine", "zeros": None}
    (bomb,) = run.anomalies("decompression-bomb")
    assert bomb.location.member == ("zeros",)
    assert bomb.evidence["declared"] == 3 * MiB


def test_member_beyond_max_file_size_is_a_limit(read):
    run = read(iter_7z, build(("big", b"x" * 100)), Settings(max_file_size=10))
    assert run.data() == {"big": None}
    assert run.kinds == ["limit"]


def test_member_after_a_bomb_in_the_same_solid_block(read):
    # Reaching it means decoding the bomb first, which the budget forbids.
    raw = build(("zeros", bytes(3 * MiB)), ("after", b"fine"))
    run = read(iter_7z, raw, Settings(max_decompressed_size=MiB))
    assert run.data() == {"zeros": None, "after": None}
    assert run.kinds == ["decompression-bomb", "unreadable-member"]


def test_ratio_bomb_with_default_settings(read):
    raw = build(("zeros", bytes(20 * MiB)))
    assert len(raw) < 100_000
    run = read(iter_7z, raw)
    assert run.data() == {"zeros": None}
    assert run.kinds == ["decompression-bomb"]


def test_encrypted_members_need_a_password(read):
    raw = build(("a", b"secret"), ("b", b"more"), password="hunter2")
    run = read(iter_7z, raw)
    assert run.data() == {"a": None, "b": None}
    assert all("password" in m.error for m in run.members)
    assert run.kinds == ["unreadable-member", "unreadable-member"]


def test_encrypted_header(read):
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", password="hunter2", header_encryption=True) as archive:
        archive.writestr(b"secret", "a")
    run = read(iter_7z, buf.getvalue())
    assert run.members == []
    (anomaly,) = run.anomalies("unreadable-member")
    assert "password" in anomaly.detail


def test_crc_mismatch_is_recorded_and_member_still_read(read):
    data = b"checked data " * 40
    raw = build(("m", data))
    crc = struct.pack("<I", zlib.crc32(data))
    assert raw.count(crc) == 1
    run = read(iter_7z, fix_header_crc(raw.replace(crc, b"\x01\x02\x03\x04")))
    assert run.data() == {"m": data}
    assert run.kinds == ["crc-mismatch"]


def test_corrupt_packed_data_is_unreadable_not_fatal(read):
    raw = bytearray(build(("m", bytes(range(256)) * 200), filters=[{"id": py7zr.FILTER_LZMA2}]))
    raw[40:60] = b"\xff" * 20
    run = read(iter_7z, bytes(raw))
    assert run.data()["m"] is None or "crc-mismatch" in run.kinds
    assert set(run.kinds) <= {"unreadable-member", "crc-mismatch", "malformed"}
    assert run.kinds


def test_symlinks_are_reported_not_followed(read, tmp_path):
    (tmp_path / "target").write_bytes(b"data")
    (tmp_path / "link").symlink_to("target")
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w") as archive:
        archive.write(tmp_path / "target", "target")
        archive.write(tmp_path / "link", "link")
    run = read(iter_7z, buf.getvalue())
    assert run.data() == {"target": b"data"}
    assert [a.location.member for a in run.anomalies("link-member")] == [("link",)]


def test_member_limit(read):
    raw = build(*[(f"m{i}", b"x") for i in range(5)])
    run = read(iter_7z, raw, Settings(max_archive_members=2))
    assert [m.name for m in run.members] == ["m0", "m1"]
    assert run.kinds == ["limit"]


def test_nothing_is_written_to_disk(read, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    raw = rename(build(("xx/x", b"1"), ("abs", b"2")), "xx/x", "../x")
    read(iter_7z, raw)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("cut", [10, 40, -30])
def test_truncated_or_garbage_archive_is_malformed(read, cut):
    raw = build(("m", b"data" * 100))
    with pytest.raises(MalformedInput):
        read(iter_7z, raw[:cut])


def test_garbage_after_the_signature_is_malformed(read):
    with pytest.raises(MalformedInput):
        read(iter_7z, b"7z\xbc\xaf\x27\x1c" + b"\x00\x04" + bytes(range(200)))


def test_is_7z():
    assert is_7z(b"7z\xbc\xaf\x27\x1c\x00\x04")
    assert not is_7z(b"PK\x03\x04")
