"""Format detection by content: magic bytes, JSON lines, delimiters, text, binary."""

import codecs
import gzip
import io
import json

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisec.data.readers import DATASET_FORMATS, sniff


def _sniff_file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return sniff(path, data[: 64 * 1024])


def _table():
    return pa.table({"id": [1, 2], "email": ["a@example.com", "b@example.com"]})


def test_parquet_and_arrow_by_magic_whatever_the_name(tmp_path):
    sink = io.BytesIO()
    pq.write_table(_table(), sink)
    assert _sniff_file(tmp_path, "data.csv", sink.getvalue()) == "parquet"
    file_sink = io.BytesIO()
    with ipc.new_file(file_sink, _table().schema) as writer:
        writer.write_table(_table())
    assert _sniff_file(tmp_path, "data.txt", file_sink.getvalue()) == "arrow"
    stream_sink = io.BytesIO()
    with ipc.new_stream(stream_sink, _table().schema) as writer:
        writer.write_table(_table())
    assert stream_sink.getvalue()[:4] == b"\xff\xff\xff\xff"
    assert _sniff_file(tmp_path, "data.bin", stream_sink.getvalue()) == "arrow"


def test_jsonl_csv_tsv_and_text(tmp_path):
    jsonl = b"".join(json.dumps({"n": i, "e": "x@y.z"}).encode() + b"\n" for i in range(5))
    assert _sniff_file(tmp_path, "a.txt", jsonl) == "jsonl"
    assert _sniff_file(tmp_path, "b.dat", b"id,name\n1,ann\n2,bob\n") == "csv"
    assert _sniff_file(tmp_path, "c.dat", b"id\tname\n1\tann\n2\tbob\n") == "csv"
    assert _sniff_file(tmp_path, "d.dat", b"id;name;x\n1;a;b\n") == "csv"
    prose = b"It was a dark night, and cold.\nNobody came.\nThe end, at last, came too.\n"
    assert _sniff_file(tmp_path, "e.csv", prose) == "text"


def test_a_json_document_is_not_json_lines(tmp_path):
    document = json.dumps({"a": {"b": [1, 2]}}, indent=2).encode()
    assert _sniff_file(tmp_path, "doc.json", document) == "text"


def test_extension_breaks_a_tie_between_delimiters(tmp_path):
    # Both tab and comma split every line into two fields.
    data = b"a,b\tc\n1,2\t3\n"
    assert _sniff_file(tmp_path, "x.tsv", data) == "csv"
    from aisec.data.readers.sniff import sniff_delimiter

    lines = data.decode().splitlines()
    assert sniff_delimiter(lines, ".tsv") == "\t"
    assert sniff_delimiter(lines, ".csv") == ","


def test_boms_and_utf16(tmp_path):
    assert _sniff_file(tmp_path, "a", codecs.BOM_UTF8 + b"x,y\n1,2\n") == "csv"
    assert _sniff_file(tmp_path, "b", "x,y\n1,2\n".encode("utf-16")) == "csv"
    assert _sniff_file(tmp_path, "c", "über alles\n".encode("utf-16")) == "text"


def test_binary_and_empty_are_not_datasets(tmp_path):
    assert _sniff_file(tmp_path, "a.csv", bytes(range(256)) * 4) is None
    assert _sniff_file(tmp_path, "b.csv", b"") is None
    assert _sniff_file(tmp_path, "c.csv", b"a,b\n1,\x002\n") is None
    assert _sniff_file(tmp_path, "d.bin", b"\x89PNG\r\n\x1a\n" + bytes(200)) is None


def test_gzip_is_looked_into(tmp_path):
    assert _sniff_file(tmp_path, "a.csv.gz", gzip.compress(b"a,b\n1,2\n3,4\n")) == "csv"
    assert _sniff_file(tmp_path, "b.gz", gzip.compress(b'{"a": 1}\n')) == "jsonl"
    assert _sniff_file(tmp_path, "c.gz", gzip.compress(bytes(range(256)))) is None


def test_invalid_utf8_here_and_there_is_still_text(tmp_path):
    assert _sniff_file(tmp_path, "a", b"id,name\n1,caf\xe9\n2,bob\n") == "csv"


def test_a_cut_multibyte_character_at_the_end_of_the_head(tmp_path):
    data = ("é" * 40_000).encode()
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    assert sniff(path, data[:65_535]) == "text"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["x.csv", "x.jsonl", "x.tsv", "x", "x.gz"]))
def test_arbitrary_bytes_never_crash(tmp_path_factory, data, name):
    # sniff reads the file only for the Parquet tail; the head is what is judged.
    path = tmp_path_factory.getbasetemp() / name
    path.write_bytes(data)
    assert sniff(path, data) in (*DATASET_FORMATS, None)


@pytest.mark.parametrize(
    ("prefix", "fmt"),
    [
        (b"PAR1\x00\x00", "parquet"),
        (b"ARROW1\x00\x00", "arrow"),
        (b"\xff\xff\xff\xff\x10\x00\x00\x00", "arrow"),
    ],
)
def test_cut_binary_files_go_to_the_reader_that_reports_them(tmp_path, prefix, fmt):
    assert _sniff_file(tmp_path, "m", prefix + b"\x01\x02 junk") == fmt


def test_text_that_happens_to_start_with_par1_is_text(tmp_path):
    assert _sniff_file(tmp_path, "notes.txt", b"PAR1 results were fine.\nMore.\n") == "text"
