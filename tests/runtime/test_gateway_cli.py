"""``aisec gateway reference build`` from a test plan, ``aisec gateway replay`` over
recorded traffic, and ``aisec gateway keys`` (in-process CLI runs)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from aisec.cli.main import main

PLAN = """
name: wine
seed: 0
target:
  train: {estimator: logistic_regression, params: {C: 1.0, max_iter: 2000}}
data:
  source: sklearn:wine
  test_size: 0.3
tests:
  - type: evasion
    params: {epsilons: [0.05]}
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AISEC_DATABASE_URL", f"sqlite:///{tmp_path / 'aisec.db'}")
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(tmp_path / "audit-key.pem"))
    (tmp_path / "plan.yaml").write_text(PLAN)
    return tmp_path


def test_reference_build_from_a_test_plan(workdir, capsys):
    from aisec.runtime.detectors.reference import load_reference

    code = main(["gateway", "reference", "build", "plan.yaml", "-o", "ref.json",
                 "--schema-output", "schema.yaml"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    reference = load_reference(workdir / "ref.json")
    assert reference.n_features == 13 and reference.n_rows == 124  # 70% of 178 rows
    assert reference.margins is not None and reference.prediction is not None
    schema = yaml.safe_load((workdir / "schema.yaml").read_text())
    assert list(schema["columns"]) == list(reference.names)


def test_a_broken_plan_is_a_usage_error(workdir, capsys):
    (workdir / "bad.yaml").write_text("name: x\ntarget: {}\ndata: {source: sklearn:nope}\n")
    assert main(["gateway", "reference", "build", "bad.yaml", "-o", "ref.json"]) == 2
    assert "AISEC-E1" in capsys.readouterr().err


def test_replay_reports_alarms_by_label_and_client(workdir, capsys):
    from sklearn.datasets import load_wine

    assert main(["gateway", "reference", "build", "plan.yaml", "-o", "ref.json",
                 "--schema-output", "schema.yaml"]) == 0  # fmt: skip
    (workdir / "gateway.yaml").write_text(yaml.safe_dump({
        "models": [{"name": "wine", "upstream": "http://127.0.0.1:1", "reference": "ref.json",
                    "detectors": {"evasion.ood": {"action": "block"}}}],
    }))  # fmt: skip
    x, _ = load_wine(return_X_y=True)
    rng = np.random.default_rng(0)
    lines = []
    for row in x[rng.permutation(len(x))[:40]]:
        lines.append({"model": "wine", "client": "good", "label": "benign",
                      "request": {"inputs": [{"name": "x", "shape": [1, 13], "datatype": "FP64",
                                              "data": row.tolist()}]}})  # fmt: skip
    for row in x[:5] * 25:
        lines.append({"model": "wine", "client": "bad", "label": "attack",
                      "request": {"inputs": [{"name": "x", "shape": [1, 13], "datatype": "FP64",
                                              "data": row.tolist()}]}})  # fmt: skip
    (workdir / "traffic.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    capsys.readouterr()
    assert main(["gateway", "replay", "traffic.jsonl", "--config", "gateway.yaml",
                 "--format", "json"]) == 0  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert report["requests"] == 45
    assert report["alarmed_by_label"].get("attack") == 5
    assert report["alarmed_by_label"].get("benign", 0) <= 1
    assert report["clients"]["bad"]["first_alarm_at_query"] == 1
    assert report["detectors"]["evasion.ood"]["first_line"] == 41


def test_replay_names_a_bad_line(workdir, capsys):
    (workdir / "gateway.yaml").write_text(yaml.safe_dump(
        {"models": [{"name": "m", "upstream": "http://127.0.0.1:1"}]}
    ))  # fmt: skip
    (workdir / "traffic.jsonl").write_text('{"model": "m", "request": {}}\n[1, 2]\n')
    assert main(["gateway", "replay", "traffic.jsonl", "--config", "gateway.yaml"]) == 2
    assert "traffic.jsonl:2: not a JSON object" in capsys.readouterr().err


def test_keys_create_list_revoke(workdir, capsys):
    assert main(["gateway", "keys", "create", "app-1", "--model", "m", "--rate", "5"]) == 0
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("aisg_") and len(secret) == 48
    assert main(["gateway", "keys", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["name"] == "app-1" and listed[0]["models"] == ["m"]
    assert secret not in json.dumps(listed)
    assert main(["gateway", "keys", "create", "app-1"]) == 2  # names are never reused
    assert main(["gateway", "keys", "create", "x", "--route", "admin"]) == 2
    assert main(["gateway", "keys", "revoke", "app-1"]) == 0
    capsys.readouterr()
    assert main(["gateway", "keys", "list", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["gateway", "keys", "list", "--all", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["revoked_at"] is not None
    assert main(["gateway", "keys", "revoke", "nope"]) == 2
