"""Removing a system through the Python API as through the CLI: refused while it has
governance records, done with ``force`` (and an audit entry by the actor given), and that
entry signed by the key given to ``AuditLog`` like every other governance change."""

from __future__ import annotations

from datetime import date

import pytest

from aisec.core.errors import InvalidRecord
from aisec.governance.audit import AuditLog, SigningKey
from aisec.services import inventory
from aisec.store import SystemAsset


def _system_with_an_assessment(store) -> SystemAsset:
    system = inventory.add(store.inventory, SystemAsset, {"name": "credit"})
    store.assessments.record(
        "credit", "fria", framework="eu-ai-act", answers={}, result={}, rationale=[],
        assessor="dpo", as_of=date(2026, 11, 1),
    )  # fmt: skip
    return system


def test_a_system_with_records_needs_force(store):
    system = _system_with_an_assessment(store)
    with pytest.raises(InvalidRecord, match="governance records"):
        inventory.remove(store.inventory, SystemAsset, "credit")
    assert store.inventory.get(SystemAsset, str(system.id)) is not None

    removed = inventory.remove(store.inventory, SystemAsset, "credit", force=True, actor="dpo")
    assert removed.id == system.id
    assert store.inventory.list(SystemAsset) == []
    entry = AuditLog(store).entries(newest_first=True, limit=1)[0]
    assert (entry.action, entry.actor, entry.object_id) == ("system.removed", "dpo", system.id)
    assert entry.payload["counts"] == {"assessments": 1}


def test_the_removal_entry_is_signed_by_the_audit_logs_key(store, monkeypatch):
    monkeypatch.delenv("AISEC_AUDIT_KEY", raising=False)
    _system_with_an_assessment(store)
    key = SigningKey.generate()
    log = AuditLog(store, key=key, checkpoint_every=1)
    inventory.remove(store.inventory, SystemAsset, "credit", force=True)
    # With checkpoint_every=1 the removal's own append signs the log: it went through the
    # store's audit repository, the one carrying the key.
    checkpoints = log.checkpoints()
    assert checkpoints and checkpoints[-1].tree_size == log.size()
    assert checkpoints[-1].key_id == key.key_id
    assert log.verify(key.public).ok
