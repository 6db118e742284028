from __future__ import annotations

from aisec.core.severity import Severity
from aisec.data.checks.quality_base import QUALITY_REFS, IndicatorCheck


class ClassBalanceShift(IndicatorCheck):
    id = "data.quality.class-balance-shift"
    indicator_id = "class-balance-shift"
    title = "Class balance moved away from the reference"
    severity = Severity.MEDIUM
    refs = QUALITY_REFS
    description = (
        "A chi-square test of homogeneity finds that the share of each class differs from the "
        "reference (p below 0.01 and a class share moved by a material amount). A shifted balance "
        "changes what the model learns and can be the trace of injected or dropped rows."
    )
    remediation = (
        "Find which classes grew or shrank and why; re-sample or re-weight if the change is not "
        "real, and refresh the reference if it is."
    )
