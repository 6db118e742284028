"""How severe personal data of each kind is when it sits in training data.

Identifiers that open accounts or identities (card and bank numbers, national ids) are
high; what locates or names a person is medium; network identifiers, which point at a
device more often than at a person, are low.
"""

from __future__ import annotations

from aisec.core.severity import Severity

_HIGH = frozenset({"CREDIT_CARD", "IBAN_CODE", "US_SSN", "UK_NINO", "NATIONAL_ID"})
_LOW = frozenset({"IP_ADDRESS", "MAC_ADDRESS"})

PII_REFS = (
    "EU-AI-Act:Art.10(2)",
    "GDPR:Art.35",
    "NIST-AI-RMF:MEASURE 2.10",
    "ISO42001:A.7.2",
    "LLM02:2025",
    "AML.T0057",
)


def entity_severity(entity: str) -> Severity:
    if entity in _HIGH:
        return Severity.HIGH
    if entity in _LOW:
        return Severity.LOW
    return Severity.MEDIUM
