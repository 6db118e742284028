from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class TensorFlowPythonOp(AnomalyCheck):
    id = "modelfile.tensorflow.python-op"
    title = "TensorFlow graph calls Python functions (PyFunc, EagerPyFunc)"
    severity = Severity.CRITICAL
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "AML.T0011.000", "CWE-94")
    description = (
        "A node of the graph or of a library function is a PyFunc, PyFuncStateless or "
        "EagerPyFunc op. These ops call a Python function registered under a token in the "
        "process that runs the graph: the file does not carry the code, but a graph that "
        "names them is built to run Python in the serving or loading process (through a "
        "function the attacker can register, or whatever the token happens to reach)."
    )
    remediation = (
        "Do not serve or load this model. Models exported for serving never need "
        "tf.py_function or tf.numpy_function; ask for an export without them."
    )
    anomaly_kinds = ("tf-python-op",)
