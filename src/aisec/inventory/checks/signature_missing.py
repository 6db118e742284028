from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.inventory.signature_report import SignatureReport, SignatureStatus


class SignatureMissing(Check[SignatureReport]):
    id = "inventory.signature.missing"
    title = "Model has no signature"
    severity = Severity.HIGH
    applies_to = ("signature",)
    # Never known: a baseline would accept this model state for good (docs/adr/0009).
    baselinable: ClassVar[bool] = False
    refs = ("AML.T0010.003", "ML06:2023", "LLM03:2025", "CWE-345", "CWE-494")
    description = (
        "A signature was required (--require-signature) but none was found where it is "
        "expected: DIR/model.sig inside a model directory, FILE.sig beside a single file. "
        "Without one, nothing ties the files to the party that produced them."
    )
    remediation = (
        "Have the producer sign the model (aisec sign PATH --key KEY) and ship the "
        "signature with it; do not use a model whose origin cannot be checked."
    )

    def run(self, subject: SignatureReport) -> Iterable[Finding]:
        if subject.status is SignatureStatus.MISSING:
            yield self.finding(
                subject.location,
                subject.reason or "no signature found",
                evidence={"expected_signature": subject.signature},
                key="missing",
            )
