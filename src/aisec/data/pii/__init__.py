"""Personal data in text and in table columns: validated recognisers with context scoring
(:class:`PiiDetector`) and per-column verdicts (:class:`ColumnProfiler`)."""

from __future__ import annotations

from aisec.data.pii.columns import ColumnProfiler
from aisec.data.pii.detector import PiiDetector, resolve_overlaps
from aisec.data.pii.model import ENTITIES, ColumnVerdict, PiiMatch

__all__ = [
    "ENTITIES",
    "ColumnProfiler",
    "ColumnVerdict",
    "PiiDetector",
    "PiiMatch",
    "resolve_overlaps",
]
