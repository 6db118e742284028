from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import POISONING_REFS, IndicatorCheck


class DuplicateConflictingLabels(IndicatorCheck):
    id = "data.quality.duplicate-conflicting-labels"
    indicator_id = "duplicate-conflicting-labels"
    title = "Identical rows carry different labels"
    severity = Severity.HIGH
    refs = POISONING_REFS
    description = (
        "Groups of rows with identical features but different labels. No model can fit both, so at "
        "least one label is wrong: label noise or label flipping by an attacker. Fires when any "
        "such group exists; the evidence gives the number of groups and of rows in them, with "
        "example row numbers."
    )
    remediation = (
        "Review the listed rows, keep the right label (or drop the group), and trace the rows to "
        "their source; check the dataset's integrity with aisec data verify."
    )
