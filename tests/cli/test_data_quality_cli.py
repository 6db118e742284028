"""``aisec data snapshot`` and ``aisec data check``: output, exit codes, usage errors."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn import datasets
from typer.testing import CliRunner

from aisec.cli.main import app, main
from aisec.core.errors import ConfigError


@pytest.fixture
def files(tmp_path):
    df = datasets.load_wine(as_frame=True).frame.rename(columns={"target": "label"})
    p = np.random.default_rng(0).permutation(len(df))
    train, test = df.iloc[p[:120]], df.iloc[p[120:]]
    train.to_csv(tmp_path / "train.csv", index=False)
    pd.concat([train, test.iloc[:6]]).to_csv(tmp_path / "leaky.csv", index=False)
    test.to_json(tmp_path / "test.jsonl", orient="records", lines=True)
    df.iloc[p[:60]].to_parquet(tmp_path / "ref.parquet")
    return tmp_path


def run(*argv):
    return CliRunner().invoke(app, [str(a) for a in argv])


def test_snapshot_then_a_clean_check_exits_0(files):
    done = run("data", "snapshot", files / "ref.parquet", "--output", files / "ref.json")
    assert done.exit_code == 0, done.output
    assert json.loads((files / "ref.json").read_text())["source"]["rows"] == 60
    done = run(
        "data",
        "check",
        files / "train.csv",
        "--test",
        files / "test.jsonl",
        "--reference",
        files / "ref.json",
        "--format",
        "json",
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    ids = {i["id"] for i in report["indicators"]}
    assert {"label-issues", "train-test-overlap", "feature-shift", "class-balance-shift"} <= ids
    assert report["exit_code"] == 0 and not any(
        i["fired"] for i in report["indicators"] if i["severity"] in ("high", "critical")
    )


def test_copied_test_rows_exit_1_and_are_named(files):
    done = run("data", "check", files / "leaky.csv", "--test", files / "test.jsonl")
    assert done.exit_code == 1
    assert "FIRED high   train-test-overlap: 6/58" in done.output
    relaxed = run(
        "data",
        "check",
        files / "leaky.csv",
        "--test",
        files / "test.jsonl",
        "--fail-on",
        "critical",
    )
    assert relaxed.exit_code == 0


def test_usage_errors_exit_2(files):
    assert run("data", "check").exit_code == 2
    bad = run("data", "check", files / "train.csv", "--label", "nope")
    assert isinstance(bad.exception, ConfigError)
    assert main(["data", "check", str(files / "train.csv"), "--label", "nope"]) == 2
    assert main(["data", "check", str(files / "missing.csv")]) == 2


@pytest.mark.parametrize("where", ["nope.json", "nope.csv", "."])
def test_a_missing_or_directory_reference_is_a_clear_usage_error(files, where, capsys):
    code = main(["data", "check", str(files / "train.csv"), "--reference", str(files / where)])
    err = capsys.readouterr().err
    assert code == 2 and "internal error" not in err
    assert ("is a directory" if where == "." else "no such reference file") in err


def test_input_that_cannot_be_analysed_exits_3(files, capsys):
    (files / "junk.json").write_text("{}")
    train = str(files / "train.csv")
    assert main(["data", "check", train, "--reference", str(files / "junk.json")]) == 3
    (files / "people.csv").write_text("name,email\nalice,a@example.com\nbob,bob@secret.com,x\n")
    assert main(["data", "check", str(files / "people.csv")]) == 3
    assert main(["data", "snapshot", str(files / "people.csv"), "-o", str(files / "s.json")]) == 3
    err = capsys.readouterr().err
    assert "AISEC-E402" in err and "got 3" in err and "secret" not in err
    assert not (files / "s.json").exists()
    (files / "long.jsonl").write_text('{"a": "' + "x" * 3000 + '"}\n')
    assert main(["data", "check", str(files / "long.jsonl"), "--max-line-kib", "1"]) == 3


def test_snapshot_refuses_to_replace_its_input_or_an_existing_file(files, capsys):
    data = files / "train.csv"
    before = data.read_bytes()
    assert main(["data", "snapshot", str(data), "-o", str(data)]) == 2
    (files / "alias.csv").symlink_to(data)
    assert main(["data", "snapshot", str(data), "-o", str(files / "alias.csv")]) == 2
    assert main(["data", "snapshot", str(data), "-o", str(files / "alias.csv"), "--force"]) == 2
    assert data.read_bytes() == before
    out = files / "snap.json"
    out.write_text("keep me")
    assert main(["data", "snapshot", str(data), "-o", str(out)]) == 2
    assert out.read_text() == "keep me" and "--force" in capsys.readouterr().err
    assert main(["data", "snapshot", str(data), "-o", str(out), "--force"]) == 0
    assert json.loads(out.read_text())["format"] == "aisec-data-snapshot"


def test_snapshot_replaces_a_symlink_rather_than_writing_through_it(files):
    victim = files / "victim.txt"
    victim.write_text("untouched")
    link = files / "link.json"
    link.symlink_to(victim)
    assert main(["data", "snapshot", str(files / "train.csv"), "-o", str(link), "--force"]) == 0
    assert victim.read_text() == "untouched" and not link.is_symlink()
    assert not [p for p in files.iterdir() if p.name.endswith(".tmp")]  # no temporary left
