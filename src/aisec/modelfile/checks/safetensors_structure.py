from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class SafetensorsStructure(AnomalyCheck):
    id = "modelfile.safetensors.invalid-structure"
    title = "safetensors header does not describe the file"
    severity = Severity.MEDIUM
    applies_to = ("artefact",)
    refs = ("AML.T0018", "CWE-20")
    description = (
        "Tensor offsets overlap, leave holes, run past the data or disagree with dtype and "
        "shape; dtypes are unknown; __metadata__ is not a map of strings. The reference "
        "loader rejects such files, so something other than a safetensors writer made it, "
        "or it was edited afterwards."
    )
    remediation = "Re-obtain the file from its producer and verify its digest or signature."
    anomaly_kinds = ("invalid-structure",)
