from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class TensorFlowFileAccessOp(AnomalyCheck):
    id = "modelfile.tensorflow.file-access-op"
    title = "TensorFlow graph reads or writes files"
    severity = Severity.HIGH
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "AML.T0011.000", "CWE-22", "CWE-73")
    description = (
        "The graph uses ops that read, write, list or memory-map files at a path taken from "
        "a tensor or an attribute (ReadFile, WriteFile, MatchingFiles, tf.data file readers "
        "and caches, summary and debugger writers, PrintV2 to a file, ImmutableConst, "
        "checkpoint ops outside the model's own saver, vocabulary tables whose file is not "
        "one of the model's assets). Running the graph reads or overwrites files on the "
        "serving machine. Constant paths are shown as evidence."
    )
    remediation = (
        "Do not serve this model until you know why it touches these files; an exported "
        "model reads only its own variables and assets."
    )
    anomaly_kinds = ("tf-file-access-op",)
