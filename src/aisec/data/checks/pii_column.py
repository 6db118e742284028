from __future__ import annotations

from collections.abc import Iterator

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.data.checks.sensitivity import PII_REFS, entity_severity
from aisec.data.subjects import DatasetColumn


class PiiColumn(Check[DatasetColumn]):
    id = "data.pii.column"
    title = "Dataset column holds personal data"
    severity = Severity.MEDIUM
    applies_to = ("dataset-column",)
    refs = PII_REFS
    description = (
        "A column's name and its values agree that it holds one kind of personal data "
        "(e-mail addresses, phone numbers, names, card or bank numbers, national identifiers, "
        "dates of birth, postal addresses, IP or MAC addresses). It is reported once, with "
        "how many values matched and a few redacted samples. Card and bank numbers and "
        "national identifiers are high; network identifiers are low; the rest medium. A model "
        "trained on such a column can memorise and repeat it."
    )
    remediation = (
        "Drop the column if the model does not need it; otherwise pseudonymise or generalise "
        "it (`aisec data anonymise`) and record the lawful basis and the DPIA."
    )

    def run(self, subject: DatasetColumn) -> Iterator[Finding]:
        if not subject.entity:
            return
        share = subject.matched / subject.non_null if subject.non_null else 0.0
        message = (
            f"column {subject.location.column!r} holds {subject.entity} "
            f"({subject.matched} of {subject.non_null} values, {share:.0%})"
        )
        evidence = {
            "entity": subject.entity,
            "matched": subject.matched,
            "non_null": subject.non_null,
            "samples": list(subject.samples),
            "reason": subject.reason,
        }
        yield self.finding(
            subject.location,
            message,
            severity=entity_severity(subject.entity),
            evidence=evidence,
            key=f"{subject.location.column}:{subject.entity}",
            confidence=subject.score,
        )
