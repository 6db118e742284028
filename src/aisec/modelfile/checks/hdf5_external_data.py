from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class Hdf5ExternalData(AnomalyCheck):
    id = "modelfile.hdf5.external-data"
    title = "HDF5 dataset reads its data from another file"
    severity = Severity.HIGH
    applies_to = ("artefact",)
    refs = ("AML.T0010.003", "CWE-73", "CWE-200", "CVE-2026-1669", "GHSA-3m4q-jmj6-r34q")
    description = (
        "A dataset of the HDF5 file keeps its bytes in another file (external storage), "
        "maps them from another file (virtual dataset), or a link points into another file "
        "(external link). Loading weights from it (Keras load_weights / load_model, h5py) "
        "reads whatever that path names on the loading machine into the model's tensors, "
        "where inference or a re-save discloses it; Keras's safe mode does not cover "
        "weights (CVE-2026-1669)."
    )
    remediation = (
        "Do not load this file. Model weights are self-contained; upgrade Keras to 3.13.2 "
        "or later, which refuses external HDF5 storage."
    )
    anomaly_kinds = ("hdf5-external-data",)
