"""Whether the first CSV record is a header: a first record that looks like data is read
as row 0 under numbered names, so its values are neither lost nor shown as names."""

import pytest

from aisec.data.readers import read_chunks
from aisec.data.readers.csv_header import MAX_NAME_CHARS, header_is_data, header_names


def _table(path):
    chunks = list(read_chunks(path))
    names = list(chunks[0].columns) if chunks and chunks[0].columns else []
    rows = [
        (c.first_row + i, [c.columns[n][i] for n in c.columns])
        for c in chunks
        for i in range(c.num_rows)
    ]
    return names, rows


@pytest.mark.parametrize(
    "first",
    [
        "1,alice@example.com,x",  # a number
        "alice,alice@example.com,x",  # an e-mail address
        "k,ghp_A1b2C3d4E5f6G7h8I9j0,x",  # a token
        "k,2024-01-02,x",  # a date
        "k,+44 20 7946 0958,x",  # a phone number
    ],
)
def test_a_first_record_that_looks_like_data_is_row_zero(tmp_path, first):
    path = tmp_path / "headerless.csv"
    path.write_text(f"{first}\nbob,bob@example.com,y\ncarol,carol@example.com,z\n")
    names, rows = _table(path)
    assert names == ["column_1", "column_2", "column_3"]
    assert rows[0] == (0, first.split(","))
    assert [index for index, _ in rows] == [0, 1, 2]


def test_a_field_repeated_below_marks_the_first_record_as_data(tmp_path):
    path = tmp_path / "repeat.csv"
    path.write_text("red,small\nblue,large\nred,large\n")
    names, rows = _table(path)
    assert names == ["column_1", "column_2"]
    assert len(rows) == 3


def test_a_real_header_is_kept(tmp_path):
    path = tmp_path / "named.csv"
    path.write_text("id,email,phone_2\n1,a@example.com,555-1234\n")
    names, rows = _table(path)
    assert names == ["id", "email", "phone_2"]
    assert rows == [(0, ["1", "a@example.com", "555-1234"])]


def test_heuristic_cases():
    assert not header_is_data(["name", "email", "address_line_2"], [["a", "b@c.de", "x"]])
    assert not header_is_data(["customer_id_2024_v2_final"], [["x"]])
    assert header_is_data(["123e4567-e89b-12d3-a456-426614174000"], [["x"]])
    assert header_is_data(["3.14", "name"], [])
    assert header_is_data(["status", "x"], [["open", "y"], ["status", "z"]])
    assert not header_is_data(["", " "], [["", ""]])


def test_overlong_and_empty_names_are_numbered():
    long_name = "n" * (MAX_NAME_CHARS + 1)
    assert header_names(["id", long_name, "", "id"]) == ["id", "column_2", "column_3", "id_2"]


def test_blank_lines_before_the_header_are_stepped_over(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("\n\r\nid,email,phone\n1,a.person@example.com,x\n2,b.person@example.com,y\n")
    names, rows = _table(path)
    assert names == ["id", "email", "phone"]
    assert rows == [
        (0, ["1", "a.person@example.com", "x"]),
        (1, ["2", "b.person@example.com", "y"]),
    ]
    assert not [s for c in read_chunks(path) for s in c.skipped]
