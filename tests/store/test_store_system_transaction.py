"""``Store.system_transaction``: one write transaction holding a system's row lock, the
public way for a read-modify-write of a system's registers (``locked_system`` uses it)."""

from __future__ import annotations

import threading

import pytest

from aisec.core.errors import RecordNotFound
from aisec.governance.risks.model import Risk
from aisec.services.governance_risks import locked_system
from aisec.store import SystemAsset


def _risk(system: str, title: str = "model theft") -> Risk:
    from aisec.governance.risks import risk_id

    return Risk(id=risk_id(system, "AML.T0024", title), system=system, title=title,
                threat="AML.T0024", likelihood=2, impact=3, likelihood_rationale="exposed",
                impact_rationale="the model is the product")  # fmt: skip


@pytest.fixture
def credit(store):
    return store.inventory.add(SystemAsset(name="credit"))


def test_writes_inside_commit_together_or_not_at_all(store, credit):
    with store.system_transaction("credit"):
        store.risks.upsert(_risk("credit"), actor="dpo")
    assert [r.title for r in store.risks.list("credit")] == ["model theft"]

    def fails_half_way() -> None:
        with store.system_transaction(str(credit.id)):
            store.risks.upsert(_risk("credit", "evasion"), actor="dpo")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        fails_half_way()
    assert [r.title for r in store.risks.list("credit")] == ["model theft"]


def test_an_unknown_system_is_refused(store):
    with pytest.raises(RecordNotFound), store.system_transaction("nope"):
        pass


def test_a_second_writer_waits_for_the_lock(store, credit):
    # The first holder records "done" before it commits; a second writer locking the same
    # system can only get in afterwards, so it always sees "done".
    order: list[str] = []
    trying = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            trying.set()
            with locked_system(store, "credit"):
                order.append("second in")
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    with store.system_transaction("credit"):
        thread = threading.Thread(target=second)
        thread.start()
        trying.wait()
        thread.join(0.3)  # gives the second writer its chance to (wrongly) get in
        order.append("first done")
    thread.join()
    assert errors == []
    assert order == ["first done", "second in"]
