from aisec.core.finding import Location
from aisec.core.severity import Severity
from aisec.inventory.checks.signature_content_changed import SignatureContentChanged
from aisec.inventory.signature_report import (
    Change,
    FileChange,
    SignatureReport,
    SignatureStatus,
)


def report(*changes):
    return SignatureReport(
        Location("m"),
        SignatureStatus.CONTENT_CHANGED,
        "m/model.sig",
        changes=tuple(changes),
    )


def test_one_critical_finding_names_each_file():
    subject = report(
        FileChange("a.bin", "m/a.bin", Change.CHANGED, "digest signed 00, now 11"),
        FileChange("new.py", "m/new.py", Change.ADDED, "present, not signed"),
        FileChange("cfg.json", "m/cfg.json", Change.REMOVED, "signed, no longer present"),
    )
    findings = list(SignatureContentChanged().run(subject))
    assert [f.location.path for f in findings] == ["m/a.bin", "m/new.py", "m/cfg.json"]
    assert {f.severity for f in findings} == {Severity.CRITICAL}
    assert findings[0].message == "a.bin: changed since signing (digest signed 00, now 11)"
    assert findings[1].evidence == {
        "change": "added",
        "file": "new.py",
        "model": "m",
        "signature": "m/model.sig",
    }
    assert len({f.fingerprint for f in findings}) == 3


def test_a_verified_model_has_no_findings():
    assert list(SignatureContentChanged().run(report())) == []
