"""The findings service on SQLite and PostgreSQL: prefixes, history, triage, filters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aisec.core.errors import ConfigError, InvalidRecord, RecordNotFound, UsageError
from aisec.core.settings import Settings
from aisec.services import findings as service
from aisec.services.scanning import scan
from aisec.store import TriageState


def record_scan(store, directory):
    run = scan([directory], Settings())
    return store.runs.record(run)


def test_two_scans_one_finding_two_runs_and_its_history(store, model_dir):
    first = record_scan(store, model_dir)
    second = record_scan(store, model_dir)
    found = store.findings.list()
    assert len(found) == 1
    history = service.history(store.findings, store.runs, found[0].fingerprint[:8])
    assert [r.id for r in history.runs] == [first.id, second.id]
    assert history.finding.occurrences == 2
    assert history.triage == ()
    data = service.history_dict(history)
    assert [r["id"] for r in data["runs"]] == [first.id, second.id]


def test_triage_then_filter_by_state(store, model_dir):
    record_scan(store, model_dir)
    fingerprint = store.findings.list()[0].fingerprint
    until = date.today() + timedelta(days=30)
    finding, entry = service.triage(
        store.findings,
        fingerprint[:10],
        "accepted-risk",
        justification="test fixture",
        expires=until,
        actor="alice",
    )
    assert (finding.fingerprint, entry.state, entry.actor) == (
        fingerprint,
        TriageState.ACCEPTED_RISK,
        "alice",
    )
    accepted = store.findings.list(service.make_filter(state="accepted-risk"))
    assert [f.fingerprint for f in accepted] == [fingerprint]
    assert store.findings.list(service.make_filter(state="open")) == []
    assert service.finding_dict(accepted[0])["triage"]["expires"] == until.isoformat()


def test_actor_defaults_to_the_operating_system_user(store, model_dir, monkeypatch):
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "os-user")
    record_scan(store, model_dir)
    fingerprint = store.findings.list()[0].fingerprint
    _, entry = service.triage(store.findings, fingerprint, "fixed")
    assert entry.actor == "os-user"


def test_incomplete_decisions_and_unknown_fingerprints(store, model_dir):
    record_scan(store, model_dir)
    fingerprint = store.findings.list()[0].fingerprint
    with pytest.raises(InvalidRecord, match="needs a justification"):
        service.triage(store.findings, fingerprint, "accepted-risk", actor="a")
    with pytest.raises(InvalidRecord, match="expiry"):
        service.triage(store.findings, fingerprint, "accepted-risk", actor="a", justification="j")
    with pytest.raises(UsageError, match="unknown triage state"):
        service.triage(store.findings, fingerprint, "wontfix", actor="a")
    with pytest.raises(RecordNotFound, match="no finding"):
        service.resolve(store.findings, "0123456789")
    with pytest.raises(RecordNotFound, match="at least 6"):
        service.resolve(store.findings, fingerprint[:3])


def test_filters_from_words(store, model_dir):
    record_scan(store, model_dir)
    assert len(store.findings.list(service.make_filter(severity="critical"))) == 1
    assert store.findings.list(service.make_filter(check="modelfile.keras.*")) == []
    assert len(store.findings.list(service.make_filter(check="modelfile.pickle.*"))) == 1
    with pytest.raises(ConfigError):
        service.make_filter(severity="severe")


def test_dates():
    assert service.parse_date("2027-01-31") == date(2027, 1, 31)
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        service.parse_date("31/01/2027")
