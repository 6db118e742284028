"""The tar reader: archives built with ``tarfile``, then patched where a writer would refuse."""

from __future__ import annotations

import io
import tarfile

import pytest

from aisec.core.errors import MalformedInput
from aisec.core.settings import Settings
from aisec.modelfile.containers.tar import is_tar, iter_tar


def build(*members: tarfile.TarInfo | tuple[str, bytes], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tf:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                tf.addfile(member)
            else:
                info = tarfile.TarInfo(member[0])
                info.size = len(member[1])
                tf.addfile(info, io.BytesIO(member[1]))
    return buf.getvalue()


def special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


def rechecksum(block: bytearray) -> None:
    rechecksum_at(block, 0)


def rechecksum_at(raw: bytearray, start: int) -> None:
    raw[start + 148 : start + 156] = b" " * 8
    raw[start + 148 : start + 156] = b"%06o\x00 " % sum(raw[start : start + 512])


@pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_regular_members_are_zero_copy_windows(read, fmt):
    long_name = "deep/" * 25 + "weights.bin" if fmt != tarfile.USTAR_FORMAT else "weights.bin"
    payload = bytes(range(256)) * 10
    raw = build(("data.pkl", b"\x80\x04N."), (long_name, payload), fmt=fmt)
    assert is_tar(raw[:1024])
    run = read(iter_tar, raw)
    assert run.data() == {"data.pkl": b"\x80\x04N.", long_name: payload}
    member = run.member(long_name)
    assert member.blob.data is run.blob.data
    assert raw[member.offset : member.offset + len(payload)] == payload
    assert run.kinds == []


def test_links_are_reported_not_followed(read):
    raw = build(
        ("real", b"content"),
        special("soft", tarfile.SYMTYPE, "real"),
        special("hard", tarfile.LNKTYPE, "real"),
        special("escape", tarfile.SYMTYPE, "../../etc/passwd"),
    )
    run = read(iter_tar, raw)
    assert run.data() == {"real": b"content"}
    links = run.anomalies("link-member")
    assert [a.evidence["type"] for a in links] == ["symbolic link", "hard link", "symbolic link"]
    assert [a.location.member for a in links] == [("soft",), ("hard",), ("escape",)]
    (traversal,) = run.anomalies("path-traversal")
    assert traversal.evidence["target"] == "../../etc/passwd"


@pytest.mark.parametrize("name", ["../../.bashrc", "/etc/cron.d/job", "ok/../../x"])
def test_traversal_names_are_recorded_and_still_read(read, name):
    run = read(iter_tar, build((name, b"payload")))
    assert run.data() == {name: b"payload"}
    (anomaly,) = run.anomalies("path-traversal")
    assert anomaly.location.member == (name,)


def test_devices_and_fifos_are_skipped_with_an_anomaly(read):
    raw = build(
        special("dev/null", tarfile.CHRTYPE),
        special("dev/sda", tarfile.BLKTYPE),
        special("pipe", tarfile.FIFOTYPE),
        special("dir", tarfile.DIRTYPE),
        ("file", b"x"),
    )
    run = read(iter_tar, raw)
    assert run.data() == {"file": b"x"}
    assert [a.evidence["type"] for a in run.anomalies("unreadable-member")] == [
        "character device",
        "block device",
        "FIFO",
    ]


def test_sparse_member_is_reported_without_data(read):
    raw = bytearray(build(("holes", b"s" * 100), fmt=tarfile.GNU_FORMAT))
    raw[156:157] = tarfile.GNUTYPE_SPARSE
    rechecksum(raw)
    run = read(iter_tar, bytes(raw))
    assert run.data() == {"holes": None}
    assert run.anomalies("unreadable-member")[0].evidence["type"] == "sparse"


def test_old_v7_header_without_magic(read):
    raw = bytearray(build(("legacy.pt", b"old"), fmt=tarfile.USTAR_FORMAT))
    raw[257:265] = bytes(8)
    rechecksum(raw)
    assert is_tar(bytes(raw[:512]))
    assert read(iter_tar, bytes(raw)).data() == {"legacy.pt": b"old"}


def test_truncated_member_data_is_unreadable(read):
    raw = build(("first", b"1" * 10), ("second", b"2" * 2000))
    run = read(iter_tar, raw[: 512 * 3 + 100])
    assert run.data() == {"first": b"1" * 10, "second": None}
    assert "unreadable-member" in run.kinds


def test_broken_header_after_the_first_ends_the_walk_with_a_note(read):
    raw = bytearray(build(("first", b"1"), ("second", b"2")))
    raw[1024 + 148 : 1024 + 156] = b"garbage!"
    run = read(iter_tar, bytes(raw))
    assert run.data() == {"first": b"1"}
    assert run.kinds == ["trailing-data"]


def test_negative_size_stops_the_walk(read):
    raw = bytearray(build(("first", b"1"), ("second", b"2"), fmt=tarfile.GNU_FORMAT))
    raw[512 + 512 + 124 : 512 + 512 + 136] = b"\xff" * 12  # base-256: -1
    rechecksum_at(raw, 1024)
    run = read(iter_tar, bytes(raw))
    assert run.data() == {"first": b"1"}
    assert run.kinds == ["unreadable-member"]
    assert run.report.anomalies[0].location.offset == 1024


def test_data_hidden_after_the_end_of_archive(read):
    raw = build(("first", b"1")) + b"hidden payload" + bytes(500)
    run = read(iter_tar, raw)
    assert run.data() == {"first": b"1"}
    (trailing,) = run.anomalies("trailing-data")
    assert trailing.location.offset == raw.index(b"hidden payload")


def test_member_limit(read):
    raw = build(*[(f"m{i}", b"x") for i in range(5)])
    run = read(iter_tar, raw, Settings(max_archive_members=3))
    assert len(run.members) == 3
    assert run.kinds == ["limit"]


def test_member_beyond_max_file_size(read):
    run = read(iter_tar, build(("big", b"x" * 100)), Settings(max_file_size=10))
    assert run.data() == {"big": None}
    assert run.kinds == ["limit"]


@pytest.mark.parametrize("data", [b"", b"not a tar archive" * 100])
def test_not_a_tar_is_malformed(read, data):
    with pytest.raises(MalformedInput):
        read(iter_tar, data)


def test_end_of_archive_blocks_alone_are_an_empty_archive(read):
    run = read(iter_tar, bytes(10240))
    assert run.members == []
    assert run.kinds == []


def test_is_tar_rejects_other_data():
    assert not is_tar(bytes(512))
    assert not is_tar(b"PK\x03\x04" + bytes(600))
    assert not is_tar(b"short")
