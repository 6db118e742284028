from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class MalformedFile(AnomalyCheck):
    id = "modelfile.format.malformed"
    title = "File or archive structure is broken where its loader would fail"
    severity = Severity.HIGH
    applies_to = ("artefact", "container")
    refs = ("AML.T0010.003", "CWE-20")
    description = (
        "A model file or container (GGUF, HDF5, a TensorFlow graph, a Keras config, an "
        "archive, a torch layout ...) is truncated or inconsistent at this point, or its "
        "reader crashed or stalled on it. Loaders differ in how far they get through a "
        "broken file, and scanners that give up on errors are bypassed this way, so the "
        "file is reported as not fully analysed."
    )
    remediation = "Re-obtain the file from its source; do not load a file that fails to parse."
    marks_incomplete = True
    anomaly_kinds = ("malformed",)
