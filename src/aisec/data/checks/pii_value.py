from __future__ import annotations

from collections.abc import Iterator

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.data.checks.sensitivity import PII_REFS, entity_severity
from aisec.data.subjects import DatasetValue


class PiiValue(Check[DatasetValue]):
    id = "data.pii.value"
    title = "Personal data in free text of a dataset"
    severity = Severity.MEDIUM
    applies_to = ("dataset-value",)
    refs = PII_REFS
    description = (
        "Free text in a dataset (a notes or message column, a line of a text corpus) holds "
        "personal data: each occurrence is a finding with its row, column, offset and a "
        "redacted form, up to the per-file cap (`max_data_findings`); the last listed "
        "occurrence then says how many more there are. Severity follows the kind of data as "
        "for `data.pii.column`."
    )
    remediation = (
        "Redact or pseudonymise the spans (`aisec data anonymise` with entity rules) before "
        "training, or drop the records; keep the original out of the training pipeline."
    )

    def run(self, subject: DatasetValue) -> Iterator[Finding]:
        if not subject.entity:
            return
        message = f"{subject.entity} {subject.redacted} in free text"
        if subject.more:
            message += f" ({subject.more} more occurrences of {subject.entity} not listed)"
        evidence = {
            "entity": subject.entity,
            "value": subject.redacted,
            "offset": subject.offset,
            "length": subject.length,
            "reason": subject.reason,
        }
        if subject.more:
            evidence["not_listed"] = subject.more
        location = subject.location
        yield self.finding(
            location,
            message,
            severity=entity_severity(subject.entity),
            evidence=evidence,
            key=f"{subject.entity}:{location.row}:{location.column}:{subject.offset}",
            confidence=subject.score,
        )
