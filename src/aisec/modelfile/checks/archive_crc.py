from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class CrcMismatch(AnomalyCheck):
    id = "modelfile.archive.crc-mismatch"
    title = "Archive member does not match its CRC-32"
    severity = Severity.MEDIUM
    applies_to = ("container",)
    refs = ("AML.T0018", "CVE-2025-10156")
    description = (
        "The member's data differs from the checksum recorded for it. torch.load does not "
        "check CRCs, while Python's zipfile refuses the member: scanners built on zipfile "
        "skip exactly the data torch will load. aisec analyses the member anyway."
    )
    remediation = (
        "Re-obtain the file; an archive edited after it was written is not the producer's."
    )
    anomaly_kinds = ("crc-mismatch",)
