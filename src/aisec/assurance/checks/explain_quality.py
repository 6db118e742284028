from __future__ import annotations

from aisec.assurance.checks.base import ThresholdCheck
from aisec.core.severity import Severity


class ExplanationQuality(ThresholdCheck):
    id = "assurance.explain.quality"
    title = "Explanations of the model are not reliable enough"
    severity = Severity.LOW
    test_types = ("explainability",)
    metrics = ("explain.top_k_stability", "explain.permutation_importance")
    refs = ("EU-AI-Act:Art.13", "NIST-AI-RMF:MEASURE 2.9")
    description = (
        "An explainability threshold was not met: the top features change across seeds and "
        "resamples, or a feature's importance is outside the plan's bounds, so explanations "
        "given to users or auditors would not be dependable."
    )
    remediation = (
        "Use more repeats or rows for the explanations, report importances with their "
        "intervals, and simplify or regularise the model if its explanations stay unstable."
    )
