from __future__ import annotations

from collections.abc import Iterator

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.data.subjects import DatasetSecret

# Keys that unlock a whole cloud account or sign as their owner.
_CRITICAL_KINDS = frozenset(
    {
        "aws-secret-access-key",
        "gcp-service-account-key",
        "azure-storage-account-key",
        "azure-entra-client-secret",
        "private-key",
    }
)


class SecretExposed(Check[DatasetSecret]):
    id = "data.secret.exposed"
    title = "Credential in a dataset"
    severity = Severity.HIGH
    applies_to = ("dataset-secret",)
    refs = ("CWE-798", "AML.T0055", "LLM02:2025", "NIST-AI-RMF:MEASURE 2.7", "ISO42001:A.7.2")
    description = (
        "A dataset holds a credential: an AI provider key (OpenAI, Anthropic, Hugging Face, "
        "Google and others), a cloud key (AWS, GCP, Azure), a GitHub, GitLab, Slack or "
        "Stripe token, a JWT or a private key. Every occurrence is its own finding, even when "
        "the same token repeats, with its row, column and offset; the value is never shown, "
        "only its prefix and last four characters and a SHA-256 digest. Keys to a "
        "whole cloud account (AWS secret keys, GCP service-account keys, Azure storage keys "
        "and client secrets) and private keys are critical. A model trained on it can repeat "
        "it to anyone who asks."
    )
    remediation = (
        "Revoke the credential at its issuer now (it has been copied with the data), remove "
        "it from the dataset and its copies, and find how it got into the data."
    )

    def run(self, subject: DatasetSecret) -> Iterator[Finding]:
        if not subject.secret_kind:
            return
        critical = subject.secret_kind in _CRITICAL_KINDS
        message = f"{subject.secret_kind} {subject.redacted}"
        if subject.more:
            message += f" ({subject.more} more credentials in this file not listed)"
        evidence = {
            "kind": subject.secret_kind,
            "provider": subject.provider,
            "value": subject.redacted,
            "sha256": subject.digest,
            "offset": subject.offset,
            "length": subject.length,
        }
        if subject.more:
            evidence["not_listed"] = subject.more
        location = subject.location
        yield self.finding(
            location,
            message,
            severity=Severity.CRITICAL if critical else self.severity,
            evidence=evidence,
            key=f"{subject.digest}:{location.row}:{location.column}:{subject.offset}",
            confidence=subject.confidence,
        )
