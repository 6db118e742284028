from __future__ import annotations

from aisec.assurance.checks.base import ThresholdCheck
from aisec.core.severity import Severity


class PoisoningBackdoor(ThresholdCheck):
    id = "assurance.poisoning.backdoor"
    title = "Training data shows the signature of a backdoor"
    severity = Severity.HIGH
    test_types = ("backdoor_scan",)
    refs = ("AML.T0018.000", "AML.T0020", "ML10:2023", "EU-AI-Act:Art.15")
    description = (
        "The backdoor scan on the model's representations (spectral signatures) finds a "
        "cluster of training rows within a class that stands out more than the plan allows, "
        "as rows carrying a trigger do."
    )
    remediation = (
        "Inspect the flagged rows, retrain without them, and compare the new model's "
        "behaviour on the flagged pattern; verify the data's provenance."
    )
