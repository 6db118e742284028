from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import QUALITY_REFS, IndicatorCheck


class TrainTestOverlap(IndicatorCheck):
    id = "data.quality.train-test-overlap"
    indicator_id = "train-test-overlap"
    title = "Test rows also occur in the training set"
    severity = Severity.HIGH
    refs = QUALITY_REFS
    description = (
        "Test rows whose features exactly repeat a training row. Evaluation on them measures "
        "memory, not generalisation, so reported accuracy is too high. High when at least 1% of "
        "test rows are copies, medium below."
    )
    remediation = (
        "Remove the overlapping rows from the test set (or de-duplicate before splitting) and "
        "re-evaluate."
    )
