from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import QUALITY_REFS, IndicatorCheck


class FeatureShift(IndicatorCheck):
    id = "data.quality.feature-shift"
    indicator_id = "feature-shift"
    title = "Feature distributions moved away from the reference"
    severity = Severity.MEDIUM
    refs = QUALITY_REFS
    description = (
        "Per feature, a Kolmogorov-Smirnov test (numeric) or chi-square test (categorical) against "
        "the reference's sketch, with the Benjamini-Hochberg procedure over all features. The "
        "finding's severity follows the largest population stability index of a shifted feature: "
        "high from 0.25, medium from 0.1, low below."
    )
    remediation = (
        "Look at the shifted features first: a changed upstream source, unit or encoding is "
        "common; retrain or refresh the reference only once the change is understood."
    )
