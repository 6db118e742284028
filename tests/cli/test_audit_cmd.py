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
    other, stranger = workdir / "other.pub.pem", SigningKey.generate()
    other.write_bytes(stranger.public.pem())
    result = run("verify", "--public-key", str(other), "--database", db)
    assert result.exit_code == 1 and "checkpoint 3: wrong-key: wrong key" in result.output
    assert f"verifying with {stranger.key_id})" in result.output
    assert f"key id: {stranger.key_id}" in result.output
    assert "bad-signature" not in result.output  # an operator's mistake, not tampering


def _sql(db, *statements, **params):
    from sqlalchemy import create_engine

    engine = create_engine(db)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), params)
    engine.dispose()


def test_verify_fails_on_a_rewritten_log_whose_checkpoints_were_deleted(db):
    from aisec.governance.audit import AuditLog
    from aisec.store import open_store

    signed = json.loads(run("checkpoint", "--json", "--database", db).output)
    _sql(db, "UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2")
    with open_store(db) as store:  # the attacker recomputes the leaf hash
        entry = AuditLog(store).entries(start=2, limit=1)[0]
    _sql(db, "UPDATE audit_entries SET leaf_hash = :h WHERE seq = 2",
         "DELETE FROM audit_checkpoints", h=entry.computed_leaf().hex())  # fmt: skip
    result = run("verify", "--database", db)
    assert result.exit_code == 1, result.output
    assert (
        "seq 1..3: unsigned: 3 entries are not covered by a signed checkpoint: run "
        "`aisec audit checkpoint`"
    ) in result.output
    assert run("verify", "--allow-unsigned-tail", "--database", db).exit_code == 0
    # The auditor's own copy of the checkpoint catches the rewrite even so.
    size, root = str(signed["tree_size"]), signed["root_hash"]
    outside = run("verify", "--allow-unsigned-tail", "--expect-size", size,
                  "--expect-root", root, "--database", db)  # fmt: skip
    assert outside.exit_code == 1 and "checkpoint 3: expected-root" in outside.output
    longer = run("verify", "--allow-unsigned-tail", "--expect-size", "9", "--database", db)
    assert longer.exit_code == 1 and "expected-size" in longer.output
    root_only = run("verify", "--expect-root", root, "--database", db)
    assert isinstance(root_only.exception, UsageError)


def test_verify_reports_a_huge_gap_as_one_range(db):
    assert run("checkpoint", "--database", db).exit_code == 0
    _sql(db, "UPDATE audit_checkpoints SET tree_size = 2000000000")
    result = run("verify", "--database", db)
    assert result.exit_code == 1
    assert "seq 4..2000000000: deleted: 1999999997 entries are missing" in result.output


def test_checkpoint_elsewhere_does_not_make_a_new_key(db, workdir, monkeypatch):
    first = json.loads(run("checkpoint", "--json", "--database", db).output)
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run("checkpoint", "--database", db)
    assert result.exit_code != 0
    assert f"the log is signed by key id {first['key_id']}" in str(result.exception)
    assert "AISEC_AUDIT_KEY" in str(result.exception)
    assert not (elsewhere / ".aisec").exists()
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(workdir / ".aisec" / "audit-key.pem"))
    assert run("checkpoint", "--database", db).exit_code == 0


def test_checkpoint_with_another_existing_key_is_refused(db, workdir, monkeypatch):
    assert run("checkpoint", "--database", db).exit_code == 0
    other = workdir / "other.pem"
    other.write_bytes(SigningKey.generate().pem())
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(other))
    result = run("checkpoint", "--database", db)
    assert result.exit_code != 0 and "the log is signed by key id" in str(result.exception)


def test_a_planted_public_key_symlink_is_not_followed(db, workdir):
    target = workdir / "victim.txt"
    target.write_text("untouched")
    (workdir / ".aisec").mkdir()
    (workdir / ".aisec" / "audit-key.pub.pem").symlink_to(target)
    result = run("checkpoint", "--database", db)
    assert result.exit_code != 0 and "public key" in str(result.exception)
    assert target.read_text() == "untouched"
    assert not (workdir / ".aisec" / "audit-key.pem").exists()  # no half-made key pair


def test_log_and_verify_print_no_terminal_escapes(db):
    from aisec.governance.audit import AuditLog
    from aisec.store import open_store

    with open_store(db) as store:
        AuditLog(store).append("eve\x1b]0;owned\x07", "risk.\x1b[2J", "risk", "r\x1b[1A", {})
    table = run("log", "--database", db)
    assert table.exit_code == 0 and "\x1b" not in table.output and "\x07" not in table.output
    assert "eve" in table.output


def test_verify_without_a_key_is_a_usage_error(db):
    result = run("verify", "--database", db)
    assert isinstance(result.exception, UsageError)


def test_removing_a_system_with_governance_records_needs_force_and_is_audited(
    db, monkeypatch, capsys
):
    import getpass

    from aisec.cli.main import main
    from aisec.store import SystemAsset, open_store

    monkeypatch.setattr(getpass, "getuser", lambda: "alice")
    with open_store(db) as store:
        owner = store.inventory.upsert(SystemAsset(name="cv-screener"))
        evidence = store.evidence.record(owner, "DPIA", "assessment", "a-1", recorded_by="dpo")
    assert main(["inventory", "remove", "system", "cv-screener", "--database", db]) != 0
    assert "has governance records (1 evidence)" in capsys.readouterr().err
    with open_store(db) as store:
        assert store.inventory.find(SystemAsset, "cv-screener") is not None
    forced = ["inventory", "remove", "system", "cv-screener", "--force", "--database", db]
    assert main(forced) == 0
    with open_store(db) as store:
        assert store.inventory.find(SystemAsset, "cv-screener") is None
        removed = store.audit.entries()[-1]
    assert (removed.action, removed.actor, removed.object_id) == (
        "system.removed", "alice", owner.id,
    )  # fmt: skip
    assert removed.payload["removed"] == {"evidence": [evidence.id]}
    assert removed.payload["counts"] == {"evidence": 1}
