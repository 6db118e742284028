from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class TorchScriptCustomOp(AnomalyCheck):
    id = "modelfile.torchscript.custom-op"
    title = "TorchScript code calls operators outside the standard set"
    severity = Severity.MEDIUM
    strict_severity = Severity.HIGH
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "AML.T0011.000")
    description = (
        "TorchScript cannot import Python, but it can call any operator registered in the "
        "loading process. Operators from non-standard namespaces come from native extensions "
        "whose behaviour the model file does not show."
    )
    remediation = "Check which extension provides the namespace and whether you trust it."
    anomaly_kinds = ("torchscript-custom-op",)
