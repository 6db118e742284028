from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import POISONING_REFS, IndicatorCheck


class Outliers(IndicatorCheck):
    id = "data.quality.outliers"
    indicator_id = "outliers"
    title = "Unusually many rows lie far from the rest"
    severity = Severity.LOW
    refs = POISONING_REFS
    description = (
        "Robust z-scores per column and an isolation forest over all columns flag rows far from "
        "the bulk of the data; the "
        "check fires when more than 2% of rows are flagged. Outliers can be data-entry errors, "
        "another population, or injected poison points."
    )
    remediation = (
        "Inspect the example rows; fix or drop errors and document real but rare cases rather than "
        "deleting them blindly."
    )
