from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class OnnxCustomDomain(AnomalyCheck):
    id = "modelfile.onnx.custom-op-domain"
    title = "ONNX model uses operators from a custom domain"
    severity = Severity.MEDIUM
    strict_severity = Severity.HIGH
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "AML.T0011.000")
    description = (
        "Nodes or opset imports name a domain outside the ONNX and onnxruntime standard "
        "sets. Such operators are native code from a custom-op library the runtime must "
        "load; the model file does not show what they do."
    )
    remediation = "Find out which library provides the domain and whether you trust it."
    anomaly_kinds = ("custom-op-domain",)
