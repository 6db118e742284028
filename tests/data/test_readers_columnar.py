"""Parquet and Arrow IPC: typed values as text without loss, flattened structs, bounded
batches, and hostile files (bad footer, truncation, width) as clear errors."""

import datetime as dt
import decimal
import struct

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

from aisec.data.readers import (
    DatasetError,
    DatasetLimitExceeded,
    MalformedDataset,
    ReadLimits,
    read_chunks,
)


def _typed_table():
    return pa.table(
        {
            "card": pa.array([4111111111111111, None, 9223372036854775807], pa.int64()),
            "as_float": pa.array([4111111111111111.0, 0.1, 1e300], pa.float64()),
            "f32": pa.array([0.1, None, 2.5], pa.float32()),
            "dec": pa.array(
                [decimal.Decimal("12345678901234567890.12"), None, decimal.Decimal("0.01")],
                pa.decimal128(24, 2),
            ),
            "when": pa.array(
                [dt.datetime(2024, 1, 2, 3, 4, 5, 600000), None, dt.datetime(1999, 12, 31)],
                pa.timestamp("ms", tz="UTC"),
            ),
            "local": pa.array([dt.datetime(2024, 1, 2, 3, 4, 5), None, None], pa.timestamp("s")),
            "paris": pa.array(
                [dt.datetime(2024, 1, 2, 3, 4, 5), None, None], pa.timestamp("s", tz="Europe/Paris")
            ),
            "day": pa.array([dt.date(2024, 2, 29), None, None], pa.date32()),
            "flag": [True, False, None],
            "raw": pa.array([b"\xff\x00", b"plain", None], pa.binary()),
            "cat": pa.array(["a", "b", "a"]).dictionary_encode(),
            "user": pa.array(
                [
                    {"email": "a@example.com", "geo": {"zip": "10115"}},
                    None,
                    {"email": None, "geo": None},
                ]
            ),
            "tags": pa.array([["x", "y"], [], None], pa.list_(pa.string())),
            "attrs": pa.array([[("k", 1)], None, []], pa.map_(pa.string(), pa.int64())),
        }
    )


EXPECTED = {
    "card": ["4111111111111111", None, "9223372036854775807"],
    "as_float": ["4111111111111111", "0.1", "1e+300"],
    "f32": ["0.1", None, "2.5"],
    "dec": ["12345678901234567890.12", None, "0.01"],
    "when": ["2024-01-02T03:04:05.600Z", None, "1999-12-31T00:00:00.000Z"],
    "local": ["2024-01-02T03:04:05", None, None],
    "paris": ["2024-01-02T04:04:05+01:00", None, None],
    "day": ["2024-02-29", None, None],
    "flag": ["true", "false", None],
    "raw": ["base64:/wA=", "plain", None],
    "cat": ["a", "b", "a"],
    "user.email": ["a@example.com", None, None],
    "user.geo.zip": ["10115", None, None],
    "tags": ['["x","y"]', "[]", None],
    "attrs": ['{"k":1}', None, "[]"],
}


def _write_arrow(path, table, *, stream=False, **kwargs):
    opener = ipc.new_stream if stream else ipc.new_file
    with opener(str(path), table.schema) as writer:
        writer.write_table(table, **kwargs)


@pytest.mark.parametrize("kind", ["parquet", "arrow", "arrows"])
def test_typed_values_as_text(tmp_path, kind):
    path = tmp_path / f"t.{kind}"
    if kind == "parquet":
        pq.write_table(_typed_table(), path)
    else:
        _write_arrow(path, _typed_table(), stream=kind == "arrows")
    (chunk,) = read_chunks(path)
    assert chunk.format == ("parquet" if kind == "parquet" else "arrow")
    expected = dict(EXPECTED)
    if kind == "parquet":  # Parquet has no seconds unit: pyarrow stores them as ms
        expected["local"] = ["2024-01-02T03:04:05.000", None, None]
        expected["paris"] = ["2024-01-02T04:04:05.000+01:00", None, None]
    assert chunk.columns == expected
    assert chunk.first_row == 0


def test_depth_cap_keeps_deeper_structs_as_json(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"u": [{"geo": {"zip": "1"}}]}), path)
    (chunk,) = read_chunks(path, limits=ReadLimits(max_depth=1))
    assert chunk.columns == {"u": ['{"geo":{"zip":"1"}}']}


def test_many_batches_from_a_file_larger_than_a_chunk(tmp_path):
    table = pa.table({"id": list(range(30_000)), "e": [f"u{i}@example.com" for i in range(30_000)]})
    path = tmp_path / "big.parquet"
    pq.write_table(table, path, row_group_size=7_000)
    chunks = list(read_chunks(path, chunk_rows=1_000))
    assert len(chunks) >= 30
    assert all(c.num_rows <= 1_000 for c in chunks)
    expected = 0
    for chunk in chunks:
        assert chunk.first_row == expected
        assert chunk.columns["id"][0] == str(expected)
        expected += chunk.num_rows
    assert expected == 30_000
    arrow_path = tmp_path / "big.arrow"
    _write_arrow(arrow_path, table, max_chunksize=25_000)
    chunks = list(read_chunks(arrow_path, chunk_rows=1_000))
    assert len(chunks) >= 30 and all(c.num_rows <= 1_000 for c in chunks)


def test_row_groups_read_a_part(tmp_path):
    path = tmp_path / "g.parquet"
    pq.write_table(pa.table({"id": list(range(100))}), path, row_group_size=25)
    chunks = list(read_chunks(path, row_groups=[2, 3]))
    assert chunks[0].first_row == 0 and chunks[0].columns["id"][0] == "50"
    assert sum(c.num_rows for c in chunks) == 50
    with pytest.raises(DatasetError):
        list(read_chunks(path, row_groups=[9]))


def test_a_value_over_the_cell_cap_is_left_out_and_noted(tmp_path):
    path = tmp_path / "c.parquet"
    pq.write_table(pa.table({"s": ["ok", "x" * 5000], "b": [b"y" * 5000, b"ok"]}), path)
    (chunk,) = read_chunks(path, limits=ReadLimits(max_cell_bytes=1000))
    assert chunk.columns == {"s": ["ok", None], "b": [None, "ok"]}
    assert sorted((s.row, s.column) for s in chunk.skipped) == [(0, "b"), (1, "s")]


def test_max_rows(tmp_path):
    path = tmp_path / "m.parquet"
    pq.write_table(pa.table({"id": list(range(100))}), path)
    chunks = list(read_chunks(path, chunk_rows=30, limits=ReadLimits(max_rows=40)))
    assert [c.num_rows for c in chunks] == [30, 10]


def test_too_many_columns_is_refused(tmp_path):
    path = tmp_path / "w.parquet"
    pq.write_table(pa.table({f"c{i}": [i] for i in range(50)}), path)
    with pytest.raises(DatasetLimitExceeded):
        list(read_chunks(path, limits=ReadLimits(max_columns=20)))


def _parquet_bytes(tmp_path):
    path = tmp_path / "ok.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "e": ["a", "b", "c"]}), path)
    return path.read_bytes()


def test_malformed_parquet_footers(tmp_path):
    good = _parquet_bytes(tmp_path)
    cases = {
        "truncated": good[: len(good) // 2],
        "huge_footer": good[:-8] + struct.pack("<I", 2**31) + b"PAR1",
        "zero_footer": good[:-8] + struct.pack("<I", 0) + b"PAR1",
        "garbled": good[:-40] + b"\xff" * 32 + good[-8:],
        "tiny": b"PAR1PAR1",
    }
    for name, data in cases.items():
        path = tmp_path / f"{name}.parquet"
        path.write_bytes(data)
        with pytest.raises(MalformedDataset):
            list(read_chunks(path, fmt="parquet"))


def test_truncated_and_corrupt_arrow(tmp_path):
    path = tmp_path / "ok.arrow"
    _write_arrow(path, pa.table({"s": ["a" * 100] * 100}))
    good = path.read_bytes()
    for name, data in {
        "half": good[: len(good) // 2],
        "no_footer": good[:-10],
        "flipped": good[:200] + bytes(b ^ 0xFF for b in good[200:400]) + good[400:],
    }.items():
        bad = tmp_path / f"{name}.arrow"
        bad.write_bytes(data)
        with pytest.raises(MalformedDataset):
            list(read_chunks(bad, fmt="arrow"))
    stream = tmp_path / "s.arrows"
    _write_arrow(stream, pa.table({"s": ["a" * 100] * 100}), stream=True)
    cut = tmp_path / "cut.arrows"
    cut.write_bytes(stream.read_bytes()[:500])
    with pytest.raises(MalformedDataset):
        list(read_chunks(cut))
