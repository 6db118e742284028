"""Errors of the dataset readers.

They subclass the documented errors of :mod:`aisec.core.errors` and keep their codes, so
the scan turns them into findings or skipped entries like any other analysis error::

    DatasetError(AnalysisError)                   AISEC-E400  base: this file cannot be read
    ├── NotADataset                               AISEC-E400  binary or unknown content
    ├── MalformedDataset(MalformedInput)          AISEC-E402  the file breaks its format
    └── DatasetLimitExceeded(LimitExceeded)       AISEC-E401  a ReadLimits cap was reached
    DataExtraMissing(ConfigError)                 AISEC-E100  pyarrow is not installed

Messages never quote cell values: a dataset may hold personal data.
"""

from __future__ import annotations

from aisec.core.errors import AnalysisError, ConfigError, LimitExceeded, MalformedInput

INSTALL_HINT = "pip install 'aisec[data]'"


class DatasetError(AnalysisError):
    """A dataset file cannot be read (or not all of it)."""


class NotADataset(DatasetError):
    """The content is not one of the dataset formats (binary, or an unknown layout)."""


class MalformedDataset(MalformedInput, DatasetError):
    """The file claims a format and breaks it (a bad Parquet footer, a truncated Arrow
    stream, a gzip stream cut short)."""


class DatasetLimitExceeded(LimitExceeded, DatasetError):
    """A cap of ``ReadLimits`` was reached and the rest of the file cannot be read."""


class DataExtraMissing(ConfigError):
    """Reading this format needs pyarrow, an optional dependency."""

    def __init__(self, fmt: str) -> None:
        super().__init__(f"reading {fmt} datasets needs pyarrow", hint=INSTALL_HINT)
