from __future__ import annotations

from aisec.assurance.checks.base import ThresholdCheck
from aisec.core.severity import Severity


class FairnessDisparity(ThresholdCheck):
    id = "assurance.fairness.disparity"
    title = "Decisions differ between groups more than allowed"
    severity = Severity.HIGH
    test_types = ("fairness",)
    refs = ("EU-AI-Act:Art.10", "NIST-AI-RMF:MEASURE 2.11", "GDPR:Art.22")
    description = (
        "A fairness threshold was not met: a group rate (selection rate, accuracy, false "
        "positive or false negative rate) or a disparity between groups (demographic parity, "
        "equalized odds) is beyond the plan's limit."
    )
    remediation = (
        "Check the data for representation and label bias, consider mitigation (reweighting, "
        "constraints, per-group thresholds), and document the trade-off and its justification."
    )
