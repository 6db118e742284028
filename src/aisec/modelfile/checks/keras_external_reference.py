from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class KerasExternalReference(AnomalyCheck):
    id = "modelfile.keras.external-reference"
    title = "Keras model config reaches outside the model"
    severity = Severity.HIGH
    applies_to = ("artefact",)
    refs = (
        "AML.T0010.003",
        "AML.T0011.000",
        "CWE-502",
        "CWE-73",
        "CVE-2025-1550",
        "CVE-2025-8747",
        "CVE-2025-12058",
        "CVE-2026-1462",
    )
    description = (
        "The configuration names a module or function outside the Keras namespaces, which "
        "Keras before 3.9 imports and calls while loading (CVE-2025-1550); a function "
        "inside Keras that downloads, reads or writes files or loads another model "
        "(keras.utils.get_file in CVE-2025-8747, load_model, save_img ...); a TensorFlow "
        "operation with I/O in a TFOpLambda layer; or a layer argument that is a path "
        "Keras reads while loading (lookup-layer vocabularies, CVE-2025-12058; TFSMLayer, "
        "CVE-2026-1462). Critical when the callable is on the dangerous list shared with "
        "the pickle analysis (os.system, builtins.exec, subprocess ...)."
    )
    remediation = (
        "Do not load this model; upgrade Keras to the latest release. A model whose own "
        "layers need outside code should ship it as a reviewed package and register it."
    )
    anomaly_kinds = ("keras-external-reference",)

    def run(self, subject: Any) -> Iterable[Finding]:
        for finding in super().run(subject):
            if finding.evidence.get("dangerous"):
                # The same finding, one level up: what it names runs code by itself.
                yield self.finding(
                    finding.location,
                    finding.message,
                    severity=Severity.CRITICAL,
                    evidence=finding.evidence,
                    key=f"keras-external-reference:{finding.location.offset}",
                )
            else:
                yield finding
