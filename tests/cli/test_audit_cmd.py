"""``aisec audit log | checkpoint | verify`` against a SQLite file: the key made on first
use, verification's exit codes, and tampering reported entry by entry."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from aisec.cli.audit_cmd import app
from aisec.core.errors import UsageError
from aisec.governance.audit import SigningKey


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    monkeypatch.delenv("AISEC_AUDIT_KEY", raising=False)
    return tmp_path


@pytest.fixture
def db(workdir):
    from aisec.store import open_store

    url = f"sqlite:///{workdir / 'gov.db'}"
    with open_store(url) as store:
        for i in (1, 2, 3):
            store.audit.append(f"user{i}", "risk.accepted", "risk", f"r{i}", {"i": i})
    return url


def run(*argv):
    return CliRunner().invoke(app, list(argv))


def test_log_prints_the_newest_entries_first(db):
    result = run("log", "--limit", "2", "--json", "--database", db)
    assert result.exit_code == 0, result.output
    assert [e["seq"] for e in json.loads(result.output)] == [3, 2]
    table = run("log", "--database", db)
    assert table.exit_code == 0 and "user3" in table.output and "risk.accepted" in table.output


def test_log_of_a_missing_store_creates_nothing(workdir):
    result = run("log")
    assert result.exit_code == 0 and "empty" in result.output
    assert not (workdir / ".aisec").exists()


def test_checkpoint_creates_the_key_and_verify_passes(db, workdir):
    result = run("checkpoint", "--database", db)
    assert result.exit_code == 0, result.output
    assert "signed checkpoint: 3 entries" in result.output
    private, public = workdir / ".aisec" / "audit-key.pem", workdir / ".aisec" / "audit-key.pub.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"PUBLIC KEY" in public.read_bytes()
    verified = run("verify", "--database", db)
    assert verified.exit_code == 0, verified.output
    assert "intact: 3 entries, 1 checkpoints, 3 verified by signature" in verified.output
    again = run("verify", "--public-key", str(public), "--json", "--database", db)
    assert json.loads(again.output)["ok"] is True


def test_the_key_path_can_be_configured(db, workdir, monkeypatch):
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(workdir / "keys" / "audit.pem"))
    result = run("checkpoint", "--json", "--database", db)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["tree_size"] == 3
    assert (workdir / "keys" / "audit.pub.pem").is_file()
    assert run("verify", "--database", db).exit_code == 0


def test_verify_lists_each_problem_and_exits_1(db):
    assert run("checkpoint", "--database", db).exit_code == 0
    from sqlalchemy import create_engine

    engine = create_engine(db)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2"))
        connection.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    engine.dispose()
    result = run("verify", "--database", db)
    assert result.exit_code == 1
    assert "seq 2: edited" in result.output
    assert "seq 3: deleted" in result.output
    assert "checkpoint 3: truncated" in result.output
    report = json.loads(run("verify", "--json", "--database", db).output)
    assert report["ok"] is False
    assert {(p["kind"], p["seq"]) for p in report["problems"]} >= {("edited", 2), ("deleted", 3)}


def test_verify_with_another_public_key_fails(db, workdir):
    assert run("checkpoint", "--database", db).exit_code == 0
    other = workdir / "other.pub.pem"
    other.write_bytes(SigningKey.generate().public.pem())
    result = run("verify", "--public-key", str(other), "--database", db)
    assert result.exit_code == 1 and "bad-signature" in result.output


def test_verify_without_a_key_is_a_usage_error(db):
    result = run("verify", "--database", db)
    assert isinstance(result.exception, UsageError)
