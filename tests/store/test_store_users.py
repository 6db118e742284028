"""Users, API keys and browser sessions (revision 0008), on both databases."""

from __future__ import annotations

import hashlib
from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.store.server_records import StoredUser

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"


def sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user(store, name="alice", role="security-engineer"):
    return store.users.create_user(name, role, HASH, display_name=name.title())


def test_create_and_read_back(store):
    alice = user(store, "Alice")
    assert alice.username == "Alice" and alice.role == "security-engineer" and alice.active
    assert alice.display_name == "Alice" and alice.last_login_at is None
    assert alice.created_at.tzinfo is not None
    assert store.users.get_user(alice.id) == alice
    assert store.users.find_user("aLiCe") == alice
    assert store.users.find_user("bob") is None
    assert store.users.get_user("no-such-id") is None
    assert store.users.password_hash(alice.id) == HASH
    assert store.users.password_hash("no-such-id") is None
    assert "password_hash" not in {f.name for f in fields(StoredUser)}


def test_usernames_are_unique_regardless_of_case(store):
    user(store, "alice")
    with pytest.raises(InvalidRecord, match="taken"):
        user(store, "ALICE")
    assert store.users.count_users() == 1


@pytest.mark.parametrize(
    ("name", "role"),
    [("", "admin"), ("   ", "admin"), ("x" * 101, "admin"), ("bob", "root"), ("bob", "")],
)
def test_refused_users(store, name, role):
    with pytest.raises(InvalidRecord):
        store.users.create_user(name, role, HASH)
    assert store.users.count_users() == 0


def test_refused_empty_hash_and_long_display_name(store):
    with pytest.raises(InvalidRecord):
        store.users.create_user("bob", "auditor", "")
    with pytest.raises(InvalidRecord):
        store.users.create_user("bob", "auditor", HASH, display_name="d" * 201)


def test_changes(store):
    alice = user(store)
    assert store.users.set_role(alice.id, "auditor").role == "auditor"
    with pytest.raises(InvalidRecord):
        store.users.set_role(alice.id, "superuser")
    assert store.users.set_active(alice.id, False).active is False
    assert store.users.get_user(alice.id).active is False
    store.users.set_password_hash(alice.id, "new-hash")
    assert store.users.password_hash(alice.id) == "new-hash"
    assert store.users.touch_login(alice.id).last_login_at is not None
    for change in (
        lambda: store.users.set_role("nobody", "admin"),
        lambda: store.users.set_active("nobody", True),
        lambda: store.users.touch_login("nobody"),
    ):
        with pytest.raises(RecordNotFound):
            change()


def test_list_and_count(store):
    for name in ("carol", "Bob", "alice"):
        user(store, name, "auditor")
    assert [u.username for u in store.users.list_users()] == ["alice", "Bob", "carol"]
    assert store.users.count_users() == 3


def test_writes_join_the_callers_transaction(store):
    def fails_after_the_user():
        with store.transaction():
            user(store, "alice")
            raise RuntimeError("the server's audit entry failed")

    with pytest.raises(RuntimeError):
        fails_after_the_user()
    assert store.users.count_users() == 0


# -- API keys -----------------------------------------------------------------------------


def test_keys(store):
    alice = user(store)
    key = store.users.add_key(alice.id, "ci", "aisec_ab12", sha("k1"))
    assert (key.user_id, key.name, key.prefix) == (alice.id, "ci", "aisec_ab12")
    assert key.revoked_at is None and key.last_used_at is None and key.expires_at is None
    found = store.users.key_by_hash(sha("k1"))
    assert found is not None
    assert found[1] == alice and found[0].id == key.id and found[0].last_used_at is not None
    assert store.users.key_by_hash(sha("other")) is None
    assert store.users.list_keys(alice.id) == [store.users.get_key(key.id)]
    assert store.users.list_keys("nobody") == []
    revoked = store.users.revoke_key(key.id)
    assert revoked.revoked_at is not None
    assert store.users.revoke_key(key.id).revoked_at == revoked.revoked_at
    assert store.users.key_by_hash(sha("k1")) is None
    with pytest.raises(RecordNotFound):
        store.users.revoke_key("no-such-key")


def test_key_use_is_recorded_at_most_once_a_minute(store):
    alice = user(store)
    key = store.users.add_key(alice.id, "ci", "aisec_ab12", sha("k1"))
    start = datetime.now(UTC)
    first = store.users.key_by_hash(sha("k1"), now=start)[0].last_used_at
    assert first == start
    store.users.key_by_hash(sha("k1"), now=start + timedelta(seconds=30))
    assert store.users.get_key(key.id).last_used_at == start
    later = start + timedelta(minutes=2)
    assert store.users.key_by_hash(sha("k1"), now=later)[0].last_used_at == later
    assert store.users.get_key(key.id).last_used_at == later


def test_expired_keys_and_inactive_users_do_not_authenticate(store):
    alice = user(store)
    now = datetime.now(UTC)
    store.users.add_key(alice.id, "short", "aisec_aaaa", sha("k1"), now + timedelta(hours=1))
    assert store.users.key_by_hash(sha("k1"), now=now) is not None
    assert store.users.key_by_hash(sha("k1"), now=now + timedelta(hours=2)) is None
    store.users.add_key(alice.id, "long", "aisec_bbbb", sha("k2"))
    store.users.set_active(alice.id, False)
    assert store.users.key_by_hash(sha("k2")) is None


def test_refused_keys(store):
    alice = user(store)
    store.users.add_key(alice.id, "ci", "aisec_ab12", sha("k1"))
    with pytest.raises(InvalidRecord):
        store.users.add_key(alice.id, "again", "aisec_ab12", sha("k1"))
    with pytest.raises(InvalidRecord):
        store.users.add_key(alice.id, "bad", "aisec_ab12", "not-a-sha256")
    with pytest.raises(InvalidRecord):
        store.users.add_key(alice.id, "", "aisec_ab12", sha("k2"))
    with pytest.raises(InvalidRecord):
        store.users.add_key(alice.id, "naive", "aisec_ab12", sha("k3"), datetime(2030, 1, 1))
    with pytest.raises(RecordNotFound):
        store.users.add_key("nobody", "ci", "aisec_ab12", sha("k4"))
    assert len(store.users.list_keys()) == 1


# -- browser sessions ---------------------------------------------------------------------


def test_sessions(store):
    alice = user(store)
    now = datetime.now(UTC)
    web = store.users.add_session(alice.id, sha("t1"), "csrf-1", now + timedelta(hours=12))
    assert web.user_id == alice.id and web.csrf_token == "csrf-1"
    found = store.users.session_by_hash(sha("t1"), now)
    assert found == (web, alice)
    assert store.users.session_by_hash(sha("t1"), now + timedelta(hours=13)) is None
    assert store.users.session_by_hash(sha("t2"), now) is None
    store.users.delete_session(sha("t1"))
    assert store.users.session_by_hash(sha("t1"), now) is None
    with pytest.raises(RecordNotFound):
        store.users.add_session("nobody", sha("t3"), "c", now + timedelta(hours=1))


def test_session_use_is_recorded_at_most_once_a_minute(store):
    alice = user(store)
    now = datetime.now(UTC)
    web = store.users.add_session(alice.id, sha("t1"), "c", now + timedelta(hours=12))
    seen = store.users.session_by_hash(sha("t1"), web.last_seen_at + timedelta(seconds=30))
    assert seen[0].last_seen_at == web.last_seen_at
    later = web.last_seen_at + timedelta(minutes=5)
    assert store.users.session_by_hash(sha("t1"), later)[0].last_seen_at == later
    again = store.users.session_by_hash(sha("t1"), later + timedelta(seconds=1))
    assert again[0].last_seen_at == later


def test_inactive_users_lose_their_sessions(store):
    alice = user(store)
    now = datetime.now(UTC)
    store.users.add_session(alice.id, sha("t1"), "c", now + timedelta(hours=12))
    store.users.set_active(alice.id, False)
    assert store.users.session_by_hash(sha("t1"), now) is None


def test_delete_user_sessions_and_purge(store):
    alice, bob = user(store, "alice"), user(store, "bob")
    now = datetime.now(UTC)
    store.users.add_session(alice.id, sha("a1"), "c", now + timedelta(hours=1))
    store.users.add_session(alice.id, sha("a2"), "c", now + timedelta(hours=1))
    store.users.add_session(bob.id, sha("b1"), "c", now + timedelta(minutes=5))
    store.users.add_session(bob.id, sha("b2"), "c", now + timedelta(hours=2))
    assert store.users.delete_user_sessions(alice.id) == 2
    assert store.users.session_by_hash(sha("a1"), now) is None
    assert store.users.purge_expired(now + timedelta(minutes=10)) == 1
    assert store.users.session_by_hash(sha("b2"), now) is not None
    assert store.users.purge_expired(now) == 0


def test_the_last_active_administrator_stays_one(store):
    alice = user(store, "alice", "admin")
    for change in (lambda: store.users.set_role(alice.id, "auditor"),
                   lambda: store.users.set_active(alice.id, False)):  # fmt: skip
        with pytest.raises(InvalidRecord, match="last active administrator"):
            change()
    bob = user(store, "bob", "auditor")
    store.users.set_role(bob.id, "admin")
    assert store.users.set_role(alice.id, "auditor").role == "auditor"  # bob remains
    with pytest.raises(InvalidRecord, match="last active administrator"):
        store.users.set_active(bob.id, False)
    assert store.users.set_active(alice.id, False).active is False  # not an admin now


def test_usernames_fold_case_beyond_ascii(store):
    emile = user(store, "Émile")
    assert store.users.find_user("émile") == emile
    assert store.users.find_user("ÉMILE") == emile
    with pytest.raises(InvalidRecord, match="taken"):
        user(store, "émile")
    strasse = user(store, "Straße")
    assert store.users.find_user("STRASSE") == strasse
