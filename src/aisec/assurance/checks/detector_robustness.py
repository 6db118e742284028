from __future__ import annotations

from aisec.assurance.checks.base import ThresholdCheck
from aisec.core.severity import Severity


class DetectorRobustness(ThresholdCheck):
    id = "assurance.detector.robustness"
    title = "Security detector is evaded by simple rewrites"
    severity = Severity.HIGH
    test_types = ("detector_robustness",)
    refs = ("AML.T0015", "EU-AI-Act:Art.15", "NIST-AI-RMF:MEASURE 2.7")
    description = (
        "Attacks the detector catches in plain form got past it once rewritten (encoded, "
        "split, wrapped in a benign task, or disguised with look-alike or invisible "
        "characters) more often than required: an attacker who knows the trick evades it."
    )
    remediation = (
        "Normalise inputs before scoring (decode, strip invisible characters, map look-alike "
        "letters), train on rewritten attacks, and validate again per rewrite family."
    )
