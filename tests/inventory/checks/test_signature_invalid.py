from aisec.core.finding import Location
from aisec.core.severity import Severity
from aisec.inventory.checks.signature_invalid import SignatureInvalid
from aisec.inventory.signature_report import SignatureReport, SignatureStatus


def test_an_invalid_signature_is_one_critical_finding_on_the_signature_file():
    report = SignatureReport(
        Location("model.bin"),
        SignatureStatus.INVALID,
        "model.bin.sig",
        "Key mismatch: ...",
        "key",
    )
    [finding] = SignatureInvalid().run(report)
    assert finding.check_id == "inventory.signature.invalid"
    assert finding.severity is Severity.CRITICAL
    assert finding.location == Location("model.bin.sig")
    assert finding.message == "Key mismatch: ..."
    assert finding.evidence == {"model": "model.bin", "method": "key"}


def test_fingerprint_is_stable_across_reasons():
    # The reason may change with the library's wording; the finding's identity must not.
    a = SignatureReport(Location("m"), SignatureStatus.INVALID, "m/model.sig", "one")
    b = SignatureReport(Location("m"), SignatureStatus.INVALID, "m/model.sig", "two")
    [fa], [fb] = SignatureInvalid().run(a), SignatureInvalid().run(b)
    assert fa.fingerprint == fb.fingerprint


def test_other_outcomes_are_not_its_business():
    for status in (
        SignatureStatus.VERIFIED,
        SignatureStatus.MISSING,
        SignatureStatus.CONTENT_CHANGED,
    ):
        assert list(SignatureInvalid().run(SignatureReport(Location("m"), status))) == []
