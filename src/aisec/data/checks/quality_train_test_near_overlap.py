from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import QUALITY_REFS, IndicatorCheck


class TrainTestNearOverlap(IndicatorCheck):
    id = "data.quality.train-test-near-overlap"
    indicator_id = "train-test-near-overlap"
    title = "Test rows nearly copy training rows"
    severity = Severity.MEDIUM
    refs = QUALITY_REFS
    description = (
        "Test rows very close to a training row (scaled feature distance or text similarity): near "
        "copies that leak the answer into evaluation and overstate how well the model generalises."
    )
    remediation = (
        "Split by a grouping key (user, document, time) so that near copies land on one side, and "
        "re-evaluate."
    )
