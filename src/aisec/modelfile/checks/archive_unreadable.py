from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class UnreadableMember(AnomalyCheck):
    id = "modelfile.archive.unreadable-member"
    title = "Archive member could not be read"
    severity = Severity.HIGH
    applies_to = ("container",)
    refs = ("AML.T0010.003", "CWE-20")
    description = (
        "A member is encrypted, uses an unsupported compression method, is corrupt or lies "
        "outside the archive. It was not analysed, and a scan that cannot see a member cannot "
        "vouch for it (fail closed)."
    )
    remediation = "Re-obtain the archive, or extract the member with its password and scan it."
    marks_incomplete = True
    anomaly_kinds = ("unreadable-member",)
