"""``aisec data anonymise`` and ``aisec data privacy-report`` end to end through the aisec
app: outputs, reports, exit codes (0 done, 1 a target or promise not met, 2 bad rules,
options or key, 3 unreadable input), and a key that never reaches the output or the
terminal."""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from aisec.cli.main import app, main

KEY = "cli-test-key-0123456789abcdef"
RULES = """\
schema: aisec.anonymise/1
columns:
  name: {action: pseudonym, prefix: person}
  email: {action: pseudonym, format: email}
  age: {action: generalise, method: bins, width: 10}
  zip: {action: generalise, method: prefix, keep: 3}
  diagnosis: keep
"""
TABLE = pa.table({
    "name": ["Ann", "Ben", "Cat", "Dan", "Eve", "Fay"],
    "email": ["ann@x.org", "ben@x.org", "cat@y.org", "dan@y.org", "eve@x.org", "fay@z.org"],
    "age": ["31", "35", "38", "42", "44", "71"],
    "zip": ["02139", "02138", "02141", "02142", "02144", "94105"],
    "diagnosis": ["flu", "cold", "flu", "flu", "asthma", "flu"],
})  # fmt: skip


@pytest.fixture
def files(tmp_path):
    source = tmp_path / "people.csv"
    pa_csv.write_csv(TABLE, source)
    (tmp_path / "rules.yaml").write_text(RULES)
    (tmp_path / "key").write_text(KEY + "\n")
    return tmp_path


def invoke(args, env=None):
    runner = CliRunner()
    result = runner.invoke(app, args, env=env, standalone_mode=False, catch_exceptions=False)
    return result


def test_anonymise_writes_a_new_file_and_reports(files):
    source = files / "people.csv"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    args = ["data", "anonymise", str(source), "--rules", str(files / "rules.yaml"),
            "-o", str(files / "out.csv"), "--key-file", str(files / "key"),
            "--qi", "age,zip", "--sensitive", "diagnosis"]  # fmt: skip
    result = invoke(args)
    assert result.return_value == 0
    assert "6 rows in, 6 written, 0 suppressed" in result.output
    assert "k (smallest class)" in result.output
    assert hashlib.sha256(source.read_bytes()).hexdigest() == digest
    written = pa_csv.read_csv(files / "out.csv").to_pylist()
    assert written[0]["name"].startswith("person-")
    assert written[0]["email"].endswith("@x.org")
    assert {r["age"] for r in written} == {"30-39", "40-49", "70-79"}
    assert KEY not in result.output
    assert KEY.encode() not in (files / "out.csv").read_bytes()


def test_the_key_from_the_environment_gives_the_same_pseudonyms(files):
    common = ["data", "anonymise", str(files / "people.csv"), "-r", str(files / "rules.yaml")]
    invoke([*common, "-o", str(files / "a.csv"), "--key-file", str(files / "key")])
    invoke([*common, "-o", str(files / "b.csv")], env={"AISEC_ANONYMISE_KEY": KEY})
    invoke([*common, "-o", str(files / "c.csv")], env={"AISEC_ANONYMISE_KEY": KEY[::-1]})
    assert (files / "a.csv").read_bytes() == (files / "b.csv").read_bytes()
    assert (files / "a.csv").read_bytes() != (files / "c.csv").read_bytes()


def test_k_target_suppression_json_and_exit_codes(files):
    common = ["data", "anonymise", str(files / "people.csv"), "-r", str(files / "rules.yaml"),
              "--key-file", str(files / "key"), "--qi", "age,zip", "--sensitive", "diagnosis",
              "--k", "2"]  # fmt: skip
    # Classes (30-39, 021) x3, (40-49, 021) x2, (70-79, 941) x1: k is 1 before suppression.
    assert main([*common, "-o", str(files / "k.csv")]) == 1
    result = invoke([*common, "-o", str(files / "s.parquet"), "--output-format", "parquet",
                     "--suppress-below-k", "--format", "json"])  # fmt: skip
    assert result.return_value == 0
    report = json.loads(result.output)
    assert report["suppressed"] == 1
    assert report["before"]["k"] == 1
    assert report["after"]["k"] == 2
    assert report["after"]["class_sizes"] == [{"size": 2, "classes": 1}, {"size": 3, "classes": 1}]
    assert report["after"]["l_diversity"][0]["distinct_l"] == 2
    assert pq.read_table(files / "s.parquet").num_rows == 5
    assert main([*common, "-o", str(files / "l.csv"), "--suppress-below-k", "--l", "3"]) == 1


def test_privacy_report(files, capsys):
    assert main(["data", "privacy-report", str(files / "people.csv"), "--qi", "diagnosis"]) == 0
    assert "Privacy over diagnosis" in capsys.readouterr().out
    args = ["data", "privacy-report", str(files / "people.csv"), "--quasi-identifiers",
            "zip", "--sensitive", "diagnosis", "--k", "1", "--format", "json"]  # fmt: skip
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["k"], report["classes"], report["k_reached"]) == (1, 6, True)
    assert main([*args[:-2], "--k", "2"]) == 1
    assert main(["data", "privacy-report", str(files / "people.csv")]) == 2


def test_usage_and_configuration_errors_exit_2(files, capsys):
    base = ["data", "anonymise", str(files / "people.csv"), "-r", str(files / "rules.yaml")]
    assert main([*base, "-o", str(files / "people.csv"), "--key-file", str(files / "key")]) == 2
    assert "not the input" in capsys.readouterr().err
    assert main([*base, "-o", str(files / "o.csv"), "--key-env", "ANON_UNSET_VAR"]) == 2
    assert "no key" in capsys.readouterr().err
    (files / "short").write_text("short")
    assert main([*base, "-o", str(files / "o.csv"), "--key-file", str(files / "short")]) == 2
    err = capsys.readouterr().err
    assert "at least 16" in err
    assert "short\n" not in err
    (files / "bad.yaml").write_text("schema: aisec.anonymise/1\ncolumns: {name: shred}\n")
    bad = ["data", "anonymise", str(files / "people.csv"), "-r", str(files / "bad.yaml")]
    assert main([*bad, "-o", str(files / "o.csv")]) == 2
    assert "columns.name.action" in capsys.readouterr().err
    assert main([*base, "-o", str(files / "o.csv"), "--key-file", str(files / "key"),
                 "--qi", "height"]) == 2  # fmt: skip
    assert not (files / "o.csv").exists()


def test_a_target_without_the_columns_it_measures_is_a_usage_error(files, capsys):
    base = ["data", "anonymise", str(files / "people.csv"), "-r", str(files / "rules.yaml"),
            "--key-file", str(files / "key"), "-o", str(files / "o.csv")]  # fmt: skip
    assert main([*base, "--k", "50"]) == 2
    assert "--k needs the quasi-identifiers" in capsys.readouterr().err
    assert main([*base, "--qi", "age", "--l", "50"]) == 2
    assert "--l needs the sensitive columns" in capsys.readouterr().err
    assert not (files / "o.csv").exists()
    report = ["data", "privacy-report", str(files / "people.csv")]
    assert main([*report, "--qi", "zip", "--l", "50"]) == 2
    assert main([*report, "--k", "50"]) == 2


def test_unreadable_input_exits_3_and_a_run_with_nothing_left_exits_1(files, capsys):
    (files / "bad.csv").write_text("a,b\n1,2\nann@x.org,3,4\n")
    keep = files / "keep.yaml"
    keep.write_text("schema: aisec.anonymise/1\nunlisted: keep\ncolumns: {}\n")
    bad = ["data", "anonymise", str(files / "bad.csv"), "-r", str(keep), "-o", str(files / "o.csv")]
    assert main(bad) == 3
    assert "ann@x.org" not in capsys.readouterr().err
    assert main(["data", "privacy-report", str(files / "bad.csv"), "--qi", "a"]) == 3
    every = ["data", "anonymise", str(files / "people.csv"), "-r", str(keep), "--qi", "name",
             "--k", "2", "--suppress-below-k", "-o", str(files / "o.csv")]  # fmt: skip
    assert main(every) == 1
    assert "would leave no rows" in capsys.readouterr().err
    assert not (files / "o.csv").exists()


def test_the_output_suffix_sets_the_format_unless_contradicted(files, capsys):
    base = ["data", "anonymise", str(files / "people.csv"), "-r", str(files / "rules.yaml"),
            "--key-file", str(files / "key")]  # fmt: skip
    assert main([*base, "-o", str(files / "o.parquet")]) == 0
    assert pq.read_table(files / "o.parquet").num_rows == 6
    assert main([*base, "-o", str(files / "o.jsonl"), "--output-format", "csv"]) == 2
    assert "contradicts" in capsys.readouterr().err
