"""``aisec inventory`` end to end: the real command against a SQLite file in tmp_path."""

from __future__ import annotations

import json

import pytest

from aisec.cli.main import main


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    return f"sqlite:///{tmp_path / 'inventory.db'}"


def inv(db, *args):
    return main(["inventory", *args, "--database", db])


def listed(db, kind, capsys):
    capsys.readouterr()
    assert inv(db, "list", kind, "--format", "json") == 0
    return json.loads(capsys.readouterr().out)


def test_add_list_show_a_system(db, capsys):
    code = inv(
        db, "add", "system", "--name", "credit-scoring", "--owner", "risk-team",
        "--eu-ai-act-role", "provider", "--lifecycle-stage", "operation",
        "--geography", "EU", "--geography", "UK,CH",
    )  # fmt: skip
    assert code == 0
    assert "added system credit-scoring" in capsys.readouterr().out
    [system] = listed(db, "systems", capsys)
    assert system["owner"] == "risk-team"
    assert system["geography"] == ["EU", "UK", "CH"]
    assert inv(db, "list", "systems") == 0
    table = capsys.readouterr().out
    assert "credit-scoring" in table and "risk-team" in table
    assert inv(db, "show", "system", system["id"]) == 0
    assert "provider" in capsys.readouterr().out


def test_every_kind_and_every_relation(db, capsys):
    assert inv(db, "add", "system", "--name", "scoring") == 0
    assert inv(db, "add", "model", "--name", "net", "--version", "2", "--framework", "pytorch",
               "--format", "safetensors", "--digest", "SHA256:AB12", "--licence", "MIT",
               "--source", "hf://acme/net") == 0  # fmt: skip
    assert inv(db, "add", "dataset", "--name", "loans", "--sensitivity", "confidential",
               "--personal-data") == 0  # fmt: skip
    assert inv(db, "add", "endpoint", "--url", "https://api.example/v1", "--name", "prod",
               "--authentication", "api-key") == 0  # fmt: skip
    assert inv(db, "add", "vendor", "--name", "acme", "--website", "https://acme.example") == 0
    assert inv(db, "link", "system", "scoring", "model", "net@2") == 0
    assert inv(db, "link", "system", "scoring", "dataset", "loans") == 0
    assert inv(db, "link", "systems", "scoring", "endpoints", "prod") == 0
    assert inv(db, "link", "model", "net", "dataset", "loans") == 0
    assert inv(db, "link", "model", "net", "vendor", "acme") == 0
    capsys.readouterr()
    assert inv(db, "show", "system", "scoring", "--format", "json") == 0
    shown = json.loads(capsys.readouterr().out)
    names = {h: [a.get("name") for a in v] for h, v in shown["related"].items()}
    assert names == {"models": ["net"], "datasets": ["loans"], "endpoints": ["prod"]}
    assert inv(db, "show", "model", "net") == 0
    out = capsys.readouterr().out
    assert "acme" in out and "loans" in out and "scoring" in out
    [model] = listed(db, "models", capsys)
    assert model["digests"] == {"sha256": "ab12"}
    assert model["source_uri"] == "hf://acme/net"
    [dataset] = listed(db, "datasets", capsys)
    assert dataset["contains_personal_data"] is True
    assert inv(db, "unlink", "system", "scoring", "model", "net") == 0
    capsys.readouterr()
    assert inv(db, "show", "system", "scoring", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["related"]["models"] == []


def test_edit_and_remove(db, capsys):
    assert inv(db, "add", "system", "--name", "scoring", "--owner", "risk") == 0
    assert inv(db, "edit", "system", "scoring", "--owner", "", "--business-unit", "retail") == 0
    [system] = listed(db, "systems", capsys)
    assert (system["owner"], system["business_unit"]) == ("", "retail")
    assert inv(db, "edit", "system", "scoring", "--name", "scoring-v2") == 0
    assert inv(db, "remove", "system", "scoring-v2") == 0
    assert listed(db, "systems", capsys) == []


def test_validation_errors_exit_2_with_a_clear_message(db, capsys):
    assert inv(db, "add", "system", "--name", "s", "--lifecycle-stage", "production") == 2
    err = capsys.readouterr().err
    assert "unknown lifecycle stage 'production'" in err
    assert "use one of: inception, development" in err
    assert inv(db, "add", "system", "--owner", "nobody") == 2
    assert "a system needs a name" in capsys.readouterr().err
    assert inv(db, "add", "dataset", "--name", "d", "--digest", "abc") == 2
    assert "ALGORITHM:HEX" in capsys.readouterr().err
    assert inv(db, "add", "system", "--name", "s") == 0
    assert inv(db, "add", "system", "--name", "s") == 2
    assert "already exists" in capsys.readouterr().err
    assert inv(db, "link", "dataset", "s", "vendor", "v") == 2
    assert inv(db, "list", "gizmos") == 2
    assert "use one of: systems, models" in capsys.readouterr().err


def test_unknown_names_exit_2_with_suggestions(db, capsys):
    assert inv(db, "add", "system", "--name", "credit-scoring") == 0
    assert inv(db, "show", "system", "credit-scorin") == 2
    err = capsys.readouterr().err
    assert "no system named 'credit-scorin'" in err
    assert "did you mean: credit-scoring?" in err
    assert inv(db, "edit", "system", "credit", "--owner", "x") == 2
    assert inv(db, "remove", "vendor", "acme") == 2
    assert "no vendors are stored yet" in capsys.readouterr().err


def test_reading_creates_no_store(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    assert main(["inventory", "list", "systems", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["inventory", "show", "system", "x"]) == 2
    assert "no store here yet" in capsys.readouterr().err
    assert not (tmp_path / ".aisec").exists()
    assert main(["inventory", "add", "vendor", "--name", "acme"]) == 0  # writing creates it
    assert (tmp_path / ".aisec" / "aisec.db").is_file()


def test_database_from_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AISEC_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert main(["inventory", "add", "vendor", "--name", "acme"]) == 0
    assert (tmp_path / "env.db").is_file()
    assert not (tmp_path / ".aisec").exists()


def test_broken_database_url_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["inventory", "list", "systems", "--database", "mysql://u:pw@host/db"])
    assert code == 2
    err = capsys.readouterr().err
    assert "AISEC-E600" in err and "pw@" not in err
