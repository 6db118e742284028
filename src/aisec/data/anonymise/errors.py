"""Errors of the anonymiser whose exit codes differ from the defaults in aisec.core.errors.

Exit codes follow the CLI's contract: 1 a target or guarantee the run promised was not met
(the output is not written), 3 the dataset itself could not be read or parsed.
"""

from __future__ import annotations

from aisec.core.errors import AnalysisError, MalformedInput


class UnreadableDataset(MalformedInput):
    """The input is not a readable CSV, Parquet or JSON lines file (exit 3)."""

    exit_code = 3


class GuaranteeNotMet(AnalysisError):
    """The anonymised output would not keep a promise of the rules or options (exit 1)."""

    exit_code = 1
