"""The gateway's key repository on SQLite and PostgreSQL: keys made once, stored hashed,
named uniquely, revoked, and every change an audit entry in the same transaction."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from gateway_access_support import gateway_keys, postgres_store

from aisec.core.errors import InvalidRecord, RecordNotFound


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    from aisec.store import open_store

    if request.param == "sqlite":
        with open_store(f"sqlite:///{tmp_path / 'gw.db'}") as made:
            yield made
        return
    with postgres_store() as made:
        yield made


@pytest.fixture
def sqlite_store(tmp_path):
    """For validation, which refuses before the database is touched: one database is
    enough."""
    from aisec.store import open_store

    with open_store(f"sqlite:///{tmp_path / 'gw.db'}") as made:
        yield made


def test_create_returns_the_secret_once_and_stores_its_hash(store):
    keys = gateway_keys(store)
    record, secret = keys.create(
        "fraud-app", models=["fraud"], routes=["predict"], rate=5, burst=20,
        daily_quota=1000, expires_at=None, actor="alice",
    )  # fmt: skip
    assert re.fullmatch(r"aisg_[A-Za-z0-9_-]{43}", secret)
    assert record.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert record.prefix == secret[:11]
    assert (record.models, record.routes) == (("fraud",), ("predict",))
    assert (record.rate, record.burst, record.daily_quota) == (5.0, 20.0, 1000)
    assert record.created_by == "alice"
    assert secret not in repr(record) and record.key_hash not in repr(record)
    assert keys.get("fraud-app") == record
    assert keys.by_hash(record.key_hash) == record
    assert keys.by_hash("0" * 64) is None
    assert keys.by_hash("not a hash") is None
    # The secret itself is nowhere in the database.
    with store.engine.connect() as connection:
        from sqlalchemy import text

        rows = connection.execute(text("SELECT * FROM gateway_keys")).all()
    assert all(secret not in str(value) for row in rows for value in row)


def test_create_and_revoke_are_audit_entries(store):
    keys = gateway_keys(store)
    record, secret = keys.create("k1", actor="alice")
    keys.revoke("k1", actor="bob")
    keys.revoke("k1", actor="bob")  # again: no change, no entry
    entries = store.audit.entries(object_kind="gateway-key")
    assert [(e.action, e.actor, e.object_id) for e in entries] == [
        ("gateway-key.created", "alice", record.id),
        ("gateway-key.revoked", "bob", record.id),
    ]
    assert entries[0].payload["name"] == "k1"
    assert entries[0].payload["prefix"] == record.prefix
    text = str([e.payload for e in entries])
    assert secret not in text and record.key_hash not in text


def test_a_key_is_not_stored_when_its_audit_entry_fails(store, monkeypatch):
    keys = gateway_keys(store)

    def broken(*args, **kwargs):
        raise InvalidRecord("audit refused")

    monkeypatch.setattr(store.audit, "append", broken)
    with pytest.raises(InvalidRecord, match="audit refused"):
        keys.create("k1", actor="alice")
    assert keys.get("k1") is None


def test_list_get_revoke_and_active(store):
    keys = gateway_keys(store)
    now = datetime.now(UTC)
    keys.create("b", actor="a")
    keys.create("a", actor="a")
    keys.create("soon", expires_at=now + timedelta(minutes=1), actor="a")
    revoked = keys.revoke("b", actor="a")
    assert revoked.revoked and revoked.revoked_at is not None
    assert [k.name for k in keys.list()] == ["a", "soon"]
    assert [k.name for k in keys.list(include_revoked=True)] == ["a", "b", "soon"]
    assert [k.name for k in keys.all_active()] == ["a", "soon"]
    assert [k.name for k in keys.all_active(now + timedelta(minutes=2))] == ["a"]
    assert keys.get("missing") is None
    with pytest.raises(RecordNotFound, match="no gateway key named 'missing'"):
        keys.revoke("missing", actor="a")


def test_names_are_unique_and_never_reused(store):
    keys = gateway_keys(store)
    keys.create("k1", actor="a")
    with pytest.raises(InvalidRecord, match="is taken"):
        keys.create("k1", actor="a")
    keys.revoke("k1", actor="a")
    with pytest.raises(InvalidRecord, match="is taken"):
        keys.create("k1", actor="a")
    assert len(store.audit.entries(object_kind="gateway-key")) == 2


@pytest.mark.parametrize("name", ["", "a b", "x" * 101, "é", "a/b", None, "k1\n"])
def test_bad_names_are_refused(sqlite_store, name):
    with pytest.raises(InvalidRecord, match="no gateway key name"):
        gateway_keys(sqlite_store).create(name, actor="a")


@pytest.mark.parametrize(
    "fields",
    [
        {"rate": 0}, {"rate": -1}, {"rate": float("nan")}, {"rate": True}, {"rate": "5"},
        {"burst": 0.5}, {"burst": float("inf")}, {"daily_quota": 0}, {"daily_quota": 1.5},
        {"models": "fraud"}, {"models": [""]}, {"routes": [1]},
        {"expires_at": datetime(2001, 1, 1, tzinfo=UTC)},
        {"expires_at": datetime(2999, 1, 1)},  # naive
    ],
)  # fmt: skip
def test_bad_fields_are_refused(sqlite_store, fields):
    with pytest.raises(InvalidRecord):
        gateway_keys(sqlite_store).create("k1", actor="a", **fields)
    assert gateway_keys(sqlite_store).list(include_revoked=True) == []
