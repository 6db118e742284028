from __future__ import annotations

from aisec.core.severity import Severity
from aisec.modelfile.checks.base import AnomalyCheck


class DecompressionBomb(AnomalyCheck):
    id = "modelfile.archive.decompression-bomb"
    title = "Compressed data expands beyond the configured caps"
    severity = Severity.HIGH
    applies_to = ("container",)
    refs = ("CWE-409",)
    description = (
        "A member or stream declares or produces more output, or a higher compression "
        "ratio, than the limits allow. aisec stops decompressing it; loaders may not."
    )
    remediation = (
        "If the data is legitimately this large, raise max_decompressed_size or "
        "max_compression_ratio and rescan; otherwise treat it as hostile."
    )
    marks_incomplete = True
    anomaly_kinds = ("decompression-bomb",)
