"""CSV reading: cells exactly as written, exact row indices and byte ranges, bounded
chunks, and bad rows skipped with a note instead of failing the file."""

import csv
import gzip
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisec.core.errors import AisecError, LimitExceeded
from aisec.data.readers import DatasetLimitExceeded, ReadLimits, read_chunks


def _write_csv(path, rows, **fmt):
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, **fmt).writerows(rows)


def _rows(chunks):
    """(row index, cells) for every row, checking chunks are consecutive inside."""
    out = []
    for chunk in chunks:
        names = list(chunk.columns)
        for i in range(chunk.num_rows):
            out.append((chunk.first_row + i, [chunk.columns[n][i] for n in names]))
    return out


cells = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    width=st.integers(2, 5),
    data=st.data(),
    chunk_rows=st.integers(1, 7),
)
def test_round_trip_through_the_csv_module(tmp_path, width, data, chunk_rows):
    body = data.draw(st.lists(st.lists(cells, min_size=width, max_size=width), max_size=25))
    # A row of empty cells is written as delimiters only, so it stays a row.
    header = [f"c{i}" for i in range(width)]
    path = tmp_path / "t.csv"
    _write_csv(path, [header, *body])
    chunks = list(read_chunks(path, fmt="csv", chunk_rows=chunk_rows))
    assert all(c.num_rows <= chunk_rows for c in chunks)
    assert _rows(chunks) == list(enumerate(body))
    assert all(list(c.columns) == header for c in chunks if c.num_rows)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_give_rows_or_a_dataset_error(tmp_path, data):
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    try:
        chunks = list(
            read_chunks(path, fmt="csv", chunk_rows=3, limits=ReadLimits(max_line_bytes=200))
        )
    except AisecError:
        return
    rows = [r for r, _ in _rows(chunks)]
    assert rows == sorted(set(rows))


def test_quoted_newlines_blank_lines_and_bad_rows_keep_row_indices(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b'id,note\n0,"two\nlines"\n\n1,ok\n2,too,many\n3,"a ""quote"""\n4\n5,last')
    chunks = list(read_chunks(path))
    assert _rows(chunks) == [
        (0, ["0", "two\nlines"]),
        (1, ["1", "ok"]),
        (3, ["3", 'a "quote"']),
        (5, ["5", "last"]),
    ]
    skipped = [(s.row, s.reason) for c in chunks for s in c.skipped]
    assert skipped == [(2, "wrong number of fields"), (4, "wrong number of fields")]


def test_chunks_stay_bounded_on_a_file_much_larger_than_a_chunk(tmp_path):
    path = tmp_path / "big.csv"
    rows = [["id", "email", "card"]] + [
        [i, f"user{i}@example.com", 4000000000000000 + i] for i in range(20_000)
    ]
    _write_csv(path, rows)
    chunks = list(read_chunks(path, chunk_rows=500))
    assert len(chunks) >= 40
    assert all(0 < c.num_rows <= 500 for c in chunks)
    assert sum(c.num_rows for c in chunks) == 20_000
    data = path.read_bytes()
    expected = 0
    for chunk in chunks:
        assert chunk.first_row == expected
        expected += chunk.num_rows
        if chunk.byte_start is not None:
            piece = data[chunk.byte_start : chunk.byte_end].decode()
            assert [r[0] for r in csv.reader(io.StringIO(piece))] == chunk.columns["id"]
    assert sum(1 for c in chunks if c.byte_start is not None) >= len(chunks) // 2
    assert chunks[-1].columns["card"][-1] == "4000000000019999"


def test_wide_rows_give_shorter_chunks(tmp_path):
    path = tmp_path / "wide.csv"
    _write_csv(path, [[f"c{i}" for i in range(100)]] + [list(range(100))] * 50)
    chunks = list(read_chunks(path, chunk_rows=1000, limits=ReadLimits(max_chunk_cells=1000)))
    assert all(c.num_rows <= 10 for c in chunks)
    assert sum(c.num_rows for c in chunks) == 50


def test_a_million_columns_is_refused_before_parsing(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes(b",".join(b"c%d" % i for i in range(1_000_000)) + b"\n")
    with pytest.raises(DatasetLimitExceeded) as info:
        list(read_chunks(path))
    assert isinstance(info.value, LimitExceeded)
    assert info.value.limit == "max_columns"


def test_a_record_with_no_end_within_the_cap_is_skipped(tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(b"a,b\n1,2\n3," + b"x" * 5000 + b"\n4,5\n6," + b"y" * 5000)
    chunks = list(read_chunks(path, limits=ReadLimits(max_line_bytes=1000)))
    assert _rows(chunks) == [(0, ["1", "2"]), (2, ["4", "5"])]
    assert [s.row for c in chunks for s in c.skipped] == [1, 3]
    assert chunks[-1].first_row + chunks[-1].num_rows == 4


def test_a_cell_over_the_cap_is_left_out_and_noted(tmp_path):
    path = tmp_path / "cell.csv"
    path.write_bytes(b"a,b\n1," + b"x" * 3000 + b"\n2,ok\n")
    (chunk,) = read_chunks(path, limits=ReadLimits(max_cell_bytes=1000))
    assert chunk.columns["b"] == [None, "ok"]
    assert [(s.row, s.column) for s in chunk.skipped] == [(0, "b")]
    assert "xxx" not in chunk.skipped[0].reason


def test_header_only_and_empty_files(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(b"a,b\n")
    assert list(read_chunks(path, fmt="csv")) == []
    path.write_bytes(b"")
    assert list(read_chunks(path, fmt="csv")) == []


def test_dialects_encodings_and_gzip(tmp_path):
    rows = [["name", "email"], ["Zoë", "z@example.com"], ["Ann", "a;b@example.com"]]
    for name, kwargs in (
        ("t.tsv", {"delimiter": "\t"}),
        ("s.txt", {"delimiter": ";"}),
        ("p", {"delimiter": "|"}),
    ):
        path = tmp_path / name
        _write_csv(path, rows, **kwargs)
        assert _rows(read_chunks(path)) == [(0, rows[1]), (1, rows[2])]
    text = "name,email\r\nZoë,z@example.com\r\n"
    for encoding in ("utf-8-sig", "utf-16"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        (chunk,) = read_chunks(path)
        assert chunk.columns == {"name": ["Zoë"], "email": ["z@example.com"]}
    path = tmp_path / "z.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    (chunk,) = read_chunks(path)
    assert chunk.columns["name"] == ["Zoë"] and chunk.byte_start is None


def test_invalid_utf8_is_replaced_not_fatal(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b\n1,caf\xe9\n2,ok\n")
    (chunk,) = read_chunks(path)
    assert chunk.columns["b"] == ["caf\ufffd", "ok"]


def test_nul_bytes_are_data_when_the_format_is_given(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"a,b\n1,x\x00y\n")
    (chunk,) = read_chunks(path, fmt="csv")
    assert chunk.columns["b"] == ["x\x00y"]


def test_duplicate_and_empty_header_names(tmp_path):
    path = tmp_path / "names.csv"
    path.write_bytes(b"a,a,,b\n1,2,3,4\n")
    (chunk,) = read_chunks(path)
    assert list(chunk.columns) == ["a", "a_2", "column_3", "b"]


def test_byte_ranges_read_parts_with_rows_numbered_from_the_part(tmp_path):
    path = tmp_path / "p.csv"
    _write_csv(path, [["id", "v"]] + [[i, f"v{i}"] for i in range(100)])
    data = path.read_bytes()
    cut = data.index(b"\n50,") + 1
    first = _rows(read_chunks(path, byte_range=(0, cut)))
    second = _rows(read_chunks(path, byte_range=(cut, None)))
    assert first == [(i, [str(i), f"v{i}"]) for i in range(50)]
    assert second == [(i, [str(50 + i), f"v{50 + i}"]) for i in range(50)]


def test_a_part_that_ends_inside_a_quoted_field_is_reported(tmp_path):
    path = tmp_path / "q.csv"
    path.write_bytes(b'id,v\n1,"a\n2,b\n3,c"\n4,d\n')
    cut = path.read_bytes().index(b"3,")
    with pytest.raises(AisecError):
        list(read_chunks(path, byte_range=(0, cut)))


def test_max_rows_stops_reading(tmp_path):
    path = tmp_path / "m.csv"
    _write_csv(path, [["id", "v"]] + [[i, i] for i in range(100)])
    chunks = list(read_chunks(path, chunk_rows=30, limits=ReadLimits(max_rows=45)))
    assert sum(c.num_rows for c in chunks) == 45
