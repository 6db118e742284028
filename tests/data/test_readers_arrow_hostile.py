"""Hostile Parquet and Arrow files: errors never quote values, values Python cannot hold
are skipped, decompression bombs are refused before they inflate, a corrupt row group
costs only itself, and mutated bytes only ever raise dataset errors."""

import decimal
import re

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.data.readers import (
    DatasetError,
    DatasetLimitExceeded,
    MalformedDataset,
    ReadLimits,
    read_chunks,
)
from aisec.data.readers.parquet_reader import check_group, group_batch_rows

CARD = 4111111111111111


def _write_arrow(path, table, *, stream=False, compression=None):
    options = ipc.IpcWriteOptions(compression=compression)
    opener = ipc.new_stream if stream else ipc.new_file
    with opener(str(path), table.schema, options=options) as writer:
        writer.write_table(table)


def _read_all(path, **kwargs):
    return list(read_chunks(path, **kwargs))


def test_pyarrow_messages_quoting_values_are_not_passed_on(tmp_path):
    # A decimal(5, 0) column whose buffer holds a card number: pyarrow's validation error
    # quotes the value.
    wide = pa.array([decimal.Decimal(CARD)], pa.decimal128(38, 0))
    narrow = pa.Array.from_buffers(pa.decimal128(5, 0), 1, wide.buffers())
    path = tmp_path / "cards.arrow"
    _write_arrow(path, pa.table({"amount": narrow}))
    with pytest.raises(MalformedDataset) as caught:
        _read_all(path)
    message = str(caught.value)
    assert str(CARD)[:4] not in message
    assert not re.search(r"\d{4,}", message)
    assert "record batch 0" in message


def test_a_decimal_with_scale_beyond_precision_is_skipped_not_a_crash(tmp_path):
    base = pa.array([1], pa.decimal128(5, 2))
    odd = pa.Array.from_buffers(pa.decimal128(5, 40194), 1, base.buffers())
    path = tmp_path / "scale.arrow"
    _write_arrow(path, pa.table({"d": odd, "email": pa.array(["a.person@example.com"])}))
    (chunk,) = _read_all(path)
    assert chunk.columns == {"d": [None], "email": ["a.person@example.com"]}
    assert [(s.row, s.column) for s in chunk.skipped] == [(0, "d")]


def test_a_huge_list_in_one_cell_is_left_out_before_conversion(tmp_path):
    zeros = pa.ListArray.from_arrays(
        pa.array([0, 2_000_000, 2_000_003], pa.int32()), pa.array([0] * 2_000_003, pa.int8())
    )
    path = tmp_path / "nest.parquet"
    pq.write_table(pa.table({"l": zeros}), path, compression="zstd")
    assert path.stat().st_size < 20_000
    (chunk,) = _read_all(path, limits=ReadLimits(max_cell_bytes=1000))
    assert chunk.columns == {"l": [None, "[0,0,0]"]}
    assert [(s.row, s.column) for s in chunk.skipped] == [(0, "l")]


def test_nested_cells_over_the_cap_are_left_out_one_by_one(tmp_path):
    lists = pa.array([[1] * (i * 10) for i in range(40)], pa.list_(pa.int64()))
    path = tmp_path / "lists.arrow"
    _write_arrow(path, pa.table({"l": lists}))
    (chunk,) = _read_all(path, limits=ReadLimits(max_cell_bytes=100))
    kept = [i for i, cell in enumerate(chunk.columns["l"]) if cell is not None]
    assert kept == list(range(5))  # [1,1,...] of 50 ones is 101 characters
    assert [s.row for s in chunk.skipped] == list(range(5, 40))


def _string_bomb(path, rows, size, **kwargs):
    table = pa.table({"s": pa.array(["a" * size] * rows)})
    pq.write_table(table, path, compression="zstd", **kwargs)


def test_a_parquet_group_that_inflates_beyond_the_ratio_is_refused(tmp_path):
    path = tmp_path / "bomb.parquet"
    _string_bomb(path, 20, 1 << 20, use_dictionary=False)
    assert path.stat().st_size < 100_000
    with pytest.raises(DatasetLimitExceeded) as caught:
        _read_all(path)
    assert caught.value.limit == "max_inflate_ratio"


def test_the_absolute_group_cap_and_batches_sized_by_bytes(tmp_path):
    path = tmp_path / "wide.parquet"
    _string_bomb(path, 40, 100_000, use_dictionary=False, compression_level=1)
    with pytest.raises(DatasetLimitExceeded) as caught:
        _read_all(path, limits=ReadLimits(max_row_group_bytes=1_000_000))
    assert caught.value.limit == "max_row_group_bytes"
    limits = ReadLimits(max_chunk_bytes=1_000_000)
    size = check_group(pq.ParquetFile(path).metadata.row_group(0), path.stat().st_size, limits)
    assert group_batch_rows(size, 8192, limits) * 100_000 <= 1_000_000
    chunks = _read_all(path, limits=limits)
    assert sum(c.num_rows for c in chunks) == 40
    assert max(c.num_rows for c in chunks) <= 10


@pytest.mark.parametrize("stream", [False, True])
def test_a_compressed_arrow_batch_that_inflates_too_much_is_refused(tmp_path, stream):
    path = tmp_path / "bomb.arrow"
    _write_arrow(path, pa.table({"s": ["a" * (1 << 20)] * 20}), stream=stream, compression="zstd")
    assert path.stat().st_size < 20_000
    with pytest.raises(DatasetLimitExceeded):
        _read_all(path)
    # A compressed file of ordinary size is read as usual.
    small = tmp_path / "ok.arrow"
    _write_arrow(small, pa.table({"s": ["ab"] * 50}), stream=stream, compression="zstd")
    assert sum(c.num_rows for c in _read_all(small)) == 50


def test_a_corrupt_row_group_costs_only_itself_and_later_ones(tmp_path):
    path = tmp_path / "groups.parquet"
    table = pa.table({"id": [str(i) for i in range(3000)], "n": list(range(3000))})
    pq.write_table(table, path, row_group_size=1000, compression=None)
    offset = pq.ParquetFile(path).metadata.row_group(2).column(0).data_page_offset
    data = bytearray(path.read_bytes())
    data[offset : offset + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))
    seen = []

    def consume():
        for chunk in read_chunks(path, chunk_rows=8192):
            seen.append((chunk.first_row, chunk.columns["id"][0], chunk.num_rows))

    with pytest.raises(MalformedDataset, match="row group 2"):
        consume()
    assert seen == [(0, "0", 1000), (1000, "1000", 1000)]


def _seeds(tmp_path):
    table = pa.table(
        {
            "d": pa.array([decimal.Decimal("1.25"), None], pa.decimal128(5, 2)),
            "l": pa.array([[1, 2], None], pa.list_(pa.int16())),
            "s": pa.array(["x", "yz"]),
            "m": pa.array([[("k", 1)], []], pa.map_(pa.string(), pa.int8())),
        }
    )
    parquet, arrow, stream = tmp_path / "s.parquet", tmp_path / "s.arrow", tmp_path / "s.arrows"
    pq.write_table(table, parquet, compression="zstd")
    _write_arrow(arrow, table, compression="lz4")
    _write_arrow(stream, table, stream=True)
    return [(p, p.read_bytes()) for p in (parquet, arrow, stream)]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_columnar_files_raise_only_dataset_errors(tmp_path, data):
    seeds = _seeds(tmp_path)
    path, seed = data.draw(st.sampled_from(seeds))
    mutated = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(mutated) - 1))
        mutated[position] = data.draw(st.integers(0, 255))
    target = tmp_path / ("m" + path.suffix)
    target.write_bytes(bytes(mutated))
    fmt = "parquet" if path.suffix == ".parquet" else "arrow"
    try:
        for _chunk in read_chunks(target, fmt=fmt):
            pass
    except DatasetError:
        pass


@pytest.mark.parametrize("kind", ["parquet", "arrow"])
def test_one_long_dictionary_value_on_every_row_stays_bounded(tmp_path, kind):
    value = "a" * (64 * 1024)
    indices = pa.array([0, 1] * 1000, pa.int32())
    column = pa.DictionaryArray.from_arrays(indices, pa.array([value, "short"]))
    path = tmp_path / f"dict.{kind}"
    if kind == "parquet":
        pq.write_table(pa.table({"s": column}), path, compression="zstd")
        assert path.stat().st_size < 10_000
    else:
        _write_arrow(path, pa.table({"s": column}), compression="zstd")
    if kind == "parquet":
        # 64 MiB of text from a 10 kB file: beyond the inflation ratio once decoded.
        with pytest.raises(DatasetLimitExceeded) as caught:
            _read_all(path)
        assert caught.value.limit == "max_inflate_ratio"
    chunks = _read_all(path, limits=ReadLimits(max_chunk_bytes=1 << 20, max_inflate_ratio=10**7))
    assert max(c.num_rows for c in chunks) <= 32
    assert sum(c.num_rows for c in chunks) == 2000
    capped = _read_all(path, limits=ReadLimits(max_cell_bytes=1000, max_inflate_ratio=10**7))
    cells = [cell for c in capped for cell in c.columns["s"]]
    assert cells == [None, "short"] * 1000
    assert len([s for c in capped for s in c.skipped]) == 1000
