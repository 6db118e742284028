"""Streaming the dataset in and out: CSV, Parquet and JSON lines, in bounded batches.

CSV columns are read as text: type inference would turn the postcode "02139" into the
number 2139 and change the data before any rule ran. Parquet and JSON lines keep their
types; columns an action rewrites become text in the output, kept columns keep theirs.

JSON lines output is strict JSON: a number that is not finite (NaN, infinity) is written
as null, and binary values as base64 text.
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped, unused-ignore]
import pyarrow.json as pa_json  # type: ignore[import-untyped, unused-ignore]
import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

from aisec.core.errors import InputError, UsageError
from aisec.data.anonymise.errors import UnreadableDataset
from aisec.data.arrow_errors import sanitise_arrow_error

FORMATS = ("csv", "parquet", "jsonl")
BLOCK_BYTES = 1 << 20
_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl",
             ".ndjson": "jsonl", ".json": "jsonl"}  # fmt: skip
# Suffixes that name an output format without doubt (".json" could be one document).
_OUTPUT_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl",
                    ".ndjson": "jsonl"}  # fmt: skip


def detect_format(path: Path) -> str:
    """The format by suffix, or else by content (Parquet magic, a leading "{")."""
    by_suffix = _SUFFIXES.get(path.suffix.lower())
    if by_suffix:
        return by_suffix
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise UnreadableDataset(f"cannot read {path}: {exc.strerror}") from None
    if head.startswith(b"PAR1"):
        return "parquet"
    return "jsonl" if head.lstrip().startswith(b"{") else "csv"


def resolve_format(path: Path, declared: str | None) -> str:
    fmt = declared or detect_format(path)
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint="use one of " + ", ".join(FORMATS))
    return fmt


def output_format(output: Path, declared: str | None, input_format: str) -> str:
    """The output's format: ``declared``, else the one its suffix names, else the input's.
    A declared format that its suffix contradicts is a usage error."""
    by_suffix = _OUTPUT_SUFFIXES.get(output.suffix.lower())
    if declared is not None and by_suffix is not None and declared != by_suffix:
        raise UsageError(
            f"--output-format {declared} contradicts the output's suffix {output.suffix!r}",
            hint="drop --output-format or rename the output",
        )
    fmt = declared or by_suffix or input_format
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint="use one of " + ", ".join(FORMATS))
    return fmt


class TableSource:
    """The batches of one file, with the schema known before the first batch."""

    def __init__(self, path: Path, fmt: str, batch_rows: int = 65_536) -> None:
        self.path, self.format, self.batch_rows = path, fmt, batch_rows
        self.schema: Any = self._guarded(self._schema)

    def __iter__(self) -> Iterator[Any]:
        reader = self._guarded(self._open)
        while True:
            batch = self._guarded(lambda: next(reader, None))
            if batch is None:
                return
            yield pa.Table.from_batches([batch])

    def _schema(self) -> Any:
        if self.format == "parquet":
            schema = pq.ParquetFile(self.path).schema_arrow
        else:
            schema = self._open().schema  # type: ignore[attr-defined]
        names = list(schema.names)
        if len(set(names)) != len(names):
            twice = sorted({n for n in names if names.count(n) > 1})
            raise UnreadableDataset(
                f"{self.path} has more than one column named {twice[0]!r}; rules and"
                " measures address columns by name, so the file cannot be anonymised"
            )
        return schema

    def _open(self) -> Iterator[Any]:
        if self.format == "parquet":
            return iter(pq.ParquetFile(self.path).iter_batches(batch_size=self.batch_rows))
        if self.format == "jsonl":
            options = pa_json.ReadOptions(block_size=BLOCK_BYTES)
            return pa_json.open_json(self.path, read_options=options)  # type: ignore[no-any-return]
        read = pa_csv.ReadOptions(block_size=BLOCK_BYTES)
        names = pa_csv.open_csv(self.path, read_options=read).schema.names
        convert = pa_csv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=True,
            null_values=[""],
        )
        return pa_csv.open_csv(self.path, read_options=read, convert_options=convert)  # type: ignore[no-any-return]

    def _guarded(self, step: Any) -> Any:
        try:
            return step()
        except OSError as exc:
            if isinstance(exc, pa.ArrowException):
                raise self._malformed(exc) from None
            raise UnreadableDataset(f"cannot read {self.path}: {exc.strerror or exc}") from None
        except (pa.ArrowException, ValueError) as exc:
            raise self._malformed(exc) from None

    def _malformed(self, exc: Exception) -> UnreadableDataset:
        # Arrow quotes the offending row: data that may be personal must not be shown.
        reason = sanitise_arrow_error(str(exc))
        return UnreadableDataset(f"{self.path} is not readable as {self.format}: {reason}")


def json_safe(value: Any) -> Any:
    """A value JSON can carry: non-finite numbers as null, bytes as base64 text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)  # dates, times, decimals: as Arrow's Python values print


class TableSink:
    """Writes batches of one schema in ``fmt`` to an open binary file, which it closes."""

    def __init__(self, handle: BinaryIO, fmt: str, schema: Any) -> None:
        self.format, self.schema = fmt, schema
        self._handle = handle
        self._json: Any = None
        self._writer: Any = None
        if fmt == "jsonl":
            self._json = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
        elif fmt == "parquet":
            self._writer = pq.ParquetWriter(handle, schema)
        else:
            self._writer = pa_csv.CSVWriter(handle, schema)

    def write(self, table: Any) -> None:
        try:
            if self._json is not None:
                for row in table.to_pylist():
                    line = json.dumps(json_safe(row), ensure_ascii=False, allow_nan=False)
                    self._json.write(line + "\n")
            else:
                self._writer.write_table(table)
        except pa.ArrowException as exc:
            raise InputError(
                f"cannot write {self.format}: {exc}",
                hint="drop or rewrite nested columns, or choose another --output-format",
            ) from None

    def close(self) -> None:
        """Finish the file; an error here means the output is incomplete."""
        if self._json is not None:
            self._json.flush()
        if self._writer is not None:
            self._writer.close()
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()

    def abort(self) -> None:
        with suppress(Exception):
            self.close()
        with suppress(Exception):
            self._handle.close()
