from __future__ import annotations

from aisec.assurance.checks.base import ThresholdCheck
from aisec.core.severity import Severity


class PoisoningLabelIssues(ThresholdCheck):
    id = "assurance.poisoning.label-issues"
    title = "Training data holds more likely mislabelled rows than allowed"
    severity = Severity.MEDIUM
    test_types = ("label_audit",)
    refs = ("AML.T0020", "ML02:2023", "EU-AI-Act:Art.10", "NIST-AI-RMF:MEASURE 2.7")
    description = (
        "The training-set audit (confident learning on out-of-fold probabilities) flags a "
        "larger share of rows whose label disagrees with a confident prediction than the plan "
        "allows: a sign of label noise or of label-flipping poisoning."
    )
    remediation = (
        "Review the top-ranked rows in the report, trace where they came from, relabel or "
        "remove them, and verify the dataset's integrity (aisec data verify)."
    )
