"""``aisec audit rotate-key`` against a SQLite file: the old key hands over, the setting
is pointed at the new key, and ``verify`` with the original public key accepts the
checkpoints the new key signs afterwards."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from aisec.cli.audit_cmd import app
from aisec.governance.audit.keys import load_verify_key


@pytest.fixture
def db(tmp_path, monkeypatch):
    from aisec.store import open_store

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AISEC_DATABASE_URL", raising=False)
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(tmp_path / "keys" / "first.pem"))
    url = f"sqlite:///{tmp_path / 'gov.db'}"
    with open_store(url) as store:
        for i in (1, 2):
            store.audit.append("dpo", "risk.accepted", "risk", f"r{i}", {"i": i})
    return url


def run(*argv):
    return CliRunner().invoke(app, list(argv))


def test_rotate_then_verify_with_the_original_key(db, tmp_path, monkeypatch):
    from aisec.store import open_store

    assert run("checkpoint", "--database", db).exit_code == 0
    original = tmp_path / "keys" / "first.pub.pem"
    new = tmp_path / "keys" / "second.pem"
    result = run("rotate-key", "--new-key", str(new), "--json", "--database", db)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["entry"]["action"] == "audit.key-rotated"
    assert data["checkpoint"]["key_id"] == load_verify_key(original).key_id

    # Still configured with the old key: it may not sign on.
    assert run("checkpoint", "--database", db).exit_code != 0
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(new))
    with open_store(db) as store:
        store.audit.append("dpo", "risk.closed", "risk", "r1", {})
    assert run("checkpoint", "--database", db).exit_code == 0

    result = run("verify", "--public-key", str(original), "--json", "--database", db)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] and report["verified_size"] == 4
    assert [p["key_id"] for p in report["key_chain"]] == [
        load_verify_key(original).key_id, load_verify_key(new).key_id]  # fmt: skip
