from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import QUALITY_REFS, IndicatorCheck


class DuplicateRows(IndicatorCheck):
    id = "data.quality.duplicate-rows"
    indicator_id = "duplicate-rows"
    title = "Training rows repeat other rows"
    severity = Severity.LOW
    refs = QUALITY_REFS
    description = (
        "Rows whose features repeat another row's exactly. Repeats weight some examples more than "
        "others, inflate validation scores when they straddle a split, and can be a sign of "
        "injected copies. Fires when any row repeats; the evidence gives how many and example row "
        "numbers."
    )
    remediation = (
        "Drop the repeats unless they are real, independent observations; find out which source or "
        "join produced them."
    )
