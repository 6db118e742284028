"""Runs over time: two scans of the same directory give one finding per fingerprint,
linked to both runs."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from aisec.core.errors import InvalidRecord
from aisec.core.finding import Finding, Location
from aisec.core.run import Disposition, Run
from aisec.core.settings import Settings
from aisec.core.severity import Severity
from aisec.modelfile.scanner import scan
from aisec.store import FindingFilter


def scan_twice(store, model_dir):
    first = scan([model_dir], Settings())
    second = scan([model_dir], Settings())
    return first, store.runs.record(first), second, store.runs.record(second)


def test_two_runs_of_one_scan_share_their_findings(store, model_dir):
    first, stored_first, second, stored_second = scan_twice(store, model_dir)
    fingerprints = {f.fingerprint for f in first.findings}
    assert fingerprints == {f.fingerprint for f in second.findings}
    assert "modelfile.pickle.dangerous-call" in {f.check_id for f in first.findings}

    findings = store.findings.list()
    assert sorted(f.fingerprint for f in findings) == sorted(fingerprints)
    for finding in findings:
        assert finding.occurrences == 2
        assert finding.first_seen_run == first.id
        assert finding.last_seen_run == second.id
        assert store.findings.runs(finding.fingerprint) == [first.id, second.id]
    assert stored_first.finding_count == stored_second.finding_count == len(fingerprints)
    by_run = store.findings.list(FindingFilter(run_id=first.id))
    assert len(by_run) == len(fingerprints)


def test_the_run_record_is_kept(store, model_dir):
    run = scan([model_dir], Settings(fail_on=Severity.MEDIUM))
    stored = store.runs.record(run)
    assert stored == store.runs.get(run.id)
    assert stored.kind == "scan"
    assert stored.targets == (str(model_dir),)
    assert stored.config["fail_on"] == "medium"
    assert stored.started_at == run.started_at
    assert stored.finished_at == run.ended_at
    assert stored.exit_code == run.exit_code(Severity.MEDIUM) == 1
    assert stored.counts["findings"]["critical"] >= 1
    assert stored.counts["artefacts"] == len(run.artefacts)
    assert store.runs.list() == [stored]
    assert store.runs.list(kind="test") == []


def test_skipped_artefacts_and_errors_are_kept(store, tmp_path):
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01unknown binary\xff" * 4)
    run = scan([tmp_path], Settings())
    run.errors.append("check x failed on blob.bin")
    stored = store.runs.record(run)
    assert [s["location"] for s in stored.skipped] == [a.location.display() for a in run.skipped]
    assert stored.skipped and stored.skipped[0]["reason"]
    assert stored.errors == ("check x failed on blob.bin",)
    assert stored.exit_code == 3


def test_a_run_is_recorded_once(store, model_dir):
    run = scan([model_dir], Settings())
    store.runs.record(run)
    with pytest.raises(InvalidRecord, match="already stored"):
        store.runs.record(run)
    with pytest.raises(InvalidRecord, match="not a UUID"):
        store.runs.record(dataclasses.replace(run, id="run-1"))


def finding(check="demo.check", severity=Severity.HIGH, message="m", key="k", path="a.pkl"):
    return Finding.create(
        check_id=check,
        severity=severity,
        title="t",
        message=message,
        location=Location(path, offset=3),
        key=key,
    )


def make_run(*findings, started=None) -> Run:
    run = Run("scan", ["a.pkl"], "0.1.0", {"fail_on": "high"}, findings=list(findings))
    if started is not None:
        run.started_at = started
    run.finish()
    return run


def test_the_latest_run_refreshes_what_changed(store):
    store.runs.record(make_run(finding(severity=Severity.LOW, message="old")))
    store.runs.record(make_run(finding(severity=Severity.CRITICAL, message="new")))
    (stored,) = store.findings.list()
    assert (stored.severity, stored.message, stored.occurrences) == (Severity.CRITICAL, "new", 2)


def test_an_older_run_recorded_later_does_not_rewrite_the_present(store):
    now = datetime.now(UTC)
    recent = store.runs.record(make_run(finding(message="recent"), started=now))
    old = store.runs.record(make_run(finding(message="old"), started=now - timedelta(days=30)))
    (stored,) = store.findings.list()
    assert stored.message == "recent"
    assert (stored.first_seen_run, stored.last_seen_run) == (old.id, recent.id)
    assert store.findings.runs(stored.fingerprint) == [old.id, recent.id]
    assert [r.id for r in store.runs.list()] == [recent.id, old.id]


def test_repeated_fingerprints_in_one_run_are_one_finding(store):
    run = make_run(finding(severity=Severity.LOW), finding(severity=Severity.HIGH))
    assert store.runs.record(run).finding_count == 1
    (stored,) = store.findings.list()
    assert (stored.severity, stored.occurrences) == (Severity.HIGH, 1)


def test_findings_without_a_fingerprint_still_deduplicate(store):
    bare = Finding("demo.bare", Severity.MEDIUM, "t", "m", Location("x.pkl"))
    store.runs.record(make_run(bare))
    store.runs.record(make_run(bare))
    (stored,) = store.findings.list()
    assert stored.fingerprint and stored.occurrences == 2


def test_dispositions_are_kept_per_run(store):
    found = finding()
    run = make_run(found)
    run.dispositions[found.fingerprint] = Disposition("baseline", "known", "b.json")
    stored = store.runs.record(run)
    assert stored.exit_code == 0
    assert stored.counts["baseline"] == 1


def test_hostile_text_in_findings_is_stored(store):
    evil = finding(message="\x00 call \udcff", path="dir/\udcfe.pkl", key="os.system")
    evil = dataclasses.replace(evil, evidence={"call": "os.system('\x00')", "raw": b"\x80\x04"})
    store.runs.record(make_run(evil))
    (stored,) = store.findings.list()
    assert stored.message == "\\x00 call \\xff"
    assert stored.path == "dir/\\xfe.pkl"
    assert stored.evidence["call"] == "os.system('\x00')"


def test_naive_start_times_are_refused(store):
    run = make_run(finding(), started=datetime(2025, 1, 1))
    with pytest.raises(InvalidRecord, match="time zone"):
        store.runs.record(run)
