from __future__ import annotations

from aisec.assurance.checks.base import ThresholdCheck
from aisec.core.severity import Severity


class EvasionRobustness(ThresholdCheck):
    id = "assurance.evasion.robustness"
    title = "Model is not robust enough to evasion attacks"
    severity = Severity.HIGH
    test_types = ("evasion",)
    refs = ("AML.T0015", "AML.T0043", "ML01:2023", "EU-AI-Act:Art.15", "NIST-AI-RMF:MEASURE 2.7")
    description = (
        "An evasion test's threshold was not met: small, valid changes to inputs (within the "
        "feature schema and an epsilon budget) change the model's decision for more rows than "
        "the plan allows. Robust accuracy is the worst case per row over every attack run."
    )
    remediation = (
        "Train with adversarial examples or constrain inputs; validate inputs against the "
        "feature schema at inference; watch for evasion at runtime (the gateway's detectors)."
    )
