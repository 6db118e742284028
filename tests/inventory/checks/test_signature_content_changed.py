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


def fingerprint(change):
    [found] = SignatureContentChanged().run(report(change))
    return found.fingerprint


def test_the_current_content_is_part_of_the_fingerprint():
    """A suppression by fingerprint covers this content of the file, not the next edit."""
    now = FileChange("a.bin", "m/a.bin", Change.CHANGED, "digest signed 00, now 11", "11")
    later = FileChange("a.bin", "m/a.bin", Change.CHANGED, "digest signed 00, now 22", "22")
    assert fingerprint(now) != fingerprint(later)
    assert fingerprint(now) == fingerprint(
        FileChange("a.bin", "m/a.bin", Change.CHANGED, "same digest, other words", "11")
    )
    added = FileChange("a.bin", "m/a.bin", Change.ADDED, "present, not signed", "11")
    assert fingerprint(added) != fingerprint(now)
    [found] = SignatureContentChanged().run(report(now))
    assert found.evidence["digest"] == "11"


def test_an_irregular_file_is_identified_by_what_it_is():
    link = "x is a symbolic link to a directory (-> /a): the files there are not covered"
    other = "x is a symbolic link to a directory (-> /b): the files there are not covered"
    first = FileChange("x", "m/x", Change.ADDED, link)
    assert fingerprint(first) != fingerprint(FileChange("x", "m/x", Change.ADDED, other))


def test_signature_findings_never_enter_a_baseline():
    from aisec.core.triage import baselinable
    from aisec.inventory.checks.signature_invalid import SignatureInvalid
    from aisec.inventory.checks.signature_missing import SignatureMissing

    assert not any(
        baselinable(c) for c in (SignatureContentChanged, SignatureInvalid, SignatureMissing)
    )
