from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import QUALITY_REFS, IndicatorCheck


class SchemaChange(IndicatorCheck):
    id = "data.quality.schema-change"
    indicator_id = "schema-change"
    title = "Columns changed since the reference"
    severity = Severity.MEDIUM
    refs = QUALITY_REFS
    description = (
        "Columns were added, removed or changed kind (numeric, categorical, text) compared with "
        "the reference snapshot or dataset. A silent schema change breaks feature pipelines and "
        "the comparability of training runs."
    )
    remediation = (
        "Confirm the change was intended and update the pipeline and the reference snapshot "
        "together."
    )
