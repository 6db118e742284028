from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class LayoutMismatch(AnomalyCheck):
    id = "modelfile.format.layout-mismatch"
    title = "File layout differs from what its format's writer produces"
    severity = Severity.MEDIUM
    applies_to = ("artefact",)
    refs = ("AML.T0018", "CWE-20")
    description = (
        "Declared sizes or records do not add up (e.g. PyTorch legacy storages that do not "
        "match their keys): the file was edited after it was written, or crafted."
    )
    remediation = "Re-obtain the file from its producer and verify its digest or signature."
    marks_incomplete = True
    anomaly_kinds = ("layout-mismatch",)
