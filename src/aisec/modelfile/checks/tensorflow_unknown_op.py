from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class TensorFlowUnknownOp(AnomalyCheck):
    id = "modelfile.tensorflow.unknown-op"
    title = "TensorFlow graph uses ops outside TensorFlow's own op set"
    severity = Severity.MEDIUM
    strict_severity = Severity.HIGH
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "AML.T0011.000")
    description = (
        "A node's op is neither registered by TensorFlow itself (the list of every op of "
        "the TensorFlow release named in policy/tensorflow_standard_ops.txt) nor a function "
        "of the graph's library. Such ops come from a custom-op library (tensorflow-text, "
        "tensorflow-io, or a private one) whose native code must be loaded to run the "
        "model; the file does not show what they do. DatasetFromGraph is reported here "
        "too: it runs a graph held in a tensor, which is analysed only when it is a "
        "constant of the file."
    )
    remediation = (
        "Find out which library provides the ops and whether you trust it before loading "
        "it (tf.load_op_library runs its code)."
    )
    anomaly_kinds = ("tf-unknown-op", "tf-opaque-op")
