from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class OnnxExternalDataEscape(AnomalyCheck):
    id = "modelfile.onnx.external-data-escape"
    title = "ONNX external data points outside the model directory"
    severity = Severity.HIGH
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "CWE-22", "CWE-59", "CVE-2024-27318")
    description = (
        "A tensor's external_data location is absolute, climbs out with '..', or resolves "
        "through a symbolic or hard link outside the model's directory. onnx.load and "
        "onnxruntime read that file as tensor data: an arbitrary file read on the machine "
        "that loads the model (CVE-2022-25882, CVE-2024-27318 and their bypasses)."
    )
    remediation = "Do not load this model; keep external data files next to the model file."
    anomaly_kinds = ("external-data-escape",)
