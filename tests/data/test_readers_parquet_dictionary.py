"""Parquet dictionary bombs: one long dictionary entry referenced by every row is measured
before it is copied into rows (refused past the inflation caps, left out past the cell
cap, chunks sized by their decoded bytes); the footer walk that finds dictionary columns
only reads what it needs and fails with dataset errors on any bytes."""

import struct

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.data.readers import DatasetLimitExceeded, MalformedDataset, ReadLimits, read_chunks
from aisec.data.readers.parquet_dictionaries import dictionary_columns, footer_bytes
from aisec.data.readers.thrift_compact import CompactReader

LOOSE = {"max_inflate_ratio": 10**9, "max_row_group_bytes": 1 << 40}


def _bomb(path, rows, size, *, nested=False, ids=True):
    """``rows`` rows all referencing one dictionary entry of ``size`` bytes. Without the
    stored Arrow schema pyarrow would read the column as plain strings."""
    column = pa.DictionaryArray.from_arrays(
        pa.array([0] * rows, pa.int32()), pa.array(["a" * size])
    )
    if nested:
        offsets = pa.array(range(rows + 1), pa.int32())
        column = pa.ListArray.from_arrays(offsets, column.dictionary_decode().dictionary_encode())
    table = pa.table({"id": pa.array(range(rows), pa.int32()), "s": column})
    if not ids:
        table = table.drop_columns(["id"])
    pq.write_table(table, path, compression="zstd", store_schema=False, write_statistics=False)


def _footer(path):
    (length,) = struct.unpack("<I", path.read_bytes()[-8:-4])
    return footer_bytes(path, length)


def test_a_million_rows_of_one_entry_are_refused_before_they_inflate(tmp_path):
    path = tmp_path / "bomb.parquet"
    _bomb(path, 1_000_000, 2048, ids=False)
    assert path.stat().st_size < 20_000
    assert pq.ParquetFile(path).schema_arrow.field("s").type == pa.string()
    assert dictionary_columns(_footer(path)) == {0}
    with pytest.raises(DatasetLimitExceeded) as caught:
        list(read_chunks(path, fmt="parquet"))
    assert caught.value.limit in {"max_inflate_ratio", "max_row_group_bytes"}


def test_an_entry_over_the_cell_cap_is_left_out_on_every_row(tmp_path):
    path = tmp_path / "cells.parquet"
    _bomb(path, 3000, 100_000)
    chunks = list(read_chunks(path, limits=ReadLimits(max_cell_bytes=1000, **LOOSE)))
    assert sum(c.num_rows for c in chunks) == 3000
    assert all(cell is None for c in chunks for cell in c.columns["s"])
    skipped = [(s.row, s.column) for c in chunks for s in c.skipped]
    assert skipped == [(row, "s") for row in range(3000)]


@pytest.mark.parametrize("nested", [False, True])
def test_chunks_of_decoded_entries_stay_under_the_chunk_cap(tmp_path, nested):
    path = tmp_path / "chunks.parquet"
    _bomb(path, 2000, 50_000, nested=nested)
    cap = 1 << 20
    chunks = list(read_chunks(path, limits=ReadLimits(max_chunk_bytes=cap, **LOOSE)))
    assert sum(c.num_rows for c in chunks) == 2000
    for chunk in chunks:
        text = sum(len(cell or "") for cells in chunk.columns.values() for cell in cells)
        assert text <= cap
    assert not [s for c in chunks for s in c.skipped]


def test_an_ordinary_categorical_column_reads_as_its_text(tmp_path):
    path = tmp_path / "cat.parquet"
    colours = ["red", "green", None, "blue"] * 500
    pq.write_table(pa.table({"n": list(range(2000)), "c": colours}), path, store_schema=False)
    assert dictionary_columns(_footer(path)) == {0, 1}
    chunks = list(read_chunks(path, chunk_rows=700))
    assert [cell for c in chunks for cell in c.columns["c"]] == colours
    assert [cell for c in chunks for cell in c.columns["n"]] == [str(i) for i in range(2000)]


def test_plain_and_fallback_text_is_not_read_as_a_dictionary(tmp_path):
    plain, fallback = tmp_path / "plain.parquet", tmp_path / "fallback.parquet"
    words = [f"value {i}" for i in range(40_000)]
    pq.write_table(pa.table({"t": words}), plain, use_dictionary=False)
    # A small dictionary page limit makes the writer fall back to plain pages.
    pq.write_table(pa.table({"t": words}), fallback, dictionary_pagesize_limit=4096)
    assert dictionary_columns(_footer(plain)) == set()
    assert dictionary_columns(_footer(fallback)) == set()
    for path in (plain, fallback):
        assert [v for c in read_chunks(path) for v in c.columns["t"]] == words


def test_the_compact_reader_walks_nested_values():
    # struct {1: i32 -3, 2: list<binary> ["ab"], 4: struct {1: true}, 5: double}; stop
    data = bytes([0x15, 0x05, 0x19, 0x18, 0x02]) + b"ab" + bytes([0x2C, 0x11, 0x00, 0x17])
    data += struct.pack("<d", 1.5) + bytes([0x00])
    reader = CompactReader(data)
    seen = []
    for field, kind in reader.fields():
        seen.append((field, kind))
        reader.skip(kind)
    assert seen == [(1, 5), (2, 9), (4, 12), (5, 7)]
    assert reader.pos == len(data)


def _good_footer(tmp_path):
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"a": ["x", "y"], "b": [1, 2]}), path)
    return _footer(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_footers_only_raise_dataset_errors(tmp_path, data):
    footer = bytearray(_good_footer(tmp_path))
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(footer) - 1))
        footer[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(footer)))
    try:
        found = dictionary_columns(bytes(footer[:cut]))
    except MalformedDataset:
        return
    assert all(0 <= index < len(footer) for index in found)


@given(st.binary(max_size=300))
def test_random_bytes_only_raise_dataset_errors(raw):
    try:
        found = dictionary_columns(raw)
    except MalformedDataset:
        return
    assert all(0 <= index < len(raw) for index in found)


def test_deep_nesting_and_lying_lengths_are_refused():
    deep = bytes([0x1C]) * 100  # field 1 of type struct, again and again
    with pytest.raises(MalformedDataset):
        dictionary_columns(deep)
    huge_list = bytes([0x49, 0xFC, 0xFF, 0xFF, 0xFF, 0x0F])  # row groups: 2^32 structs
    with pytest.raises(MalformedDataset):
        dictionary_columns(huge_list)
