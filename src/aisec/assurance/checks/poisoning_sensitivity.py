from __future__ import annotations

from aisec.assurance.checks.base import ThresholdCheck
from aisec.core.severity import Severity


class PoisoningSensitivity(ThresholdCheck):
    id = "assurance.poisoning.sensitivity"
    title = "A few poisoned rows are enough to change the model"
    severity = Severity.MEDIUM
    test_types = ("poisoning_sensitivity",)
    refs = ("AML.T0020", "ML02:2023", "EU-AI-Act:Art.15", "NIST-AI-RMF:MEASURE 2.7")
    description = (
        "Retraining with a small share of flipped labels or trigger rows moves accuracy or "
        "implants a trigger beyond what the plan allows."
    )
    remediation = (
        "Control who can add training data, audit new data before training (label audit, "
        "dataset manifests), and prefer training procedures robust to label noise."
    )
