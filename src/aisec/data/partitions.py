"""Splitting one dataset file into partitions that workers scan independently.

A partition is a byte range of a line-based file (CSV, JSON lines, text) or a set of
Parquet row groups. Byte ranges end just after a newline, so no record is cut. A CSV
newline inside a quoted field is no record end: the planner follows the file's quoting
from its start with the readers' quote machine (a quote opens a field only at the field's
start), so it cuts where the reader would end a record. If a partition still fails, the
caller scans the file again as one partition.

Partitions carry no row numbers: a worker reports rows relative to its partition and how
many it read, and the caller adds the counts of the partitions before it. That keeps the
planner to one pass of ``bytes.count`` and ``bytes.find`` over the file, at memory speed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

MiB = 1024 * 1024
DEFAULT_PARTITION_BYTES = 64 * MiB
LINE_FORMATS = frozenset({"csv", "jsonl", "text"})
_BLOCK = 4 * MiB
_MAX_CARRY = 64 * MiB  # one CSV record longer than this: stop cutting


@dataclass(frozen=True, slots=True)
class Partition:
    path: str  # the file to open
    display: str  # the path findings show
    format: str
    index: int  # position among the file's partitions
    byte_start: int = 0
    byte_end: int | None = None  # None: to the end of the file
    row_groups: tuple[int, ...] = ()  # Parquet: the row groups to read

    @property
    def whole_file(self) -> bool:
        return self.byte_start == 0 and self.byte_end is None and not self.row_groups


def plan_partitions(
    path: str, display: str, fmt: str, *, target_bytes: int = DEFAULT_PARTITION_BYTES
) -> list[Partition]:
    """The partitions of one file; a single whole-file partition when it is small."""
    size = os.path.getsize(path)
    if size <= target_bytes:
        return [Partition(path, display, fmt, 0)]
    if fmt in LINE_FORMATS and _byte_addressable(path):
        if fmt == "csv":
            cuts = list(_csv_cuts(path, size, target_bytes))
        else:
            cuts = list(_line_cuts(path, size, target_bytes))
        bounds = [0, *cuts]
        ends: list[int | None] = [*cuts, None]
        return [
            Partition(path, display, fmt, i, start, end)
            for i, (start, end) in enumerate(zip(bounds, ends, strict=True))
        ]
    if fmt == "parquet":
        return _row_group_partitions(path, display, target_bytes)
    return [Partition(path, display, fmt, 0)]


def _byte_addressable(path: str) -> bool:
    """Whether a byte offset of the file is an offset of its text: not for compressed
    files (gzip) or UTF-16, which are read whole."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    return not head.startswith((b"\x1f\x8b", b"\xff\xfe", b"\xfe\xff"))


def _line_cuts(path: str, size: int, target: int) -> Iterator[int]:
    """Offsets just after a newline, about ``target`` bytes apart."""
    next_cut = target
    with open(path, "rb") as handle:
        while next_cut < size:
            handle.seek(next_cut)
            position = next_cut
            while True:
                block = handle.read(_BLOCK)
                if not block:
                    return
                newline = block.find(b"\n")
                if newline >= 0:
                    break
                position += len(block)
            cut = position + newline + 1
            if cut >= size:
                return
            yield cut
            next_cut = cut + target


def _csv_cuts(path: str, size: int, target: int) -> Iterator[int]:
    """Record ends of a CSV file about ``target`` bytes apart, following its quoting
    from the start. A quoted field longer than ``_MAX_CARRY`` ends the planning: the
    rest is one partition."""
    from pathlib import Path

    from aisec.data.readers import ReadLimits
    from aisec.data.readers.csv_header import read_header
    from aisec.data.readers.csv_quoting import record_ends

    header = read_header(Path(path), ReadLimits())
    delimiter = (header.delimiter if header is not None else ",").encode()
    next_cut = target
    carry = b""
    base = 0  # file offset of ``carry``
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            data = carry + block
            ends, _ = record_ends(data, delimiter)
            for end in ends:
                if base + end >= next_cut and base + end < size:
                    yield base + end
                    next_cut = base + end + target
            last = ends[-1] if ends else 0
            carry, base = data[last:], base + last
            if len(carry) > _MAX_CARRY:
                return


def _row_group_partitions(path: str, display: str, target: int) -> list[Partition]:
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(path).metadata
    partitions: list[Partition] = []
    group: list[int] = []
    group_bytes = 0
    for index in range(metadata.num_row_groups):
        group.append(index)
        group_bytes += metadata.row_group(index).total_byte_size
        if group_bytes >= target:
            partitions.append(
                Partition(path, display, "parquet", len(partitions), row_groups=tuple(group))
            )
            group, group_bytes = [], 0
    if group or not partitions:
        partitions.append(
            Partition(path, display, "parquet", len(partitions), row_groups=tuple(group))
        )
    return partitions
