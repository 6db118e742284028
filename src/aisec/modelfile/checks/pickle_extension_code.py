from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class ExtensionCode(AnomalyCheck):
    id = "modelfile.pickle.extension-code"
    title = "Pickle names a callable through the copyreg extension registry"
    severity = Severity.HIGH
    applies_to = ("pickle",)
    refs = ("AML.T0010.003", "CWE-502")
    description = (
        "EXT1/EXT2/EXT4 opcodes look a global up by number in copyreg's extension registry, "
        "which is empty by default: what they resolve to depends on the loading process, so "
        "the stream cannot be vouched for."
    )
    remediation = "Do not load this file; no common ML library writes extension codes."
    anomaly_kinds = ("extension-code",)
