from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class LimitReached(AnomalyCheck):
    id = "modelfile.limits.exceeded"
    title = "Analysis stopped at a resource limit"
    severity = Severity.HIGH
    applies_to = ("pickle", "container", "artefact")
    refs = ("CWE-400", "CWE-409")
    description = (
        "A cap on opcodes, nesting, members, size or time was reached, so part of the "
        "artefact was not analysed. Hostile files are built to exhaust scanners; aisec stops "
        "and says so instead of hanging or passing the file."
    )
    remediation = (
        "Raise the limit in aisec.toml if the file is expected to be this large, and rescan."
    )
    marks_incomplete = True
    anomaly_kinds = ("limit",)
