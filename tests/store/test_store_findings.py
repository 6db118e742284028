"""Findings over time: filters, triage transitions, expiry of accepted risks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from aisec.core.errors import ConfigError, InvalidRecord, RecordNotFound
from aisec.core.finding import Finding, Location
from aisec.core.run import Run
from aisec.core.severity import Severity
from aisec.store import FindingFilter, TriageState

TODAY = date.today()


def finding(check, severity, path, key="k"):
    return Finding.create(
        check_id=check,
        severity=severity,
        title=check,
        message="m",
        location=Location(path),
        key=key,
    )


CRITICAL = finding("modelfile.pickle.dangerous-call", Severity.CRITICAL, "models/a.pkl")
HIGH = finding("modelfile.pickle.dangerous-import", Severity.HIGH, "models/sub/b.pkl")
LOW = finding("modelfile.pickle.unknown_import", Severity.LOW, "other/c.pt")


def record(store, *findings, started=None):
    run = Run("scan", ["."], "0.1.0", {"fail_on": "high"}, findings=list(findings))
    if started is not None:
        run.started_at = started
    run.finish()
    return store.runs.record(run)


def fingerprints(found):
    return {f.fingerprint for f in found}


def test_filters(store):
    first = record(store, CRITICAL, HIGH)
    record(store, LOW)
    everything = store.findings.list()
    assert [f.severity for f in everything] == [Severity.CRITICAL, Severity.HIGH, Severity.LOW]

    def listed(**where):
        return fingerprints(store.findings.list(FindingFilter(**where)))

    assert listed(min_severity=Severity.HIGH) == fingerprints([CRITICAL, HIGH])
    assert listed(check_id="modelfile.pickle.dangerous-call") == {CRITICAL.fingerprint}
    assert listed(check_id="modelfile.pickle.dangerous-*") == fingerprints([CRITICAL, HIGH])
    # _ is a literal in check ids, not LIKE's any-character.
    assert listed(check_id="modelfile.pickle.unknown_*") == {LOW.fingerprint}
    assert listed(check_id="modelfile.pickle.unknownXimport") == set()
    assert listed(path="models/*.pkl") == {CRITICAL.fingerprint}
    assert listed(path="models/**") == fingerprints([CRITICAL, HIGH])
    assert listed(run_id=first.id) == fingerprints([CRITICAL, HIGH])
    assert listed(state=TriageState.OPEN) == fingerprints([CRITICAL, HIGH, LOW])
    assert listed(min_severity=Severity.HIGH, path="**/b.pkl") == {HIGH.fingerprint}


def test_a_bad_path_pattern_is_a_config_error(store):
    with pytest.raises(ConfigError, match="path filter"):
        store.findings.list(FindingFilter(path="[z-a]"))


def test_triage_transitions_keep_history_and_latest_wins(store):
    record(store, CRITICAL, HIGH)
    key = CRITICAL.fingerprint
    assert store.findings.get(key).state is TriageState.OPEN
    assert store.findings.get(key).triage is None

    store.findings.set_triage(key, TriageState.FALSE_POSITIVE, actor="ana", justification="test")
    assert store.findings.get(key).state is TriageState.FALSE_POSITIVE
    store.findings.set_triage(key, TriageState.OPEN, actor="bo")
    store.findings.set_triage(key, TriageState.FIXED, actor="ana", justification="retrained")

    history = store.findings.history(key)
    assert [(e.state, e.actor) for e in history] == [
        (TriageState.FALSE_POSITIVE, "ana"),
        (TriageState.OPEN, "bo"),
        (TriageState.FIXED, "ana"),
    ]
    assert all(e.at.tzinfo is UTC for e in history)
    assert store.findings.get(key).state is TriageState.FIXED
    assert fingerprints(store.findings.list(FindingFilter(state=TriageState.FIXED))) == {key}
    assert fingerprints(store.findings.list(FindingFilter(state=TriageState.OPEN))) == {
        HIGH.fingerprint
    }


def test_an_accepted_risk_counts_as_open_after_its_expiry(store):
    record(store, CRITICAL)
    key = CRITICAL.fingerprint
    expires = TODAY + timedelta(days=30)
    entry = store.findings.set_triage(
        key, TriageState.ACCEPTED_RISK, actor="ciso", justification="isolated", expires=expires
    )
    assert (entry.state, entry.expires, entry.justification) == (
        TriageState.ACCEPTED_RISK,
        expires,
        "isolated",
    )
    on_the_day = store.findings.get(key, today=expires)
    assert on_the_day.state is TriageState.ACCEPTED_RISK and not on_the_day.expired
    after = store.findings.get(key, today=expires + timedelta(days=1))
    assert after.state is TriageState.OPEN and after.expired
    assert after.triage.state is TriageState.ACCEPTED_RISK  # the lapsed decision stays visible

    def in_state(state, today):
        return fingerprints(store.findings.list(FindingFilter(state=state), today=today))

    assert in_state(TriageState.ACCEPTED_RISK, expires) == {key}
    assert in_state(TriageState.OPEN, expires) == set()
    assert in_state(TriageState.OPEN, expires + timedelta(days=1)) == {key}
    assert in_state(TriageState.ACCEPTED_RISK, expires + timedelta(days=1)) == set()


def test_a_fixed_finding_seen_again_is_reopened(store):
    record(store, CRITICAL)
    store.findings.set_triage(CRITICAL.fingerprint, TriageState.FIXED, actor="ana")
    later = record(store, CRITICAL, started=datetime.now(UTC) + timedelta(seconds=1))
    stored = store.findings.get(CRITICAL.fingerprint)
    assert stored.state is TriageState.OPEN
    assert stored.triage.actor == "aisec" and later.id in stored.triage.justification


def test_an_older_run_does_not_reopen_a_fix(store):
    record(store, CRITICAL)
    store.findings.set_triage(CRITICAL.fingerprint, TriageState.FIXED, actor="ana")
    record(store, CRITICAL, started=datetime.now(UTC) - timedelta(days=1))
    assert store.findings.get(CRITICAL.fingerprint).state is TriageState.FIXED


@pytest.mark.parametrize(
    ("state", "kwargs", "message"),
    [
        (TriageState.ACCEPTED_RISK, {"expires": TODAY + timedelta(days=1)}, "justification"),
        (TriageState.ACCEPTED_RISK, {"justification": "why"}, "expiry"),
        (
            TriageState.ACCEPTED_RISK,
            {"justification": "why", "expires": TODAY - timedelta(days=1)},
            "in the past",
        ),
        (TriageState.FALSE_POSITIVE, {}, "justification"),
        (TriageState.FIXED, {"expires": TODAY}, "only an accepted risk expires"),
        ("closed", {}, "unknown triage state"),
        (TriageState.OPEN, {"actor": " "}, "who made it"),
    ],
)
def test_invalid_triage_is_refused(store, state, kwargs, message):
    record(store, CRITICAL)
    kwargs = {"actor": "ana", **kwargs}
    with pytest.raises(InvalidRecord, match=message):
        store.findings.set_triage(CRITICAL.fingerprint, state, **kwargs)
    assert store.findings.history(CRITICAL.fingerprint) == []


def test_unknown_fingerprints(store):
    assert store.findings.get("0" * 32) is None
    assert store.findings.runs("0" * 32) == []
    with pytest.raises(RecordNotFound, match="no finding"):
        store.findings.set_triage("0" * 32, TriageState.FIXED, actor="ana")
    with pytest.raises(RecordNotFound):
        store.findings.history("0" * 32)
