from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class KerasCustomObject(AnomalyCheck):
    id = "modelfile.keras.custom-object"
    title = "Keras model needs custom code to load"
    severity = Severity.MEDIUM
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "CWE-502")
    description = (
        "The configuration names a registered custom object ('Package>Name'), a class "
        "Keras does not provide, or a function saved under 'builtins' that is neither a "
        "Keras function nor a Python builtin. Keras builds it from code the loading "
        "program registers or passes as custom_objects: that code, not the model file, "
        "decides what runs, and it must come from a source you trust."
    )
    remediation = (
        "Load the model only with custom objects from a reviewed package; pin and verify "
        "that package like any other dependency."
    )
    anomaly_kinds = ("keras-custom-object",)
