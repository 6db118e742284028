from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class OnnxInvalidTensor(AnomalyCheck):
    id = "modelfile.onnx.invalid-tensor"
    title = "ONNX tensor size disagrees with its shape, or is absurdly large"
    severity = Severity.MEDIUM
    applies_to = ("artefact",)
    refs = ("AML.T0018", "AML.T0029", "CWE-20", "CWE-789")
    description = (
        "An initializer or constant tensor whose raw_data, typed values or external-data "
        "length do not match its shape and data type, whose external byte range runs past "
        "the external file, or whose shape has negative dimensions or implies more than "
        "1 TiB. Runtimes size buffers from the shape and copy from the data: such a tensor "
        "is either rejected at load or read out of bounds, and an absurd shape exhausts "
        "memory. ONNX writers do not produce them; the file was edited or crafted."
    )
    remediation = "Re-export the model from its source and verify its digest or signature."
    anomaly_kinds = ("tensor-inconsistent", "tensor-oversized")
