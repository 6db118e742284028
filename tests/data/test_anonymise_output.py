"""What the output file is: its format (from the suffix when not declared), strict JSON
lines, written through the descriptor that created it with mode 0600; and inputs refused
with exit 3 (malformed, duplicate column names) or runs refused with exit 1 (nothing left
after suppression)."""

from __future__ import annotations

import json
import math
import os
import tempfile

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from aisec.core.errors import UsageError
from aisec.data.anonymise import anonymise_file, parse_rules
from aisec.data.anonymise.errors import GuaranteeNotMet, UnreadableDataset

KEEP = parse_rules({"schema": "aisec.anonymise/1", "unlisted": "keep", "columns": {}})


def parquet(tmp_path, table, name="in.parquet"):
    path = tmp_path / name
    pq.write_table(table, path)
    return path


def test_the_output_suffix_chooses_the_format(tmp_path):
    source = parquet(tmp_path, pa.table({"a": [1, 2]}))
    result = anonymise_file(source, tmp_path / "out.jsonl", KEEP)
    assert result.output_format == "jsonl"
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [{"a": 1}, {"a": 2}]
    assert anonymise_file(source, tmp_path / "out.ndjson", KEEP).output_format == "jsonl"
    assert anonymise_file(source, tmp_path / "out.csv", KEEP).output_format == "csv"
    # An unknown suffix keeps the input's format.
    assert anonymise_file(source, tmp_path / "out.dat", KEEP).output_format == "parquet"
    assert pq.read_table(tmp_path / "out.dat").num_rows == 2


def test_a_declared_format_the_suffix_contradicts_is_a_usage_error(tmp_path):
    source = parquet(tmp_path, pa.table({"a": [1]}))
    with pytest.raises(UsageError, match=r"contradicts the output's suffix '\.jsonl'"):
        anonymise_file(source, tmp_path / "out.jsonl", KEEP, output_format="parquet")
    assert not (tmp_path / "out.jsonl").exists()
    ok = anonymise_file(source, tmp_path / "o.jsonl", KEEP, output_format="jsonl")
    assert ok.output_format == "jsonl"


def strict_json(line: str) -> object:
    def refuse(name: str) -> object:
        raise AssertionError(f"not JSON: {name}")

    return json.loads(line, parse_constant=refuse)


def test_json_lines_are_strict_json(tmp_path):
    table = pa.table({
        "x": pa.array([1.5, math.nan, math.inf, -math.inf], pa.float64()),
        "b": pa.array([b"x", b"\x00\xff", None, b""], pa.binary()),
        "l": pa.array([[1.0, math.nan], [], None, [math.inf]], pa.list_(pa.float64())),
    })  # fmt: skip
    source = parquet(tmp_path, table)
    anonymise_file(source, tmp_path / "out.jsonl", KEEP)
    rows = [strict_json(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert rows == [
        {"x": 1.5, "b": "eA==", "l": [1.0, None]},
        {"x": None, "b": "AP8=", "l": []},
        {"x": None, "b": None, "l": None},
        {"x": None, "b": "", "l": [None]},
    ]


def test_the_output_is_written_through_its_descriptor_and_private(tmp_path, monkeypatch):
    source = parquet(tmp_path, pa.table({"a": ["secret"]}))
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    real = tempfile.mkstemp

    def swapped(*args, **kwargs):
        # Someone replaces the temporary name with a link between creation and writing.
        fd, name = real(*args, **kwargs)
        os.unlink(name)
        os.symlink(victim, name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", swapped)
    for suffix in (".csv", ".jsonl", ".parquet"):
        anonymise_file(source, tmp_path / f"swapped{suffix}", KEEP)
        assert victim.read_text() == "untouched"
    monkeypatch.setattr(tempfile, "mkstemp", real)
    old = os.umask(0o022)  # a umask that would give a normal new file 0644
    try:
        anonymise_file(source, tmp_path / "out.csv", KEEP)
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "out.csv").st_mode & 0o777 == 0o600


def test_duplicate_column_names_in_parquet_are_refused(tmp_path):
    table = pa.Table.from_arrays([pa.array([1]), pa.array(["x"])], names=["id", "id"])
    source = parquet(tmp_path, table)
    with pytest.raises(UnreadableDataset, match="more than one column named 'id'") as raised:
        anonymise_file(source, tmp_path / "out.parquet", KEEP)
    assert raised.value.exit_code == 3
    assert not (tmp_path / "out.parquet").exists()


def test_malformed_input_exits_3(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(UnreadableDataset) as raised:
        anonymise_file(source, tmp_path / "o.csv", KEEP)
    assert raised.value.exit_code == 3


def test_suppressing_every_row_fails_without_output(tmp_path):
    source = tmp_path / "in.csv"
    pa_csv.write_csv(pa.table({"zip": ["02139", "02138", "94105"]}), source)
    output = tmp_path / "out.csv"
    with pytest.raises(GuaranteeNotMet, match="would leave no rows") as raised:
        anonymise_file(source, output, KEEP, quasi_identifiers=["zip"], k=2,
                       suppress_below_k=True)  # fmt: skip
    assert raised.value.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
