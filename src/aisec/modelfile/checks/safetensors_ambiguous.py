from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class SafetensorsAmbiguousHeader(AnomalyCheck):
    id = "modelfile.safetensors.ambiguous-header"
    title = "safetensors header repeats a key"
    severity = Severity.HIGH
    applies_to = ("artefact",)
    refs = ("AML.T0018", "CWE-436")
    description = (
        "The JSON header names a tensor (or __metadata__) twice. JSON parsers disagree on "
        "which occurrence wins, so a scanner and a loader can see different tensors: a way "
        "to swap weights past a review."
    )
    remediation = "Do not load this file; no safetensors writer repeats keys."
    anomaly_kinds = ("ambiguous-header",)
