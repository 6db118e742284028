"""Whole files: CSV, Parquet and JSON lines written by pyarrow, anonymised into a new file
(same or another format) with the schema kept; the input untouched; no partial output."""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from aisec.core.errors import ConfigError, InputError, MalformedInput, UsageError
from aisec.data.anonymise import HmacKey, Span, anonymise_file, parse_rules

KEY_TEXT = b"SUPERSECRETKEY-0123456789"
PEOPLE = pa.table({
    "name": ["Alice Smith", "Bob Jones", None],
    "email": ["alice@example.com", "bob@example.org", "carol@example.net"],
    "zip": ["02139", "02138", "94105"],
    "age": pa.array([34, 37, 52], pa.int64()),
    "score": pa.array([0.5, 0.25, 1.0], pa.float64()),
    "notes": ["call me", None, "fine"],
})  # fmt: skip
RULES = parse_rules({
    "schema": "aisec.anonymise/1",
    "columns": {
        "name": {"action": "pseudonym", "prefix": "person"},
        "email": {"action": "hash", "length": 16},
        "zip": "keep",
        "age": {"action": "generalise", "method": "bins", "width": 10},
        "score": "keep",
        "notes": "drop",
    },
})  # fmt: skip


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(table, path):
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in table.to_pylist()))
    else:
        pa_csv.write_csv(table, path)


def read(path):
    if path.suffix == ".parquet":
        return pq.read_table(path)
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text().splitlines()]
    convert = pa_csv.ConvertOptions(strings_can_be_null=True, column_types={"zip": pa.string()})
    return pa_csv.read_csv(path, convert_options=convert)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_round_trip_in_each_format(tmp_path, suffix):
    source = tmp_path / f"people{suffix}"
    write(PEOPLE, source)
    before = sha256(source)
    output = tmp_path / f"anon{suffix}"
    result = anonymise_file(source, output, RULES, key=HmacKey(KEY_TEXT), batch_rows=2)
    assert sha256(source) == before
    assert (result.rows_in, result.rows_out) == (3, 3)
    rows = read(output)
    rows = rows if isinstance(rows, list) else rows.to_pylist()
    assert [list(r) for r in rows] == [["name", "email", "zip", "age", "score"]] * 3
    assert rows[0]["name"].startswith("person-")
    assert rows[2]["name"] is None
    assert rows[0]["email"] == HmacKey(KEY_TEXT).hexdigest("alice@example.com")[:16]
    assert [r["zip"] for r in rows] == ["02139", "02138", "94105"]  # no number inference
    assert [r["age"] for r in rows] == ["30-39", "30-39", "50-59"]
    counts = {c.column: (c.action, c.changed) for c in result.columns}
    assert counts["name"] == ("pseudonym", 2)
    assert counts["notes"] == ("drop", 0)
    data = output.read_bytes()
    assert KEY_TEXT not in data
    assert b"alice" not in data.lower()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_parquet_keeps_the_types_of_kept_columns(tmp_path):
    source = tmp_path / "people.parquet"
    write(PEOPLE, source)
    output = tmp_path / "anon.parquet"
    anonymise_file(source, output, RULES, key=HmacKey(KEY_TEXT))
    schema = pq.read_schema(output)
    assert schema.field("score").type == pa.float64()
    assert schema.field("age").type == pa.string()
    assert pq.read_table(output).column("score").to_pylist() == [0.5, 0.25, 1.0]


@pytest.mark.parametrize(("src", "out"), [(".csv", ".parquet"), (".parquet", ".jsonl"),
                                          (".jsonl", ".csv")])  # fmt: skip
def test_another_output_format(tmp_path, src, out):
    source = tmp_path / f"people{src}"
    write(PEOPLE, source)
    output = tmp_path / f"anon{out}"
    result = anonymise_file(source, output, RULES, key=HmacKey(KEY_TEXT),
                            output_format=out.lstrip("."))  # fmt: skip
    assert result.output_format == out.lstrip(".")
    rows = read(output)
    rows = rows if isinstance(rows, list) else rows.to_pylist()
    assert [r["age"] for r in rows] == ["30-39", "30-39", "50-59"]


def test_jsonl_nested_values_are_kept(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"user": {"id": 1}, "tags": ["a"], "email": "a@b.org"}\n'
                      '{"user": {"id": 2}, "tags": [], "email": "c@d.org"}\n')  # fmt: skip
    rules = parse_rules({"schema": "aisec.anonymise/1", "unlisted": "keep",
                         "columns": {"email": {"action": "mask", "show_last": 4}}})  # fmt: skip
    anonymise_file(source, tmp_path / "out.jsonl", rules)
    rows = read(tmp_path / "out.jsonl")
    assert rows[0] == {"user": {"id": 1}, "tags": ["a"], "email": "***.org"}


def test_the_output_must_be_a_new_file(tmp_path):
    source = tmp_path / "people.csv"
    write(PEOPLE, source)
    before = sha256(source)
    for target in (source, tmp_path / "sub" / ".." / "people.csv"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(UsageError, match="not the input"):
            anonymise_file(source, target, RULES, key=HmacKey(KEY_TEXT), force=True)
    existing = tmp_path / "existing.csv"
    existing.write_text("keep me\n")
    with pytest.raises(UsageError, match="exists"):
        anonymise_file(source, existing, RULES, key=HmacKey(KEY_TEXT))
    assert existing.read_text() == "keep me\n"
    anonymise_file(source, existing, RULES, key=HmacKey(KEY_TEXT), force=True)
    assert existing.read_text() != "keep me\n"
    with pytest.raises(UsageError, match="is a directory"):
        anonymise_file(source, tmp_path / "sub", RULES, key=HmacKey(KEY_TEXT), force=True)
    assert sha256(source) == before


def test_a_failure_mid_write_leaves_nothing_behind(tmp_path):
    source = tmp_path / "in.csv"
    write(pa.table({"text": [f"row {i}" for i in range(50)]}), source)

    class Failing:
        calls = 0

        def spans(self, text, hints=frozenset()):
            self.calls += 1
            if self.calls > 30:
                raise RuntimeError("detector broke")
            return [Span("X", 0, 3)]

    rules = parse_rules({"schema": "aisec.anonymise/1", "columns": {"text": "scrub"}})
    output = tmp_path / "out.csv"
    with pytest.raises(RuntimeError, match="detector broke"):
        anonymise_file(source, output, rules, finders=[Failing()], batch_rows=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_rules_and_columns_must_match(tmp_path):
    source = tmp_path / "in.csv"
    write(PEOPLE, source)
    strict = parse_rules({"schema": "aisec.anonymise/1", "columns": {"name": "drop"}})
    with pytest.raises(ConfigError, match="say nothing about columns 'email'"):
        anonymise_file(source, tmp_path / "o.csv", strict)
    typo = parse_rules({"schema": "aisec.anonymise/1", "unlisted": "keep",
                        "columns": {"nmae": "drop"}})  # fmt: skip
    with pytest.raises(ConfigError, match="'nmae'"):
        anonymise_file(source, tmp_path / "o.csv", typo)
    with pytest.raises(ConfigError, match="no key"):
        anonymise_file(source, tmp_path / "o.csv", RULES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_bad_inputs(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        anonymise_file(tmp_path / "none.csv", tmp_path / "o.csv", RULES)
    fake = tmp_path / "fake.parquet"
    fake.write_bytes(b"PAR1 not really")
    with pytest.raises(MalformedInput):
        anonymise_file(fake, tmp_path / "o.parquet", RULES, key=HmacKey(KEY_TEXT))
    header_only = tmp_path / "empty.csv"
    header_only.write_text("a,b\n")
    keep = parse_rules({"schema": "aisec.anonymise/1", "unlisted": "keep", "columns": {}})
    result = anonymise_file(header_only, tmp_path / "o.csv", keep)
    assert result.rows_out == 0
    assert (tmp_path / "o.csv").read_text().splitlines() == ['"a","b"']


def test_a_malformed_row_is_reported_without_its_contents(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("a,b\n1,2\nalice@example.com,secret,extra\n")
    keep = parse_rules({"schema": "aisec.anonymise/1", "unlisted": "keep", "columns": {}})
    with pytest.raises(MalformedInput) as raised:
        anonymise_file(source, tmp_path / "o.csv", keep)
    assert "Expected 2 columns, got 3" in str(raised.value)
    assert "alice" not in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]
