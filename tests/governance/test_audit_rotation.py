"""Audit key rotation on SQLite and PostgreSQL: the old key signs an entry naming the new
one; a verifier holding only the original public key follows the chain; a rotation signed
by anyone else, and checkpoints by a key outside its period, are reported."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aisec.core.errors import ConfigError, InvalidRecord, StoreError
from aisec.governance.audit import AuditLog, SigningKey
from aisec.governance.audit.records import (
    ROTATION_ACTION,
    ROTATION_KIND,
    Checkpoint,
    Entry,
    rotation_message,
)
from aisec.store.models import AuditCheckpoint, AuditEntry
from databases import drop_schema, new_schema_url, postgres_admin_engine


@pytest.fixture(scope="module")
def postgres_admin():
    yield from postgres_admin_engine()


@pytest.fixture(scope="module")
def postgres_url(postgres_admin):
    from aisec.store import open_store

    url, schema = new_schema_url(postgres_admin, "aisec_rotation")
    open_store(url).close()
    yield url
    drop_schema(postgres_admin, schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path, monkeypatch):
    from aisec.store import open_store
    from aisec.store.models import Base

    monkeypatch.delenv("AISEC_AUDIT_KEY", raising=False)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'rotation.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    with open_store(url) as opened:
        try:
            yield opened
        finally:
            if request.param == "postgresql":
                with opened.engine.begin() as connection:
                    for table in reversed(Base.metadata.sorted_tables):
                        connection.execute(table.delete())


@pytest.fixture(scope="module")
def keys():
    return [SigningKey.generate() for _ in range(4)]  # old, new, newer, foreign


def add(log, n, start=1):
    for i in range(start, start + n):
        log.append(f"user{i}", "risk.accepted", "risk", f"r{i}", {"i": i})


def kinds(report):
    return {(p.kind, p.seq, p.tree_size) for p in report.problems}


def rotated(store, keys):
    """Three entries signed by the old key, a rotation at seq 4, two entries signed by
    the new key."""
    old, new = keys[0], keys[1]
    log = AuditLog(store, key=old)
    add(log, 3)
    log.checkpoint()
    entry, made = log.rotate_key(new, actor="ciso")
    add(log, 2, start=5)
    log.checkpoint()
    return log, entry, made


def insert_entry(store, seq, action, kind, object_id, payload):
    entry = Entry(seq, datetime.now(UTC), "mallory", action, kind, object_id, payload)
    values = {**entry.content_columns(), "leaf_hash": entry.computed_leaf().hex()}
    with store.engine.begin() as connection:
        connection.execute(AuditEntry.__table__.insert(), values)


def insert_checkpoint(store, log, signer, size):
    made = Checkpoint(size, log.root(size), datetime.now(UTC), "", signer.key_id)
    with store.engine.begin() as connection:
        connection.execute(AuditCheckpoint.__table__.insert(), {
            "id": f"00000000-0000-0000-0000-{size:012d}", "tree_size": size,
            "root_hash": made.root_hash, "created_at": made.created_at,
            "signature": signer.sign(made.message()), "key_id": signer.key_id,
        })  # fmt: skip


def test_the_original_key_follows_a_signed_rotation(store, keys):
    old, new = keys[0], keys[1]
    log, entry, made = rotated(store, keys)
    assert (entry.seq, entry.action, entry.actor) == (4, ROTATION_ACTION, "ciso")
    assert entry.payload["to_key_id"] == new.key_id
    assert (made.tree_size, made.key_id) == (4, old.key_id)  # the old key covers it
    assert log.checkpoints()[-1].key_id == new.key_id

    report = log.verify(old.public)
    assert report.ok, report.problems
    assert report.verified_size == 6
    assert [(p.key_id, p.first, p.last) for p in report.key_chain] == [
        (old.key_id, 0, 4), (new.key_id, 4, None)]  # fmt: skip
    assert report.current_key_id == new.key_id
    # The new key alone does not vouch for the checkpoints made before it.
    assert ("wrong-key", None, 3) in kinds(log.verify(new.public))


def test_a_chain_of_rotations_is_followed(store, keys):
    old, new, newer = keys[0], keys[1], keys[2]
    log, _, _ = rotated(store, keys)
    log.rotate_key(newer)
    add(log, 1, start=8)
    log.checkpoint()
    report = log.verify(old.public)
    assert report.ok, report.problems
    assert [p.key_id for p in report.key_chain] == [old.key_id, new.key_id, newer.key_id]


def test_a_rotation_signed_by_a_foreign_key_is_not_followed(store, keys):
    old, foreign = keys[0], keys[3]
    attacker = SigningKey.generate()
    log = AuditLog(store, key=old)
    add(log, 3)
    log.checkpoint()
    # Someone with write access announces their own key, signing the statement and a
    # checkpoint covering it with a key the verifier never trusted.
    statement = rotation_message(4, log.root(3), old.key_id, attacker.key_id)
    insert_entry(store, 4, ROTATION_ACTION, ROTATION_KIND, attacker.key_id, {
        "from_key_id": old.key_id, "to_key_id": attacker.key_id,
        "to_public_key": attacker.public.pem().decode(), "signature": foreign.sign(statement),
    })  # fmt: skip
    insert_checkpoint(store, log, foreign, 4)
    add(log, 1, start=5)
    insert_checkpoint(store, log, attacker, 5)

    report = log.verify(old.public)
    assert not report.ok
    found = kinds(report)
    assert ("bad-rotation", 4, None) in found
    assert {("wrong-key", None, 4), ("wrong-key", None, 5)} <= found
    assert [p.key_id for p in report.key_chain] == [old.key_id]
    assert report.verified_size == 3
    # The honest key will not sign over it either, and the attacker's key is no signer.
    with pytest.raises(StoreError, match="fails verification"):
        log.checkpoint()
    with pytest.raises(StoreError):
        log.checkpoint(attacker)


def test_checkpoints_after_the_rotation_by_the_old_key_are_refused(store, keys):
    old = keys[0]
    log, _, _ = rotated(store, keys)
    add(log, 1, start=7)
    # Through the API the old key signs nothing any more...
    with pytest.raises(StoreError, match="does not sign this log now"):
        log.checkpoint(old)
    # ... and a checkpoint it signed all the same (the old key leaked) is refused.
    insert_checkpoint(store, log, old, 7)
    report = log.verify(old.public)
    assert ("retired-key", None, 7) in kinds(report)
    assert report.verified_size == 6


def test_rotations_are_made_by_rotating_only(store, keys):
    old, new = keys[0], keys[1]
    log = AuditLog(store, key=old)
    with pytest.raises(InvalidRecord, match="rotating the key"):
        log.append("eve", ROTATION_ACTION, ROTATION_KIND, new.key_id, {})
    with pytest.raises(InvalidRecord, match="key in use"):
        log.rotate_key(old)


def test_a_rotation_statement_replayed_elsewhere_does_not_verify(store, keys):
    old, new = keys[0], keys[1]
    log, entry, _ = rotated(store, keys)
    # The same signed statement again at seq 7, to hand back from the new key to a key
    # of the attacker's: bound to seq 4 and its root, it does not verify at 7.
    insert_entry(store, 7, ROTATION_ACTION, ROTATION_KIND, new.key_id, dict(entry.payload)
                 | {"from_key_id": new.key_id})  # fmt: skip
    assert ("bad-rotation", 7, None) in kinds(log.verify(old.public, allow_unsigned_tail=True))


def test_the_signing_key_is_the_one_the_rotation_named(store, keys, tmp_path):
    old, new = keys[0], keys[1]
    log, _, _ = rotated(store, keys)
    (tmp_path / "old.pem").write_bytes(old.pem())
    (tmp_path / "new.pem").write_bytes(new.pem())
    assert log.signing_key(tmp_path / "new.pem").key_id == new.key_id
    with pytest.raises(ConfigError, match=f"signed by key id {new.key_id}"):
        log.signing_key(tmp_path / "old.pem")
