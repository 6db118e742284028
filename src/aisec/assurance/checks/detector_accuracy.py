from __future__ import annotations

from aisec.assurance.checks.base import ThresholdCheck
from aisec.core.severity import Severity


class DetectorAccuracy(ThresholdCheck):
    id = "assurance.detector.accuracy"
    title = "Security detector misses its accuracy requirement"
    severity = Severity.HIGH
    test_types = ("detector_validation",)
    refs = ("EU-AI-Act:Art.15", "NIST-AI-RMF:MEASURE 2.5")
    description = (
        "A detector validated with `aisec validate` (fraud scoring, phishing or spam filtering, "
        "intrusion detection, a prompt-injection guard) did not meet a required level: its "
        "detection rate at the operating false-positive rate, its precision at the alert "
        "budget, its AUC or its calibration. A detector that misses attacks, or buries the "
        "team in false alarms, is itself a weak point."
    )
    remediation = (
        "Retrain or retune the detector on recent labelled data, move its operating point, "
        "or add a second line of detection; validate again before relying on it."
    )
