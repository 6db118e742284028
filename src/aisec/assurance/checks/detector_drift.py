from __future__ import annotations

from aisec.assurance.checks.base import ThresholdCheck
from aisec.core.severity import Severity


class DetectorDrift(ThresholdCheck):
    id = "assurance.detector.drift"
    title = "Security detector degraded over time"
    severity = Severity.MEDIUM
    test_types = ("detector_drift",)
    refs = ("EU-AI-Act:Art.15", "NIST-AI-RMF:MEASURE 2.4")
    description = (
        "On time-ordered data, the detector's detection rate fell, or its false-positive rate "
        "rose, significantly in a later time window compared with the window its threshold "
        "was set on (one-sided exact tests, Holm-corrected): attackers adapted, or the "
        "benign traffic changed under it."
    )
    remediation = (
        "Find what changed in the flagged window (new attack categories, new benign "
        "traffic), retrain on recent data, and monitor the detector's rates in production."
    )
