"""Comments on findings and their assignments (revision 0008), on both databases."""

from __future__ import annotations

import pytest

from aisec.core.errors import InvalidRecord, RecordNotFound
from aisec.core.finding import Finding, Location
from aisec.core.run import Run
from aisec.core.severity import Severity


def stored(store, *keys):
    findings = [
        Finding.create(
            check_id="modelfile.pickle.dangerous-call",
            severity=Severity.HIGH,
            title="t",
            message="m",
            location=Location(f"models/{key}.pkl"),
            key=key,
        )
        for key in keys
    ]
    run = Run("scan", ["."], "0.1.0", {}, findings=findings)
    run.finish()
    store.runs.record(run)
    return [f.fingerprint for f in findings]


def test_comments_and_assignments_in_order(store):
    (fp,) = stored(store, "a")
    first = store.notes.add_comment(fp, "alice", "  looks real  ")
    assert (first.kind, first.actor, first.text, first.assignee) == (
        "comment",
        "alice",
        "looks real",
        None,
    )
    assert first.fingerprint == fp and first.created_at.tzinfo is not None
    second = store.notes.assign(fp, "alice", "bob")
    assert (second.kind, second.text, second.assignee) == ("assignment", "", "bob")
    third = store.notes.add_comment(fp, "bob", "on it")
    assert store.notes.notes(fp) == [first, second, third]


def test_assignees_are_the_latest_assignment(store):
    a, b, c, d = stored(store, "a", "b", "c", "d")
    store.notes.assign(a, "alice", "bob")
    store.notes.assign(a, "alice", "carol")
    store.notes.assign(b, "alice", "bob")
    store.notes.assign(b, "alice", "")  # unassigned
    store.notes.add_comment(c, "alice", "no assignment")
    store.notes.assign(d, "alice", "dave")
    assert store.notes.assignees([a, b, c, "unknown"]) == {a: "carol"}
    assert store.notes.assignees([]) == {}
    assert store.notes.assignees([d, d]) == {d: "dave"}


def test_refused(store):
    (fp,) = stored(store, "a")
    with pytest.raises(InvalidRecord):
        store.notes.add_comment(fp, "alice", "   ")
    with pytest.raises(InvalidRecord):
        store.notes.add_comment(fp, "alice", "x" * 10_001)
    with pytest.raises(InvalidRecord):
        store.notes.add_comment(fp, "", "text")
    with pytest.raises(InvalidRecord):
        store.notes.assign(fp, "alice", "b" * 201)
    assert store.notes.add_comment(fp, "alice", "x" * 10_000).text == "x" * 10_000
    for call in (
        lambda: store.notes.add_comment("nope", "alice", "text"),
        lambda: store.notes.assign("nope", "alice", "bob"),
        lambda: store.notes.notes("nope"),
    ):
        with pytest.raises(RecordNotFound):
            call()
    assert len(store.notes.notes(fp)) == 1


def test_hostile_text_is_stored_as_escapes(store):
    (fp,) = stored(store, "a")
    note = store.notes.add_comment(fp, "alice", "nul\x00 and \udcff")
    assert "\x00" not in note.text and "\udcff" not in note.text
    assert store.notes.notes(fp) == [note]


def test_notes_go_with_their_finding(store):
    (fp,) = stored(store, "a")
    store.notes.add_comment(fp, "alice", "text")
    with store.engine.begin() as connection:
        from aisec.store.models import FindingRecord

        connection.execute(FindingRecord.__table__.delete())
    with pytest.raises(RecordNotFound):
        store.notes.notes(fp)
