"""Helpers shared by the readers: name checks and the read-only file view of a blob."""

from __future__ import annotations

import io

import pytest

from aisec.modelfile.blob import Blob
from aisec.modelfile.containers.member import BlobFile, path_problem


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("archive/data.pkl", None),
        ("a..b/c..", None),
        ("../x", "'..'"),
        ("a/../../x", "'..'"),
        ("a\\..\\x", "'..'"),
        ("/etc/passwd", "absolute"),
        ("\\\\server\\share", "absolute"),
        ("C:\\Windows", "drive letter"),
        ("c:relative", "drive letter"),
        ("dir\\file", "backslash"),
        ("evil\x00.txt", "NUL"),
    ],
)
def test_path_problem(name, problem):
    found = path_problem(name)
    if problem is None:
        assert found is None
    else:
        assert problem in found


def test_blob_file_reads_a_window_and_seeks_like_a_file():
    blob = Blob.from_bytes(b"xxHELLO WORLDyy").slice(2, 13)
    fh = BlobFile(blob)
    assert fh.readable() and fh.seekable() and not fh.writable()
    assert fh.read(5) == b"HELLO"
    assert fh.tell() == 5
    assert fh.seek(-5, io.SEEK_END) == 6
    assert fh.read() == b"WORLD"
    assert fh.read(10) == b""
    fh.seek(100)
    assert fh.read(1) == b""
    fh.seek(1)
    buf = bytearray(4)
    assert fh.readinto(buf) == 4
    assert bytes(buf) == b"ELLO"
    with pytest.raises(OSError):
        fh.seek(-1)
    with pytest.raises(io.UnsupportedOperation):
        fh.write(b"no")
