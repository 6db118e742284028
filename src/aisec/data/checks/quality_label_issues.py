from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import POISONING_REFS, IndicatorCheck


class LabelIssues(IndicatorCheck):
    id = "data.quality.label-issues"
    indicator_id = "label-issues"
    title = "Many rows look mislabelled"
    severity = Severity.MEDIUM
    refs = POISONING_REFS
    description = (
        "Confident learning on out-of-fold predicted probabilities: rows whose given label "
        "disagrees with a confident prediction of a model trained without them. Fires when their "
        "share is above 2% (the statistic carries a Wilson 95% interval); label noise at that "
        "level degrades models and may be label-flipping poisoning."
    )
    remediation = (
        "Review the top-ranked rows, relabel or remove them, and trace the batch or annotator they "
        "came from."
    )
