"""Scanning one partition of a dataset: what a worker does.

The worker reads its partition chunk by chunk, profiles every column, and runs the
personal-data and secret detectors over the values. It returns plain, picklable records
with rows relative to its partition; the caller numbers them for the whole file (see
:mod:`aisec.data.partitions`) and turns them into findings. Values never leave the
worker: only redacted text, digests and positions.

Each column of a chunk is searched as one string (its values joined by a separator)
rather than value by value, which keeps the per-call overhead out of the hot loop; a match
is mapped back to its value by offset and dropped if it runs across the separator. For
personal data the column profiler does this search and hands back the matches it judged
the column by, so every value is searched once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING

from aisec.core.errors import AisecError
from aisec.data.partitions import Partition

if TYPE_CHECKING:
    from aisec.data.pii import ColumnProfiler, PiiDetector
    from aisec.data.secrets import SecretMatch

# The column of a finding in a record that did not parse into columns.
RAW_RECORD = ""
_SEPARATOR = "\n\x00\n"  # as the PII profiler: no secret pattern crosses a NUL


@dataclass(frozen=True, slots=True)
class ValueHit:
    row: int  # 0-based, relative to the partition
    column: str
    entity: str
    offset: int  # characters into the value
    length: int
    score: float
    reason: str
    redacted: str


@dataclass(frozen=True, slots=True)
class SecretHit:
    row: int
    column: str
    secret_kind: str
    provider: str
    offset: int
    length: int
    redacted: str
    digest: str
    confidence: float


@dataclass
class PartitionResult:
    partition: Partition
    rows: int = 0
    values: list[ValueHit] = field(default_factory=list)
    # (column, entity) -> occurrences, listed or not
    value_counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    secrets: list[SecretHit] = field(default_factory=list)
    secret_count: int = 0
    profiler: ColumnProfiler | None = None
    problem: str = ""  # why the partition was not read to its end
    skipped: int = 0  # rows or cells left out: over a read limit, or not parseable
    first_skip: tuple[int, str] | None = None  # (row relative to the partition, reason)


class PartitionScanner:
    """Scans partitions; picklable, so a process pool or Dask can run many."""

    def __init__(
        self,
        *,
        max_listed: int = 1000,
        chunk_rows: int = 8192,
        timeout_seconds: float | None = None,
        max_columns: int = 10_000,
    ) -> None:
        self.max_listed = max_listed  # per (column, entity) and for secrets, per partition
        self.chunk_rows = chunk_rows
        self.timeout_seconds = timeout_seconds  # per partition
        self.max_columns = max_columns  # distinct column names, over all chunks
        self._detector: PiiDetector | None = None

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_detector"] = None  # rebuilt where it runs: recognisers do not pickle
        return state

    def __call__(self, partition: Partition) -> PartitionResult:
        result = PartitionResult(partition, profiler=self._pii().column_profiler())
        try:
            self._read(partition, result)
        except AisecError as exc:
            result.problem = exc.message
        except Exception as exc:  # a reader or detector bug is this file's problem, not the run's
            # Only the type: a library's message can quote the value it choked on.
            result.problem = f"internal error while reading: {type(exc).__name__}"
        return result

    def _read(self, partition: Partition, result: PartitionResult) -> None:
        from aisec.data.readers import read_chunks

        deadline = None if self.timeout_seconds is None else monotonic() + self.timeout_seconds
        columns: set[str] = set()
        for chunk in read_chunks(
            Path(partition.path),
            fmt=partition.format,
            chunk_rows=self.chunk_rows,
            byte_range=(partition.byte_start, partition.byte_end),
            row_groups=partition.row_groups or None,
        ):
            columns.update(chunk.columns)
            if len(columns) > self.max_columns:
                result.problem = f"more than {self.max_columns} distinct columns"
                return
            for column, values in chunk.columns.items():
                self._scan_column(result, column, values, chunk.first_row)
            if partition.format == "text":
                self._scan_lines(result, chunk.columns.get("text", []), chunk.first_row)
            for skipped in chunk.skipped:
                if skipped.raw:
                    self._scan_raw(result, skipped.row, skipped.raw)
            result.rows = max(result.rows, chunk.first_row + chunk.num_rows)
            if chunk.skipped and result.first_skip is None:
                result.first_skip = (chunk.skipped[0].row, chunk.skipped[0].reason)
            result.skipped += len(chunk.skipped)
            if deadline is not None and monotonic() > deadline:
                result.problem = (
                    f"stopped after {self.timeout_seconds:g} s (timeout_seconds) at row "
                    f"{result.rows}"
                )
                return

    def _pii(self) -> PiiDetector:
        if self._detector is None:
            from aisec.data.pii import PiiDetector

            self._detector = PiiDetector()
        return self._detector

    def _scan_column(
        self,
        result: PartitionResult,
        column: str,
        values: Sequence[str | None],
        first_row: int,
    ) -> None:
        from aisec.data.secrets import find_secrets

        assert result.profiler is not None
        for index, match in result.profiler.add(column, values):
            key = (column, match.entity)
            result.value_counts[key] += 1
            if result.value_counts[key] <= self.max_listed:
                value = values[index] or ""
                result.values.append(
                    ValueHit(
                        first_row + index,
                        column,
                        match.entity,
                        match.start,
                        match.end - match.start,
                        match.score,
                        match.reason,
                        _redact_pii(match.entity, value[match.start : match.end]),
                    )
                )
        if result.partition.format == "text":
            return  # lines are searched together for secrets: a PEM block spans lines
        texts = [v or "" for v in values]
        text = _SEPARATOR.join(texts)
        starts = [0, *accumulate(len(t) + len(_SEPARATOR) for t in texts)]
        for secret in find_secrets(text):
            where = _locate(starts, secret.start, secret.end)
            if where is None:
                continue
            index, offset = where
            self._add_secret(result, column, first_row + index, offset, secret)

    def _scan_raw(self, result: PartitionResult, row: int, raw: str) -> None:
        """A record that did not parse is still read as text: one stray comma must not hide
        the credential beside it."""
        from aisec.data.secrets import find_secrets

        for match in self._pii().find(raw):
            key = (RAW_RECORD, match.entity)
            result.value_counts[key] += 1
            if result.value_counts[key] <= self.max_listed:
                result.values.append(
                    ValueHit(
                        row,
                        RAW_RECORD,
                        match.entity,
                        match.start,
                        match.end - match.start,
                        match.score,
                        match.reason,
                        _redact_pii(match.entity, raw[match.start : match.end]),
                    )
                )
        for secret in find_secrets(raw):
            self._add_secret(result, RAW_RECORD, row, secret.start, secret)

    def _scan_lines(self, result: PartitionResult, lines: Sequence[str | None], first: int) -> None:
        """Secrets in a text file: its lines as the text they are, so a secret written
        over several lines (a PEM block) is found, at the line where it starts."""
        from aisec.data.secrets import find_secrets

        texts = [v or "" for v in lines]
        starts = [0, *accumulate(len(t) + 1 for t in texts)]
        for secret in find_secrets("\n".join(texts)):
            index = bisect_right(starts, secret.start) - 1
            self._add_secret(result, "text", first + index, secret.start - starts[index], secret)

    def _add_secret(
        self, result: PartitionResult, column: str, row: int, offset: int, secret: SecretMatch
    ) -> None:
        result.secret_count += 1
        if result.secret_count <= self.max_listed:
            result.secrets.append(
                SecretHit(
                    row,
                    column,
                    secret.kind,
                    secret.provider,
                    offset,
                    secret.end - secret.start,
                    secret.redacted,
                    secret.digest,
                    secret.confidence,
                )
            )


def _locate(starts: list[int], start: int, end: int) -> tuple[int, int] | None:
    """(value index, offset in the value) of a match; None if it spans two values."""
    index = bisect_right(starts, start) - 1
    if end > starts[index + 1] - len(_SEPARATOR):
        return None
    return index, start - starts[index]


def _redact_pii(entity: str, value: str) -> str:
    from aisec.data.redact import redact_pii

    return redact_pii(entity, value)
