from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from aisec.core.check import Check
from aisec.core.finding import Finding, Location
from aisec.core.severity import Severity
from aisec.inventory.signature_report import SignatureReport


class SignatureContentChanged(Check[SignatureReport]):
    id = "inventory.signature.content-changed"
    title = "Model files differ from what was signed"
    severity = Severity.CRITICAL
    applies_to = ("signature",)
    # Never known: a baseline would accept this model state for good (docs/adr/0009).
    baselinable: ClassVar[bool] = False
    refs = ("AML.T0010.003", "AML.T0018", "ML06:2023", "LLM03:2025", "CWE-345")
    description = (
        "The signature is authentic, but a file was added, removed or changed since "
        "signing: one finding names each such file. A model is the sum of its files (an "
        "added or removed configuration or tokenizer file changes behaviour as surely as "
        "edited weights)."
    )
    remediation = (
        "Re-obtain the model from the producer, or, if the change is yours and intended, "
        "have it reviewed and sign the new version."
    )

    def run(self, subject: SignatureReport) -> Iterable[Finding]:
        for change in subject.changes:
            yield self.finding(
                Location(change.path),
                f"{change.name}: {change.change.value} since signing ({change.detail})",
                evidence={
                    "change": change.change.value,
                    "file": change.name,
                    "model": subject.location.path,
                    "signature": subject.signature,
                    **({"digest": change.digest} if change.digest else {}),
                },
                # The current content is part of the identity: a suppression by
                # fingerprint covers this content of this file, not the next edit.
                key=f"{change.change.value}:{change.name}:{change.digest or change.detail}",
            )
