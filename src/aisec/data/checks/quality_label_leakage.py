from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import QUALITY_REFS, IndicatorCheck


class LabelLeakage(IndicatorCheck):
    id = "data.quality.label-leakage"
    indicator_id = "label-leakage"
    title = "A feature gives the label away"
    severity = Severity.HIGH
    refs = QUALITY_REFS
    description = (
        "A single feature predicts the label almost perfectly on its own (neighbour agreement or "
        "category purity well above the majority baseline): often an identifier, a post-outcome "
        "field or the label in disguise. A model trained on it learns a shortcut that will not "
        "hold in production."
    )
    remediation = (
        "Check how the named feature is produced; drop it if it is derived from the label or only "
        "known after the outcome."
    )
