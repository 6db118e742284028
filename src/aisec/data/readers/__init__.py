"""Dataset readers: CSV (any delimiter), Parquet, JSON lines, Arrow IPC and plain text,
detected by content and read in bounded chunks of rows as text.

pyarrow (``pip install 'aisec[data]'``) is imported only when a file needs it.
"""

from __future__ import annotations

from aisec.data.readers.dispatch import read_chunks
from aisec.data.readers.errors import (
    DataExtraMissing,
    DatasetError,
    DatasetLimitExceeded,
    MalformedDataset,
    NotADataset,
)
from aisec.data.readers.sniff import sniff
from aisec.data.readers.types import DATASET_FORMATS, Chunk, ReadLimits, Skipped

__all__ = [
    "DATASET_FORMATS",
    "Chunk",
    "DataExtraMissing",
    "DatasetError",
    "DatasetLimitExceeded",
    "MalformedDataset",
    "NotADataset",
    "ReadLimits",
    "Skipped",
    "read_chunks",
    "sniff",
]
