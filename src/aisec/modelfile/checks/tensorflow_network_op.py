from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class TensorFlowNetworkOp(AnomalyCheck):
    id = "modelfile.tensorflow.network-op"
    title = "TensorFlow graph opens network connections"
    severity = Severity.HIGH
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "AML.T0025", "CWE-918")
    description = (
        "The graph uses ops that connect to or serve network addresses (the RPC ops, tf.data "
        "service datasets and registration). Running the graph sends data to, or takes "
        "orders from, an address chosen by whoever wrote the model. Constant addresses are "
        "shown as evidence."
    )
    remediation = "Do not serve this model; an exported model has no reason to open connections."
    anomaly_kinds = ("tf-network-op",)
