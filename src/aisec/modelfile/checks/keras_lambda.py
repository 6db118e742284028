from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class KerasLambdaLayer(AnomalyCheck):
    id = "modelfile.keras.lambda-layer"
    title = "Keras model carries Python bytecode (Lambda)"
    severity = Severity.CRITICAL
    applies_to = ("artefact",)
    refs = (
        "AML.T0010.003",
        "AML.T0011.000",
        "CWE-502",
        "CVE-2024-3660",
        "CVE-2025-9905",
        "GHSA-36rr-ww3j-vrjv",
    )
    description = (
        "A Lambda layer (or any function serialised as __lambda__) stores marshalled Python "
        "bytecode, which Keras unmarshals and calls while it loads the model. Keras before "
        "2.13 always runs it; later versions refuse it in safe mode for .keras files, but "
        "run it after safe_mode=False or enable_unsafe_deserialization, and loaded .h5 "
        "files without safe-mode checks before 3.11.3. The names and strings the bytecode "
        "refers to are listed as evidence, read from the bytes without unmarshalling them."
    )
    remediation = (
        "Do not load this model with safe_mode=False or from .h5. Ask the publisher for a "
        "version without Lambda layers (a registered custom layer whose code you review)."
    )
    anomaly_kinds = ("keras-lambda",)
