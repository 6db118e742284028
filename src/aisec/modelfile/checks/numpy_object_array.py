from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class NumpyObjectArray(AnomalyCheck):
    id = "modelfile.numpy.object-array"
    title = "NumPy array of Python objects (stored as a pickle)"
    severity = Severity.LOW
    applies_to = ("artefact",)
    refs = ("CWE-502",)
    description = (
        "np.load refuses object arrays unless allow_pickle=True, and then unpickles them. The "
        "embedded pickle is analysed like any other; this finding records that loading the "
        "file needs allow_pickle."
    )
    remediation = (
        "Store numeric data with a numeric dtype so the file loads with allow_pickle=False."
    )
    anomaly_kinds = ("object-array",)
