"""Turning rows read in bulk into chunks: rows per chunk bounded by the caps, consecutive
row indices inside every chunk, and skips carried by the chunk that met them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from aisec.data.readers.types import Chunk, ReadLimits, Skipped


def rows_per_chunk(chunk_rows: int, num_columns: int, limits: ReadLimits) -> int:
    return max(1, min(chunk_rows, limits.max_chunk_cells // max(num_columns, 1)))


@dataclass(slots=True)
class ChunkMaker:
    """Builds the chunks of one file and keeps count of the rows handed out."""

    path: str
    fmt: str
    limits: ReadLimits
    emitted: int = 0
    end_row: int = 0  # one past the last row handed out
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def exhausted(self) -> bool:
        return self.limits.max_rows is not None and self.emitted >= self.limits.max_rows

    def make(
        self,
        first_row: int,
        columns: dict[str, list[str | None]],
        byte_range: tuple[int | None, int | None] = (None, None),
        *,
        force: bool = False,
    ) -> Chunk | None:
        """A chunk of these rows (cut to ``max_rows``), or None when there is nothing to
        hand out. Skips noted so far travel with it."""
        count = len(next(iter(columns.values()))) if columns else 0
        if self.limits.max_rows is not None:
            room = max(self.limits.max_rows - self.emitted, 0)
            if count > room:
                columns = {name: values[:room] for name, values in columns.items()}
                count, byte_range = room, (None, None)
        if count == 0 and not self.skipped and not force:
            return None
        self.emitted += count
        self.end_row = max(self.end_row, first_row + count)
        skipped, self.skipped = tuple(self.skipped), []
        return Chunk(
            path=self.path,
            member=(),
            format=self.fmt,
            first_row=first_row,
            columns=columns if count else {},
            byte_start=byte_range[0],
            byte_end=byte_range[1],
            skipped=skipped,
        )

    def finish(self, next_row: int) -> Iterator[Chunk]:
        """A last chunk without rows when skips are still to be reported, or when rows at
        the end were not handed out (blank JSON lines, skipped records): its ``first_row``
        then tells how many rows the file (or part) held."""
        if self.skipped or (next_row > self.end_row and not self.exhausted):
            chunk = self.make(next_row, {}, force=True)
            if chunk is not None:
                yield chunk


def slice_columns(
    columns: dict[str, list[str | None]], count: int, step: int
) -> Iterator[tuple[int, dict[str, list[str | None]]]]:
    """(offset, columns) pieces of at most ``step`` rows."""
    for offset in range(0, count, step):
        yield offset, {name: values[offset : offset + step] for name, values in columns.items()}
