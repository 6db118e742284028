from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class PathTraversal(AnomalyCheck):
    id = "modelfile.archive.path-traversal"
    title = "Archive member escapes the extraction directory"
    severity = Severity.HIGH
    applies_to = ("container",)
    refs = ("AML.T0011.000", "CWE-22", "CWE-59")
    description = (
        "A member name is absolute or climbs out with '..', or the member is a symbolic or "
        "hard link: extracting the archive writes or reads outside its directory."
    )
    remediation = "Do not extract this archive with a generic tool; re-obtain it from its producer."
    anomaly_kinds = ("path-traversal", "link-member")
