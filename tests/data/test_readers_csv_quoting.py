"""CSV record boundaries: a quote opens a field only at its start, ``""`` is an escaped
quote, the csv module's field cap does not shift rows, and records that do not parse keep
their text for the scan."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.data.readers import ReadLimits, read_chunks
from aisec.data.readers.csv_records import record_ends


def _rows(chunks):
    out = []
    for chunk in chunks:
        names = list(chunk.columns)
        for i in range(chunk.num_rows):
            out.append((chunk.first_row + i, [chunk.columns[n][i] for n in names]))
    return out


def _truth(path):
    previous = csv.field_size_limit(1 << 30)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.reader(handle) if row]
    finally:
        csv.field_size_limit(previous)
    return list(enumerate(rows[1:]))


def test_record_ends_follows_field_start_quoting():
    data = b'a,5\'10",x\n"q,""\n",y\n"open\nstill\n'
    ends, in_quotes = record_ends(data, b",")
    assert ends == [data.index(b"x\n") + 2, data.index(b"y\n") + 2]
    assert in_quotes
    # Resuming inside the quoted field finds where it closes.
    assert record_ends(b'end",z\nnext\n', b",", True) == ([7, 12], False)
    assert record_ends(b'a\tb"c\td\n', b"\t") == ([8], False)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.lists(st.text(alphabet="ab\",\n\r 5'", max_size=6), min_size=2, max_size=2),
        max_size=8,
    )
)
def test_record_ends_agrees_with_the_csv_module(rows):
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)  # "\r\n" endings, so a lone "\r" is quoted
    data = out.getvalue().encode()
    ends, in_quotes = record_ends(data, b",")
    assert not in_quotes
    assert len(ends) == len(rows)
    starts = [0, *ends][: len(ends)]
    records = [data[a:b].decode() for a, b in zip(starts, ends, strict=True)]
    parsed = [next(csv.reader(io.StringIO(text, newline=""))) for text in records]
    assert parsed == [list(row) for row in rows]


def _reference(data, delimiter):
    """Byte by byte: the quoting rule at its plainest."""
    ends, state = [], "start"
    for index in range(len(data)):
        char = data[index : index + 1]
        if state == "quoted":
            state = "closing" if char == b'"' else "quoted"
            continue
        if state == "closing":
            if char == b'"':
                state = "quoted"
                continue
            state = "unquoted"
        if char == b"\n":
            ends.append(index + 1)
            state = "start"
        elif char in (delimiter, b"\r"):
            state = "start"
        elif char == b'"' and state == "start":
            state = "quoted"
        else:
            state = "unquoted"
    return ends, state == "quoted"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40).map(lambda b: bytes(b'a,;"\n\r '[x % 7] for x in b)))
def test_record_ends_matches_a_byte_by_byte_reference(data):
    assert record_ends(data, b",") == _reference(data, b",")
    assert record_ends(data, b";") == _reference(data, b";")


def test_an_escaped_quote_before_a_newline_keeps_the_field_open():
    assert record_ends(b'a,"x""\nb\n', b",") == ([], True)
    assert record_ends(b'a,"x"""\nb\n', b",") == ([8, 10], False)


def test_a_stray_quote_in_an_unquoted_field_does_not_shift_rows(tmp_path):
    path = tmp_path / "stray.csv"
    with path.open("w", newline="") as handle:
        handle.write("id,height,note\n")
        for i in range(3000):
            height = "5'10\"" if i == 10 else "170"
            note = f'"multi\nline user{i}@example.com"' if i % 3 == 0 else "plain"
            handle.write(f"{i},{height},{note}\n")
    got = _rows(read_chunks(path, chunk_rows=256))
    assert got == _truth(path)


def test_a_field_over_the_csv_module_cap_keeps_row_numbers(tmp_path):
    # A ragged row sends the block to the csv module, whose default cap is 128 KiB.
    path = tmp_path / "long.csv"
    big = "x" * 200_000
    path.write_text(f'id,text\n0,a\n1,{big}\n2,b,extra\n3,c\n4,"{big}"\n5,d\n')
    chunks = list(read_chunks(path, chunk_rows=4))
    rows = dict(_rows(chunks))
    assert rows == {0: ["0", "a"], 1: ["1", big], 3: ["3", "c"], 4: ["4", big], 5: ["5", "d"]}
    (skip,) = [s for c in chunks for s in c.skipped]
    assert (skip.row, skip.reason) == (2, "wrong number of fields")
    assert csv.field_size_limit() == 131072  # restored


def test_a_record_that_does_not_parse_keeps_its_text_for_the_scan(tmp_path):
    path = tmp_path / "comma.csv"
    token = "ghp_" + "A1b2C3d4E5" * 3 + "zzzzzz"
    path.write_text(f"id,note\n1,hello\n2,my key is {token}, please rotate\n3,bye\n")
    chunks = list(read_chunks(path))
    assert _rows(chunks) == [(0, ["1", "hello"]), (2, ["3", "bye"])]
    (skip,) = [s for c in chunks for s in c.skipped]
    assert skip.row == 1 and skip.column is None
    assert skip.raw == f"2,my key is {token}, please rotate"
    assert token not in repr(skip)  # the text is data: kept out of logs


def test_raw_text_is_cut_to_the_line_cap(tmp_path):
    path = tmp_path / "cap.csv"
    path.write_text("a,b\n1,2\n" + "9," * 40 + "\n3,4\n")
    limits = ReadLimits(max_line_bytes=64)
    skips = [s for c in read_chunks(path, limits=limits) for s in c.skipped]
    assert [s.row for s in skips] == [1]
    assert skips[0].raw is not None and len(skips[0].raw.encode()) <= 64
