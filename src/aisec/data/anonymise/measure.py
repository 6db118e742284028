"""Measuring the k-anonymity and l-diversity of a file or a table as it is."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aisec.core.errors import InputError, UsageError
from aisec.data.anonymise.privacy import EquivalenceClasses, PrivacyReport
from aisec.data.anonymise.tables import TableSource, resolve_format


def check_measured(names: Sequence[str], qis: Sequence[str], sensitive: Sequence[str]) -> None:
    missing = [c for c in (*qis, *sensitive) if c not in names]
    if missing:
        raise UsageError(
            f"the file has no column {missing[0]!r}",
            hint="--quasi-identifiers and --sensitive name columns of the input",
        )


def measure_file(
    source: Path,
    quasi_identifiers: Sequence[str],
    sensitive: Sequence[str] = (),
    *,
    k: int | None = None,
    input_format: str | None = None,
    batch_rows: int = 65_536,
) -> PrivacyReport:
    """k-anonymity and l-diversity of a file as it is."""
    if not source.is_file():
        raise InputError(f"no such file: {source}", hint="check the path")
    reader = TableSource(source, resolve_format(source, input_format), batch_rows)
    check_measured(reader.schema.names, quasi_identifiers, sensitive)
    classes = EquivalenceClasses(quasi_identifiers, sensitive)
    for table in reader:
        classes.add(table)
    return classes.report(k)


def measure_table(
    table: Any, quasi_identifiers: Sequence[str], sensitive: Sequence[str] = (),
    *, k: int | None = None,
) -> PrivacyReport:  # fmt: skip
    """k-anonymity and l-diversity of an Arrow table or a pandas DataFrame."""
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

    if not isinstance(table, pa.Table):
        try:
            table = pa.Table.from_pandas(table, preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise InputError(f"cannot read the data frame as a table: {exc}") from None
    check_measured(table.column_names, quasi_identifiers, sensitive)
    classes = EquivalenceClasses(quasi_identifiers, sensitive)
    classes.add(table)
    return classes.report(k)
