from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from aisec.core.check import Check
from aisec.core.finding import Finding, Location
from aisec.core.severity import Severity
from aisec.inventory.signature_report import SignatureReport, SignatureStatus


class SignatureInvalid(Check[SignatureReport]):
    id = "inventory.signature.invalid"
    title = "Model signature is invalid"
    severity = Severity.CRITICAL
    applies_to = ("signature",)
    # Never known: a baseline would accept this model state for good (docs/adr/0009).
    baselinable: ClassVar[bool] = False
    refs = ("AML.T0010.003", "ML06:2023", "LLM03:2025", "CWE-347")
    description = (
        "The signature file is not a readable Sigstore bundle, was made with a different "
        "key or an untrusted certificate, or its signed statement does not verify. "
        "Nothing it says about the files can be trusted, and the files were not compared."
    )
    remediation = (
        "Check that the right public key or certificate chain was configured; otherwise "
        "treat the model as tampered with and re-obtain it and its signature from the producer."
    )

    def run(self, subject: SignatureReport) -> Iterable[Finding]:
        if subject.status is SignatureStatus.INVALID:
            yield self.finding(
                Location(subject.signature or subject.location.path),
                subject.reason or "the signature does not verify",
                evidence={"model": subject.location.path, "method": subject.method},
                key="invalid",
            )
