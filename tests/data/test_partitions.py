"""Partition planning: cuts fall on record ends, and the partitions tile the file."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.data import partitions as parts
from aisec.data.partitions import Partition, plan_partitions


def _pieces(path, plan):
    data = path.read_bytes()
    return [data[p.byte_start : p.byte_end] for p in plan]


def test_small_files_are_one_partition(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n")
    assert plan_partitions(str(path), "a.csv", "csv") == [Partition(str(path), "a.csv", "csv", 0)]
    assert plan_partitions(str(path), "a.csv", "csv")[0].whole_file


def test_line_files_are_cut_after_newlines(tmp_path, monkeypatch):
    monkeypatch.setattr(parts, "_BLOCK", 64)  # cuts across block boundaries too
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"".join(b'{"n": %d}\n' % i for i in range(500)))
    plan = plan_partitions(str(path), "a.jsonl", "jsonl", target_bytes=300)
    assert len(plan) > 10
    pieces = _pieces(path, plan)
    assert b"".join(pieces) == path.read_bytes()
    assert all(piece.endswith(b"\n") for piece in pieces)
    assert [p.index for p in plan] == list(range(len(plan)))
    assert plan[-1].byte_end is None


def test_a_file_without_newlines_after_the_target_stays_whole(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 1000)
    assert len(plan_partitions(str(path), "a.txt", "text", target_bytes=100)) == 1


rows = st.lists(
    st.lists(st.text(alphabet='ab,"\n x', max_size=12), min_size=2, max_size=2),
    min_size=1,
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(rows=rows, target=st.integers(min_value=1, max_value=80), block=st.integers(4, 50))
def test_csv_cuts_never_split_a_quoted_field(tmp_path_factory, rows, target, block):
    path = tmp_path_factory.mktemp("csv") / "d.csv"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["h1", "h2"])
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode())
    original = parts._BLOCK
    parts._BLOCK = block
    try:
        plan = plan_partitions(str(path), "d.csv", "csv", target_bytes=target)
    finally:
        parts._BLOCK = original
    pieces = _pieces(path, plan)
    assert b"".join(pieces) == path.read_bytes()
    parsed = []
    for piece in pieces:
        parsed.extend(csv.reader(io.StringIO(piece.decode(), newline="")))
    assert parsed == [["h1", "h2"], *rows]


def test_parquet_files_are_split_by_row_groups(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "d.parquet"
    table = pa.table({"x": list(range(10_000)), "s": [f"value {i}" for i in range(10_000)]})
    pq.write_table(table, path, row_group_size=1000)
    target = pq.ParquetFile(path).metadata.row_group(0).total_byte_size * 3
    plan = plan_partitions(str(path), "d.parquet", "parquet", target_bytes=target)
    groups = [g for p in plan for g in p.row_groups]
    assert groups == list(range(10))
    assert len(plan) in (3, 4)
    assert not any(p.whole_file for p in plan)


def test_compressed_and_utf16_files_are_read_whole(tmp_path):
    import gzip

    text = "".join(f"line {i}\n" for i in range(2000))
    packed = tmp_path / "a.csv.gz"
    packed.write_bytes(gzip.compress(text.encode(), compresslevel=0))
    wide = tmp_path / "b.txt"
    wide.write_bytes(text.encode("utf-16"))
    for path, fmt in ((packed, "csv"), (wide, "text")):
        (only,) = plan_partitions(str(path), path.name, fmt, target_bytes=1000)
        assert only.whole_file


def test_csv_cuts_follow_quotes_only_at_field_start(tmp_path):
    # A stray quote inside an unquoted field (5" screen) must not flip the quoting state:
    # counting every quote would put later cuts inside quoted multi-line fields.
    lines = ["id,notes"]
    for i in range(3000):
        if i == 10:
            lines.append(f'{i},size 5" screen')
        elif i % 3 == 0:
            lines.append(f'{i},"first line\nsecond, with comma"')
        else:
            lines.append(f"{i},plain {i}")
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n")
    plan = plan_partitions(str(path), "stray.csv", "csv", target_bytes=2000)
    assert len(plan) > 10
    whole = list(csv.reader(io.StringIO(path.read_text(), newline="")))
    pieces = []
    for piece in _pieces(path, plan):
        pieces.extend(csv.reader(io.StringIO(piece.decode(), newline="")))
    assert pieces == whole
