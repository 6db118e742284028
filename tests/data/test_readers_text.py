"""Plain text lines, dispatch by content, errors for what is no dataset, and pyarrow kept
out of ``import aisec``."""

import subprocess
import sys

import pytest

from aisec.core.errors import AisecError
from aisec.data.readers import (
    DATASET_FORMATS,
    DataExtraMissing,
    NotADataset,
    ReadLimits,
    read_chunks,
)


def test_lines_blank_ones_included_with_byte_ranges(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"first line\r\n\nthird \xff\nlast")
    (chunk,) = read_chunks(path)
    assert chunk.format == "text"
    assert chunk.columns == {"text": ["first line", "", "third \ufffd", "last"]}
    assert (chunk.byte_start, chunk.byte_end) == (0, len(path.read_bytes()))


def test_chunks_and_overlong_lines(tmp_path):
    path = tmp_path / "t.txt"
    lines = [f"line {i}" for i in range(1000)]
    lines[500] = "y" * 5000
    path.write_text("\n".join(lines) + "\n")
    chunks = list(read_chunks(path, chunk_rows=64, limits=ReadLimits(max_line_bytes=1000)))
    assert all(c.num_rows <= 64 for c in chunks)
    seen = {c.first_row + i: v for c in chunks for i, v in enumerate(c.columns.get("text", []))}
    assert set(seen) == set(range(1000)) - {500}
    assert seen[999] == "line 999"
    assert [s.row for c in chunks for s in c.skipped] == [500]
    data = path.read_bytes()
    for chunk in chunks:
        piece = data[chunk.byte_start : chunk.byte_end].decode().splitlines()
        assert piece == chunk.columns["text"]


def test_utf16_text(tmp_path):
    path = tmp_path / "u.txt"
    path.write_bytes("Grüße\nzweite Zeile\n".encode("utf-16"))
    (chunk,) = read_chunks(path)
    assert chunk.columns == {"text": ["Grüße", "zweite Zeile"]}


def test_binary_is_not_a_dataset(tmp_path):
    path = tmp_path / "blob.csv"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(NotADataset) as info:
        list(read_chunks(path))
    assert isinstance(info.value, AisecError)


def test_bad_arguments(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x\n")
    with pytest.raises(ValueError, match="unknown dataset format"):
        read_chunks(path, fmt="xlsx")
    with pytest.raises(ValueError, match="chunk_rows"):
        read_chunks(path, chunk_rows=0)
    with pytest.raises(ValueError, match="max_columns"):
        ReadLimits(max_columns=0)
    assert set(DATASET_FORMATS) == {"csv", "parquet", "jsonl", "arrow", "text"}


def test_gzip_bomb_is_refused(tmp_path):
    import zlib

    path = tmp_path / "bomb.txt.gz"
    compressor = zlib.compressobj(9, wbits=31)
    block = b"a" * (1 << 20)
    data = b"".join(compressor.compress(block) for _ in range(24)) + compressor.flush()
    path.write_bytes(data)
    with pytest.raises(AisecError):
        list(read_chunks(path, fmt="text", limits=ReadLimits(max_inflate_ratio=20)))


def test_missing_pyarrow_names_the_extra(tmp_path, monkeypatch):
    import importlib

    real = importlib.import_module

    def no_pyarrow(name, *args):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_pyarrow)
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(DataExtraMissing) as info:
        list(read_chunks(path))
    assert "pip install 'aisec[data]'" in str(info.value)


def test_importing_aisec_and_the_readers_does_not_import_pyarrow():
    code = "import sys, aisec, aisec.data.readers; print('pyarrow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
