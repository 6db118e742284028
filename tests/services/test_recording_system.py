"""``record_run(system=...)``: the recorded run is linked to the AI system; a system the
inventory lacks is a warning, the run is still recorded and nothing is created."""

from __future__ import annotations

from aisec.core.run import Run
from aisec.core.settings import Settings
from aisec.services import recording
from aisec.store import open_store
from aisec.store.records import SystemAsset


def a_run(kind: str = "scan") -> Run:
    run = Run(kind, ["."], "0.1.0", {"fail_on": "high"})
    run.finish()
    return run


def test_the_run_is_linked_to_the_system(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with open_store(url) as store:
        store.inventory.add(SystemAsset(name="credit-scoring"))
    recorded = recording.record_run(
        a_run("test"), Settings(), exit_code=0, url=url, environ={}, system="credit-scoring"
    )
    assert recorded.warning == "" and recorded.system == "credit-scoring"
    assert recorded.run is not None
    with open_store(url) as store:
        assert [r.id for r in store.runs.for_system("credit-scoring", "test")] == [recorded.run.id]
        actions = [e.action for e in store.audit.entries()]
    assert "run.linked" in actions


def test_an_unknown_system_warns_and_the_run_is_still_recorded(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    recorded = recording.record_run(
        a_run(), Settings(), exit_code=1, url=url, environ={}, system="nope"
    )
    assert recorded.run is not None and recorded.system == ""
    assert "not linked" in recorded.warning and "'nope'" in recorded.warning
    with open_store(url) as store:
        assert [r.id for r in store.runs.list()] == [recorded.run.id]
        assert store.inventory.list(SystemAsset) == []  # nothing created


def test_without_a_system_nothing_is_linked(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    recorded = recording.record_run(a_run(), Settings(), exit_code=0, url=url, environ={})
    assert recorded.warning == "" and recorded.system == ""
