"""The governance audit trail on SQLite and PostgreSQL: appends, checkpoints, the
assessment wiring, concurrency, and tampering done the way an attacker with database access
would do it (raw SQL on the tables), each detected by ``verify``."""

from __future__ import annotations

import itertools
import threading
from datetime import date

import pytest
from sqlalchemy import text

from aisec.core.errors import InvalidRecord, RecordNotFound, StoreError
from aisec.governance.audit import AuditLog, SigningKey
from aisec.governance.audit.merkle import Tree, root_of
from aisec.governance.audit.records import Checkpoint, Entry, digest
from aisec.store import SystemAsset
from databases import drop_schema, new_schema_url, postgres_admin_engine


@pytest.fixture(scope="module")
def postgres_admin():
    yield from postgres_admin_engine()


@pytest.fixture(scope="module")
def postgres_url(postgres_admin):
    from aisec.store import open_store

    url, schema = new_schema_url(postgres_admin, "aisec_audit")
    open_store(url).close()
    yield url
    drop_schema(postgres_admin, schema)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    from aisec.store import open_store
    from aisec.store.models import Base

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'audit.db'}"
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
def key():
    return SigningKey.generate()


def fill(store, key, n=10, every=1000):
    log = AuditLog(store, key=key, checkpoint_every=every)
    for i in range(1, n + 1):
        log.append(f"user{i}", "risk.accepted", "risk", f"r{i}", {"i": i, "until": "2027-01-01"})
    return log


def sql(store, statement, **params):
    with store.engine.begin() as connection:
        connection.execute(text(statement), params)


def kinds(report):
    return {(p.kind, p.seq, p.tree_size) for p in report.problems}


# -- appending and reading -------------------------------------------------------------


def test_entries_are_numbered_from_one_hashed_and_read_back(store, key):
    log = fill(store, key, 3)
    entries = log.entries()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert all(a.recorded_at < b.recorded_at for a, b in itertools.pairwise(entries))
    first = entries[0]
    assert (first.actor, first.action, first.object_kind, first.object_id) == (
        "user1", "risk.accepted", "risk", "r1")  # fmt: skip
    assert first.payload == {"i": 1, "until": "2027-01-01"}
    assert first.leaf_hash == first.computed_leaf().hex()
    assert log.root() == root_of([e.computed_leaf() for e in entries]).hex()
    assert log.root(2) == Tree(e.computed_leaf() for e in entries[:2]).root().hex()
    assert log.size() == 3


def test_entries_filter_limit_and_order(store, key):
    log = fill(store, key, 5)
    assert [e.seq for e in log.entries(limit=2, newest_first=True)] == [5, 4]
    assert [e.seq for e in log.entries(start=4)] == [4, 5]
    assert [e.seq for e in log.entries(object_kind="risk", object_id="r3")] == [3]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("actor", "  ", "needs its actor"), ("action", "a" * 101, "longer than 100"),
     ("object_kind", 7, "must be text")],
)  # fmt: skip
def test_what_an_entry_cannot_hold_is_refused(store, field, value, message):
    fields = {"actor": "a", "action": "b", "object_kind": "c", "object_id": "d"}
    fields[field] = value
    with pytest.raises(InvalidRecord, match=message):
        AuditLog(store).append(**fields, payload={})
    with pytest.raises(InvalidRecord, match="mapping"):
        AuditLog(store).append("a", "b", "c", "d", ["not", "a", "mapping"])
    assert AuditLog(store).size() == 0


def test_hostile_text_is_stored_visibly_and_still_verifies(store, key):
    log = AuditLog(store)
    log.append("eve\x00\udcff", "x.y", "risk", "r", {"note": "nul\x00 and \udcff", "n": 1.5})
    (entry,) = log.entries()
    assert "\x00" not in entry.actor
    assert log.verify(key.public, allow_unsigned_tail=True).ok


def test_append_joins_the_callers_transaction(store, key):
    log = AuditLog(store)

    def failing_change():
        with store.transaction():
            log.append("a", "risk.accepted", "risk", "r1", {})
            raise RuntimeError("the change failed after its entry was written")

    with pytest.raises(RuntimeError):
        failing_change()
    assert log.size() == 0
    with store.transaction():
        log.append("a", "risk.accepted", "risk", "r1", {})
        log.append("a", "risk.closed", "risk", "r1", {})
    assert log.size() == 2


# -- checkpoints ---------------------------------------------------------------------------


def test_an_intact_log_verifies_and_reports_its_unsigned_tail(store, key):
    log = fill(store, key, 7)
    made = log.checkpoint()
    assert (made.tree_size, made.root_hash, made.key_id) == (7, log.root(), key.key_id)
    log.append("a", "risk.accepted", "risk", "r8", {})
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert report.ok and report.problems == ()
    assert (report.entries, report.verified_size, report.unsigned_tail) == (8, 7, 1)
    assert report.to_dict()["ok"] is True
    assert report.key_id == key.key_id
    # By default the tail fails: whoever writes to the database can rewrite it undetected.
    strict = log.verify(key.public)
    assert kinds(strict) == {("unsigned", 8, None)}
    assert strict.problems[0].reason == (
        "1 entries are not covered by a signed checkpoint: run `aisec audit checkpoint`"
    )
    log.checkpoint()
    assert log.verify(key.public).ok


def test_a_rewritten_log_with_every_checkpoint_deleted_fails(store, key):
    log = fill(store, key, 6)
    signed = log.checkpoint()
    sql(store, "UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2")
    _rehash(store)
    sql(store, "DELETE FROM audit_checkpoints")
    report = log.verify(key.public)
    assert kinds(report) == {("unsigned", 1, None)}
    assert report.problems[0].where() == "seq 1..6"
    # An auditor holding the checkpoint outside the database sees the rewrite even when
    # the unsigned tail is accepted.
    outside = log.verify(
        key.public, allow_unsigned_tail=True,
        expect_size=signed.tree_size, expect_root=signed.root_hash,
    )  # fmt: skip
    assert kinds(outside) == {("expected-root", None, 6)}


def test_an_expected_checkpoint_is_checked_against_the_log(store, key):
    log = fill(store, key, 6)
    root4 = log.root(4)
    assert log.verify(key.public, allow_unsigned_tail=True, expect_size=4, expect_root=root4).ok
    assert log.verify(key.public, allow_unsigned_tail=True, expect_size=6).ok
    short = log.verify(key.public, allow_unsigned_tail=True, expect_size=9)
    assert kinds(short) == {("expected-size", None, 9)}
    sql(store, "DELETE FROM audit_entries WHERE seq > 3")  # the tail cut off
    cut = log.verify(key.public, allow_unsigned_tail=True, expect_size=4, expect_root=root4)
    assert kinds(cut) == {("expected-size", None, 4)}
    with pytest.raises(ValueError, match="expect_size"):
        log.verify(key.public, expect_root=root4)


def test_the_store_signs_with_the_configured_key_without_being_told(tmp_path, monkeypatch):
    from aisec.store import open_store

    path = tmp_path / "keys" / "audit.pem"
    path.parent.mkdir()
    signer = SigningKey.generate()
    path.write_bytes(signer.pem())
    monkeypatch.setenv("AISEC_AUDIT_KEY", str(path))
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as opened:
        opened.audit.checkpoint_every = 3
        for i in range(7):
            opened.audit.append("u", "risk.accepted", "risk", f"r{i}", {})
        assert [c.tree_size for c in opened.audit.checkpoints()] == [3, 6]
        assert {c.key_id for c in opened.audit.checkpoints()} == {signer.key_id}


def test_the_store_signs_with_the_key_beside_a_sqlite_file(tmp_path, monkeypatch):
    from aisec.store import open_store

    monkeypatch.delenv("AISEC_AUDIT_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'a.db'}"
    with open_store(url) as opened:
        assert opened.audit.signer is None  # no key anywhere: none is created
    assert not (tmp_path / "audit-key.pem").exists()
    signer = SigningKey.generate()
    (tmp_path / "audit-key.pem").write_bytes(signer.pem())
    with open_store(url) as opened:
        assert opened.audit.signer is not None and opened.audit.signer.key_id == signer.key_id


def test_a_checkpoint_is_written_automatically_every_n_entries(store, key):
    log = fill(store, key, 12, every=5)
    assert [c.tree_size for c in log.checkpoints()] == [5, 10]
    assert log.verify(key.public, allow_unsigned_tail=True).unsigned_tail == 2


def test_an_empty_log_can_be_checkpointed_and_verified(store, key):
    log = AuditLog(store)
    assert log.checkpoint(key).tree_size == 0
    assert log.verify(key.public, allow_unsigned_tail=True).ok


def test_a_tampered_log_is_never_signed(store, key):
    log = fill(store, key, 4)
    sql(store, "UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2")
    with pytest.raises(StoreError, match="fails verification"):
        log.checkpoint()
    # Automatic checkpoints are skipped instead: governance changes go on being recorded.
    log = AuditLog(store, key=key, checkpoint_every=1)
    log.append("a", "risk.accepted", "risk", "r5", {})
    assert log.checkpoints() == [] and log.size() == 5


def test_concurrent_appends_never_share_a_seq(store, key):
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers itself; the race is PostgreSQL's")
    log, errors = AuditLog(store), []

    def writer(name):
        try:
            for i in range(25):
                log.append(name, "risk.accepted", "risk", f"{name}-{i}", {"i": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("t1", "t2", "t3")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [e.seq for e in log.entries()] == list(range(1, 76))
    log.checkpoint(key)
    assert log.verify(key.public, allow_unsigned_tail=True).ok


# -- the assessment wiring --------------------------------------------------------------

ANSWERS = {"annex_iii_area": "employment", "users": 1200}
RESULT = {"tier": "high-risk"}


def assess(store, who="cv-screener"):
    return store.assessments.record(
        who, "eu-ai-act-classification", framework="eu-ai-act", answers=ANSWERS,
        result=RESULT, rationale=["Annex III 4(a)."], assessor="dpo@example.com",
        as_of=date(2026, 8, 2),
    )  # fmt: skip


def test_recording_an_assessment_appends_its_entry(store, key):
    store.inventory.upsert(SystemAsset(name="cv-screener"))
    stored = assess(store)
    (entry,) = AuditLog(store).entries()
    assert (entry.actor, entry.action, entry.object_kind, entry.object_id) == (
        "dpo@example.com", "assessment.recorded", "assessment", stored.id)  # fmt: skip
    assert entry.payload == {
        "assessment_id": stored.id, "system_id": stored.system_id, "system": "cv-screener",
        "kind": "eu-ai-act-classification", "framework": "eu-ai-act", "status": "final",
        "as_of": "2026-08-02", "answers_sha256": digest(stored.answers),
        "result_sha256": digest(stored.result),
    }  # fmt: skip
    assert AuditLog(store).verify(key.public, allow_unsigned_tail=True).ok


def test_an_assessment_is_never_stored_without_its_entry(store, monkeypatch):
    store.inventory.upsert(SystemAsset(name="cv-screener"))

    def broken(*args, **kwargs):
        raise StoreError("the audit log is unavailable")

    monkeypatch.setattr(store.audit, "append", broken)
    with pytest.raises(StoreError, match="unavailable"):
        assess(store)
    assert store.assessments.list() == []
    with pytest.raises(RecordNotFound):
        assess(store, "no-such-system")
    monkeypatch.undo()
    assert AuditLog(store).size() == 0


# -- tampering, as an attacker with write access to the database -----------------------


def test_tampering_edited_payload(store, key):
    log = fill(store, key, 6)
    log.checkpoint()
    sql(store, "UPDATE audit_entries SET payload = :p WHERE seq = 3", p='{"i": 3, "until": "2099"}')
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert not report.ok
    assert kinds(report) == {("edited", 3, None), ("root-mismatch", None, 6)}


def test_tampering_edited_actor(store, key):
    log = fill(store, key, 6)
    log.checkpoint()
    sql(store, "UPDATE audit_entries SET actor = 'someone-else' WHERE seq = 5")
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert kinds(report) == {("edited", 5, None), ("root-mismatch", None, 6)}


def test_tampering_edited_entry_in_the_unsigned_tail(store, key):
    log = fill(store, key, 3)
    sql(store, "UPDATE audit_entries SET action = 'risk.rejected' WHERE seq = 2")
    assert kinds(log.verify(key.public, allow_unsigned_tail=True)) == {("edited", 2, None)}


def test_tampering_deleted_entry_in_the_middle(store, key):
    log = fill(store, key, 6)
    log.checkpoint()
    sql(store, "DELETE FROM audit_entries WHERE seq = 3")
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert kinds(report) == {("deleted", 3, None), ("root-mismatch", None, 6)}


def test_tampering_deleted_entry_in_the_unsigned_tail(store, key):
    log = fill(store, key, 6)
    sql(store, "DELETE FROM audit_entries WHERE seq = 4")
    assert kinds(log.verify(key.public, allow_unsigned_tail=True)) == {("deleted", 4, None)}


def test_tampering_deleted_last_entry_under_a_checkpoint(store, key):
    log = fill(store, key, 6)
    log.checkpoint()
    sql(store, "DELETE FROM audit_entries WHERE seq = 6")
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert kinds(report) == {("deleted", 6, None), ("truncated", None, 6)}
    assert report.verified_size == 0


@pytest.mark.parametrize("cut", [3, 0])
def test_tampering_log_truncated_after_a_checkpoint(store, key, cut):
    log = fill(store, key, 6)
    log.checkpoint()
    sql(store, "DELETE FROM audit_entries WHERE seq > :cut", cut=cut)
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert kinds(report) == {("deleted", cut + 1, None), ("truncated", None, 6)}
    (gap,) = [p for p in report.problems if p.kind == "deleted"]
    assert gap.where() == f"seq {cut + 1}..6"  # one problem for the run of missing entries


def _swap(store, a, b, *, columns):
    with store.engine.begin() as connection:
        rows = {
            r.seq: r
            for r in connection.execute(
                text("SELECT * FROM audit_entries WHERE seq IN (:a, :b)"), {"a": a, "b": b}
            )
        }
        for target, source in ((a, b), (b, a)):
            values = {c: getattr(rows[source], c) for c in columns}
            values["payload"] = _json_text(values["payload"])
            assignments = ", ".join(f"{c} = :{c}" for c in columns)
            connection.execute(
                text(f"UPDATE audit_entries SET {assignments} WHERE seq = :seq"),
                {**values, "seq": target},
            )


def _json_text(value):
    import json

    return value if isinstance(value, str) else json.dumps(value)


CONTENT = ["recorded_at", "actor", "action", "object_kind", "object_id", "payload"]


def test_tampering_two_entries_swapped(store, key):
    log = fill(store, key, 6)
    log.checkpoint()
    _swap(store, 2, 4, columns=[*CONTENT, "leaf_hash"])  # whole rows moved, seq kept
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert {("edited", 2, None), ("edited", 4, None), ("reordered", 3, None),
            ("root-mismatch", None, 6)} <= kinds(report)  # fmt: skip


def test_tampering_two_entries_swapped_with_their_hashes_recomputed(store, key):
    log = fill(store, key, 6)
    log.checkpoint()
    _swap(store, 2, 4, columns=CONTENT)
    _rehash(store)  # an attacker who knows the encoding makes every leaf match again
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert not any(p.kind == "edited" for p in report.problems)
    assert ("root-mismatch", None, 6) in kinds(report)
    assert ("reordered", 3, None) in kinds(report)  # and time order betrays the move


def _rehash(store):
    log = AuditLog(store)
    for entry in log.entries():
        sql(store, "UPDATE audit_entries SET leaf_hash = :h WHERE seq = :s",
            h=entry.computed_leaf().hex(), s=entry.seq)  # fmt: skip


def test_tampering_forged_checkpoint_root(store, key):
    log = fill(store, key, 6)
    log.checkpoint()
    # Edit an entry, make its hash match, and put the new root into the checkpoint.
    sql(store, "UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2")
    _rehash(store)
    sql(store, "UPDATE audit_checkpoints SET root_hash = :r", r=log.root())
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert kinds(report) == {("bad-signature", None, 6)}
    assert "does not verify" in report.problems[0].reason
    assert report.verified_size == 0 and report.unsigned_tail == 6


def test_tampering_checkpoint_signed_by_another_key(store, key):
    log = fill(store, key, 6)
    log.checkpoint()
    sql(store, "UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2")
    _rehash(store)
    sql(store, "DELETE FROM audit_checkpoints")
    AuditLog(store).checkpoint(SigningKey.generate())  # the attacker's own key
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert kinds(report) == {("wrong-key", None, 6)}
    assert report.problems[0].reason == (
        f"wrong key (signed by key id {log.checkpoints()[0].key_id}, verifying with {key.key_id})"
    )


def test_tampering_checkpoint_key_id_alone_changes_nothing(store, key):
    log = fill(store, key, 2)
    log.checkpoint()
    sql(store, "UPDATE audit_checkpoints SET key_id = :k", k="0" * 64)
    assert log.verify(key.public).ok  # the key id is not signed: only the signature counts


def test_tampering_unreadable_column(store, key):
    if store.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's json type refuses what is not JSON")
    log = fill(store, key, 2)
    sql(store, "UPDATE audit_entries SET payload = 'not json' WHERE seq = 1")
    report = log.verify(key.public, allow_unsigned_tail=True)
    assert [p.kind for p in report.problems] == ["unreadable"]


def test_verify_with_records_directly():
    from datetime import UTC, datetime

    from aisec.governance.audit.verify import verify

    signer = SigningKey.generate()
    when = datetime(2026, 1, 1, tzinfo=UTC)
    entries = [Entry(i, when, "a", "b", "c", str(i), {}) for i in (1, 2)]
    entries = [Entry(**{**e.content_columns(), "leaf_hash": e.computed_leaf().hex()})
               for e in entries]  # fmt: skip
    root = Tree(e.computed_leaf() for e in entries).root().hex()
    unsigned = Checkpoint(2, root, when, "", signer.key_id)
    signed = Checkpoint(2, root, when, signer.sign(unsigned.message()), signer.key_id)
    assert verify(entries, [signed], signer.public).ok
    garbled = Checkpoint(2, root, when, "zz", signer.key_id)
    garbled_report = verify(entries, [garbled], signer.public)
    assert {p.kind for p in garbled_report.problems} == {"bad-signature", "unsigned"}


def _entries(n, *, start=1):
    from datetime import UTC, datetime

    when = datetime(2026, 1, 1, tzinfo=UTC)
    made = [Entry(i, when, "a", "b", "c", str(i), {}) for i in range(start, start + n)]
    return [Entry(**{**e.content_columns(), "leaf_hash": e.computed_leaf().hex()})
            for e in made]  # fmt: skip


def test_a_huge_gap_is_one_problem_not_one_per_seq():
    from datetime import UTC, datetime

    from aisec.governance.audit.verify import verify

    signer = SigningKey.generate()
    forged = Checkpoint(2_000_000_000, "00" * 32, datetime(2026, 1, 1, tzinfo=UTC), "", "k")
    report = verify(_entries(2), [forged], signer.public, allow_unsigned_tail=True)
    gaps = [p for p in report.problems if p.kind == "deleted"]
    assert [(p.seq, p.last_seq) for p in gaps] == [(3, 2_000_000_000)]
    assert gaps[0].where() == "seq 3..2000000000"
    huge_seq = _entries(1) + _entries(1, start=1_999_999_999)
    (gap,) = verify(huge_seq, [], signer.public, allow_unsigned_tail=True).problems
    assert (gap.kind, gap.seq, gap.last_seq) == ("deleted", 2, 1_999_999_998)


def test_problems_are_listed_up_to_a_cap_and_counted_beyond():
    from datetime import UTC, datetime

    from aisec.governance.audit.verify import MAX_PROBLEMS, verify

    signer = SigningKey.generate()
    when = datetime(2026, 1, 1, tzinfo=UTC)
    forged = [Checkpoint(1, "00" * 32, when, "", signer.key_id) for _ in range(MAX_PROBLEMS + 5)]
    report = verify(_entries(1), forged, signer.public)
    assert len(report.problems) == MAX_PROBLEMS and not report.ok
    assert report.problem_count == 2 * (MAX_PROBLEMS + 5) + 1  # root, signature; the tail
    assert report.more_problems == report.problem_count - MAX_PROBLEMS
    assert report.to_dict()["more_problems"] == report.more_problems


# -- who is named ----------------------------------------------------------------------------


@pytest.mark.parametrize(("login", "actor"), [("alice", "alice"), (None, "unknown")])
def test_a_run_linked_while_recording_names_the_login(tmp_path, monkeypatch, login, actor):
    import getpass

    from aisec.core.run import Run
    from aisec.core.settings import Settings
    from aisec.services import recording
    from aisec.store import open_store

    def getuser():
        if login is None:
            raise OSError("no login name")
        return login

    monkeypatch.setattr(getpass, "getuser", getuser)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with open_store(url) as opened:
        opened.inventory.add(SystemAsset(name="credit-scoring"))
    run = Run("scan", ["."], "0.1.0", {})
    run.finish()
    recorded = recording.record_run(
        run, Settings(), exit_code=0, url=url, environ={}, system="credit-scoring"
    )
    assert recorded.system == "credit-scoring", recorded.warning
    with open_store(url) as opened:
        (linked,) = [e for e in opened.audit.entries() if e.action == "run.linked"]
    assert linked.actor == actor
