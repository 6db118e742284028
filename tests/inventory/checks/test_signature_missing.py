from aisec.core.finding import Location
from aisec.core.severity import Severity
from aisec.inventory.checks.signature_missing import SignatureMissing
from aisec.inventory.signature_report import SignatureReport, SignatureStatus


def test_a_missing_signature_is_one_high_finding_on_the_model():
    report = SignatureReport(
        Location("models/bert"),
        SignatureStatus.MISSING,
        "models/bert/model.sig",
        "no signature at models/bert/model.sig",
    )
    [finding] = SignatureMissing().run(report)
    assert finding.check_id == "inventory.signature.missing"
    assert finding.severity is Severity.HIGH
    assert finding.location == Location("models/bert")
    assert finding.message == "no signature at models/bert/model.sig"
    assert finding.evidence == {"expected_signature": "models/bert/model.sig"}
    assert finding.fingerprint


def test_other_outcomes_are_not_its_business():
    for status in (
        SignatureStatus.VERIFIED,
        SignatureStatus.INVALID,
        SignatureStatus.CONTENT_CHANGED,
    ):
        assert list(SignatureMissing().run(SignatureReport(Location("m"), status))) == []
