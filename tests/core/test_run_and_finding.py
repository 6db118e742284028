import pickle

import pytest

from aisec.core.finding import Finding, Location
from aisec.core.run import Artefact, ArtefactStatus, Run
from aisec.core.severity import Severity


def make(severity=Severity.HIGH, key="os.system", path="m.pkl", offset=3):
    return Finding.create(
        check_id="modelfile.pickle.dangerous-call",
        severity=severity,
        title="t",
        message="m",
        location=Location(path, ("a.zip", "b.pkl"), offset),
        evidence={"call": "os.system('id')"},
        key=key,
    )


def test_fingerprint_is_stable_and_ignores_offsets_when_keyed():
    assert make(offset=3).fingerprint == make(offset=999).fingerprint
    assert make(key="os.system").fingerprint != make(key="builtins.eval").fingerprint
    assert make(path="a").fingerprint != make(path="b").fingerprint
    assert len(make().fingerprint) == 32


def test_findings_are_frozen_and_picklable():
    finding = make()
    with pytest.raises(AttributeError):
        finding.severity = Severity.LOW
    assert pickle.loads(pickle.dumps(finding)) == finding


def test_location_display_shows_members_and_offset():
    assert Location("x.zip", ("in.7z", "data.pkl"), 12).display() == "x.zip!/in.7z!/data.pkl@12"


@pytest.mark.parametrize(
    ("severities", "statuses", "fail_on", "expected"),
    [
        ([], [ArtefactStatus.ANALYSED], Severity.HIGH, 0),
        ([Severity.MEDIUM], [ArtefactStatus.ANALYSED], Severity.HIGH, 0),
        ([Severity.MEDIUM], [ArtefactStatus.ANALYSED], Severity.MEDIUM, 1),
        ([Severity.CRITICAL], [ArtefactStatus.INCOMPLETE], Severity.HIGH, 1),
        ([Severity.LOW], [ArtefactStatus.INCOMPLETE], Severity.HIGH, 3),
        ([], [ArtefactStatus.SKIPPED], Severity.HIGH, 3),
    ],
)
def test_exit_codes(severities, statuses, fail_on, expected):
    run = Run("scan", ["x"], "0", {})
    run.findings = [make(severity=s) for s in severities]
    run.artefacts = [Artefact(Location("x"), "pickle", 1, status) for status in statuses]
    assert run.exit_code(fail_on) == expected


def test_run_record_carries_config_and_summary():
    run = Run("scan", ["x"], "0.1", {"fail_on": "high"})
    run.findings = [make(), make(severity=Severity.LOW)]
    run.finish()
    data = run.to_dict()
    assert data["config"] == {"fail_on": "high"}
    assert data["summary"]["findings"]["high"] == 1
    assert data["summary"]["findings"]["low"] == 1
    assert data["ended_at"] is not None
