from __future__ import annotations

from aisec.assurance.checks.base import ThresholdCheck
from aisec.core.severity import Severity


class ExtractionFidelity(ThresholdCheck):
    id = "assurance.extraction.fidelity"
    title = "Model can be copied through its answers"
    severity = Severity.MEDIUM
    test_types = ("extraction",)
    refs = ("AML.T0024.002", "ML05:2023", "EU-AI-Act:Art.15", "NIST-AI-RMF:MEASURE 2.7")
    description = (
        "An extraction test's threshold was not met: a surrogate trained only on the model's "
        "answers to a query budget agrees with it on held-out rows more often than allowed."
    )
    remediation = (
        "Return labels rather than scores, rate-limit and budget queries per client, and watch "
        "for extraction patterns at runtime (the gateway's extraction detector)."
    )
