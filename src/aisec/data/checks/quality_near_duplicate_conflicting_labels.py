from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import POISONING_REFS, IndicatorCheck


class NearDuplicateConflictingLabels(IndicatorCheck):
    id = "data.quality.near-duplicate-conflicting-labels"
    indicator_id = "near-duplicate-conflicting-labels"
    title = "Nearly identical rows carry different labels"
    severity = Severity.MEDIUM
    refs = POISONING_REFS
    description = (
        "Clusters of rows that are near copies of each other (close in scaled feature space, or "
        "similar text by MinHash) but carry different labels: a sign of noisy labelling or of "
        "label flipping on slightly altered copies. Searches over large data use a random sample, "
        "said in the notes."
    )
    remediation = (
        "Review the clusters' rows, correct or drop the wrong labels, and trace where the rows "
        "came from."
    )
