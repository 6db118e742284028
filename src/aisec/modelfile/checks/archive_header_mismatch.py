from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class HeaderMismatch(AnomalyCheck):
    id = "modelfile.archive.header-mismatch"
    title = "Archive headers disagree or carry unusual flags"
    severity = Severity.MEDIUM
    applies_to = ("container",)
    refs = ("AML.T0018", "CVE-2025-1944", "CVE-2025-1945")
    description = (
        "Local and central headers name a member differently, a name appears twice, or flag "
        "bits (such as 'encrypted' on readable data) are set. Loaders and scanners resolve "
        "these differently, which is how payloads have been hidden from zip-based scanners."
    )
    remediation = "Re-obtain the file; no ML library writes such archives."
    anomaly_kinds = ("name-mismatch", "duplicate-name", "flag-bits")
