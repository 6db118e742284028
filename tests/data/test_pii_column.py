"""data.pii.column: one finding per column, severity by the kind of data."""

from aisec.core.finding import Location
from aisec.core.severity import Severity
from aisec.data.checks.pii_column import PiiColumn
from aisec.data.subjects import DatasetColumn


def _column(entity, matched=98, non_null=100):
    return DatasetColumn(
        Location("people.csv", column="contact"),
        "csv",
        entity,
        matched,
        non_null,
        0.9,
        ("j…@…com",),
        "name and values agree",
    )


def test_a_column_of_personal_data_is_one_finding_with_counts_and_redacted_samples():
    (finding,) = PiiColumn().run(_column("EMAIL_ADDRESS"))
    assert finding.severity is Severity.MEDIUM
    assert finding.location.column == "contact"
    assert "98 of 100 values, 98%" in finding.message
    assert finding.evidence["samples"] == ["j…@…com"]
    assert finding.confidence == 0.9


def test_severity_follows_the_kind_of_data():
    assert next(PiiColumn().run(_column("IBAN_CODE"))).severity is Severity.HIGH
    assert next(PiiColumn().run(_column("NATIONAL_ID"))).severity is Severity.HIGH
    assert next(PiiColumn().run(_column("IP_ADDRESS"))).severity is Severity.LOW
    assert next(PiiColumn().run(_column("PERSON"))).severity is Severity.MEDIUM


def test_the_same_column_keeps_its_fingerprint_when_counts_change():
    first = next(PiiColumn().run(_column("PHONE_NUMBER", 10, 20)))
    second = next(PiiColumn().run(_column("PHONE_NUMBER", 900, 1000)))
    other = next(PiiColumn().run(_column("EMAIL_ADDRESS", 10, 20)))
    assert first.fingerprint == second.fingerprint != other.fingerprint
