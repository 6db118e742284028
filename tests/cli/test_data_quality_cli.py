"""``aisec data snapshot`` and ``aisec data check``: output, exit codes, usage errors."""

import json
from pathlib import Path
from xml.etree import ElementTree

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
    ids = {i["id"] for i in report["quality"]["indicators"]}
    assert {"label-issues", "train-test-overlap", "feature-shift", "class-balance-shift"} <= ids
    assert report["exit_code"] == 0 and not any(
        i["fired"] for i in report["quality"]["indicators"] if i["severity"] in ("high", "critical")
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


# --- the check as a run: report formats, recording, the Python API -----------------------

SARIF_SCHEMA = (
    Path(__file__).resolve().parents[2] / "../shared/reference/data/sarif-schema-2.1.0.json"
)


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    """Wine with three rows copied under another label and six test rows in training."""
    tmp = tmp_path_factory.mktemp("poisoned")
    df = datasets.load_wine(as_frame=True).frame.rename(columns={"target": "label"})
    p = np.random.default_rng(1).permutation(len(df))
    train, test = df.iloc[p[:120]], df.iloc[p[120:]]
    flipped = train.iloc[:3].assign(label=lambda d: (d["label"] + 1) % 3)
    pd.concat([train, flipped, test.iloc[:6]]).to_csv(tmp / "train.csv", index=False)
    test.to_json(tmp / "test.jsonl", orient="records", lines=True)
    return tmp


def test_sarif_report_validates_and_names_the_quality_checks(poisoned, tmp_path, capsys):
    out = tmp_path / "report.sarif"
    argv = ["data", "check", str(poisoned / "train.csv"), "--test", str(poisoned / "test.jsonl"),
            "--format", "sarif", "--output", str(out), "--no-record"]  # fmt: skip
    assert main(argv) == 1
    log = json.loads(out.read_text())
    if SARIF_SCHEMA.is_file():
        from jsonschema import Draft7Validator

        schema = Draft7Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
        assert list(schema.iter_errors(log)) == []
    results = {r["ruleId"] for r in log["runs"][0]["results"]}
    assert {"data.quality.duplicate-conflicting-labels", "data.quality.train-test-overlap"} <= (
        results
    )
    assert "FAIL" in capsys.readouterr().err  # the console summary goes to stderr


def test_junit_and_json_reports(poisoned, capsys):
    argv = ["data", "check", str(poisoned / "train.csv"), "--test", str(poisoned / "test.jsonl"),
            "--no-record", "--fail-on", "critical"]  # fmt: skip
    assert main([*argv, "--format", "junit"]) == 0
    suites = ElementTree.fromstring(capsys.readouterr().out)
    cases = {Path(c.get("name")).name: c for c in suites.iter("testcase")}
    assert set(cases) == {"train.csv", "test.jsonl"}
    assert all(c.find("failure") is None for c in cases.values())  # all below critical
    assert "data.quality.train-test-overlap" in cases["train.csv"].findtext("system-out")
    assert main([*argv, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["kind"] == "data-check" and report["exit_code"] == 0
    assert report["config"]["data_check"]["test"] == str(poisoned / "test.jsonl")
    by_check = {f["check_id"]: f for f in report["findings"]}
    overlap = by_check["data.quality.train-test-overlap"]
    assert overlap["severity"] == "high" and overlap["evidence"]["count"] == 6
    assert [a["status"] for a in report["artefacts"]] == ["analysed", "analysed"]
    names = {m["name"] for m in report["measurements"]}
    assert {"data.quality.label-issues", "data.quality.train-test-overlap"} <= names
    assert {i["id"] for i in report["quality"]["indicators"]} >= {"duplicate-rows", "outliers"}


def test_recorded_run_is_linked_to_the_system(poisoned, tmp_path, monkeypatch, capsys):
    from aisec.store import open_store

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(tmp_path / "audit.pem"))
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["inventory", "add", "system", "--name", "credit", "--database", url]) == 0
    argv = ["data", "check", str(poisoned / "train.csv"), "--test", str(poisoned / "test.jsonl"),
            "--system", "credit", "--database", url]  # fmt: skip
    assert main(argv) == 1
    (tmp_path / "broken.csv").write_text("a,b\n1,2\n3,4,5\n")
    assert main(["data", "check", "broken.csv", "--system", "credit", "--database", url]) == 3
    assert "AISEC-E402" in capsys.readouterr().err
    with open_store(url) as store:
        broken, good = store.runs.for_system("credit", kind="data-check")
        assert good.exit_code == 1 and broken.exit_code == 3 and broken.errors
        assert broken.checks_applied == ()
        assert "data.quality.train-test-overlap" in good.checks_applied
        assert "data.quality.feature-shift" not in good.checks_applied  # no reference given
        assert good.finding_count >= 3 and good.measurement_count >= 5
    # The newest check of the training data is the coverage evidence (the broken file is
    # another dataset): its overlap check failed, its duplicate checks ran.
    from datetime import UTC, datetime

    from aisec.services.governance_coverage import checks_run

    with open_store(url) as store:
        runs = checks_run(store, "credit", datetime.now(UTC).date())
    assert runs["data.quality.train-test-overlap"][0].passed is False
    assert "data.quality.duplicate-rows" in runs


def test_python_api_judges_each_indicator_once(poisoned):
    from aisec.data.quality import CheckOptions
    from aisec.services.data_checking import check_data

    done = check_data(poisoned / "train.csv", options=CheckOptions(seed=3))
    assert done.report is not None and done.run.ended_at is not None
    fired = {f"data.quality.{i.id}" for i in done.report.indicators if i.fired}
    assert sorted(f.check_id for f in done.run.findings) == sorted(fired)
    assert {"data.quality.duplicate-conflicting-labels", "data.quality.duplicate-rows"} <= fired
    assert not any(c.startswith("data.quality.train-test") for c in done.run.checks_applied)
