from __future__ import annotations

from aisec.assurance.checks.base import ThresholdCheck
from aisec.core.severity import Severity


class MembershipInference(ThresholdCheck):
    id = "assurance.privacy.membership-inference"
    title = "Model leaks who was in its training data"
    severity = Severity.HIGH
    test_types = ("membership_inference",)
    refs = ("AML.T0024.000", "ML04:2023", "GDPR:Art.35", "NIST-AI-RMF:MEASURE 2.10")
    description = (
        "A membership-inference test's threshold was not met: an attacker who sees the model's "
        "answers tells training rows from other rows better than allowed (AUC, balanced "
        "accuracy, or true-positive rate at a low false-positive rate)."
    )
    remediation = (
        "Regularise or train with differential privacy, reduce overfitting (the train/test "
        "gap), and return labels or rounded scores instead of full probabilities."
    )
