"""data.pii.value: each occurrence in free text, with its place and never its value."""

from aisec.core.finding import Location
from aisec.core.severity import Severity
from aisec.data.checks.pii_value import PiiValue
from aisec.data.subjects import DatasetValue


def _value(row=3, offset=10, more=0, entity="CREDIT_CARD"):
    return DatasetValue(
        Location("notes.csv", row=row, column="notes"),
        entity,
        0.95,
        "Luhn valid",
        "…4242",
        offset,
        19,
        more,
    )


def test_each_occurrence_is_a_finding_at_its_row_column_and_offset():
    (finding,) = PiiValue().run(_value())
    assert finding.severity is Severity.HIGH
    assert (finding.location.row, finding.location.column) == (3, "notes")
    assert finding.evidence["offset"] == 10 and finding.evidence["value"] == "…4242"
    assert "not_listed" not in finding.evidence


def test_occurrences_differ_by_place():
    prints = {
        next(PiiValue().run(_value(row=r, offset=o))).fingerprint
        for r, o in [(3, 10), (3, 40), (4, 10)]
    }
    assert len(prints) == 3


def test_the_last_listed_occurrence_counts_the_rest():
    (finding,) = PiiValue().run(_value(more=1200, entity="EMAIL_ADDRESS"))
    assert "1200 more occurrences of EMAIL_ADDRESS" in finding.message
    assert finding.evidence["not_listed"] == 1200
    assert finding.severity is Severity.MEDIUM
