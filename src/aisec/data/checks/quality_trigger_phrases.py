from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import POISONING_REFS, IndicatorCheck


class TriggerPhrases(IndicatorCheck):
    id = "data.quality.trigger-phrases"
    indicator_id = "trigger-phrases"
    title = "Rare phrases go almost only with one label"
    severity = Severity.HIGH
    refs = POISONING_REFS
    description = (
        "Rare word n-grams in text columns that occur almost only with one label, more than chance "
        "allows (one-sided binomial test per n-gram, Benjamini-Hochberg over all of them): the "
        "pattern a backdoor trigger leaves in poisoned training data. The phrases are in the data "
        "report, not in the finding."
    )
    remediation = (
        "Review the rows holding the phrases (aisec data check --format json lists them), remove "
        "poisoned rows, and trace their source."
    )
