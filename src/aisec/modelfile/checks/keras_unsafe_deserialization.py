from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class KerasUnsafeDeserialization(AnomalyCheck):
    id = "modelfile.keras.unsafe-deserialization"
    title = "Keras model config switches safe mode off"
    severity = Severity.CRITICAL
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "AML.T0011.000", "CWE-502", "CVE-2025-9906")
    description = (
        "The model configuration makes Keras call enable_unsafe_deserialization or "
        "set_global_attribute, passes safe_mode=False to a loading function, or names "
        "Keras's global safe-mode flag. A benign model never does: it is how a config "
        "turns safe mode off during the load so that a Lambda layer's bytecode runs "
        "(CVE-2025-9906)."
    )
    remediation = (
        "Do not load this model. Upgrade Keras to 3.11.3 or later, and treat the file as "
        "hostile: report it to wherever it came from."
    )
    anomaly_kinds = ("keras-unsafe-deserialization",)
