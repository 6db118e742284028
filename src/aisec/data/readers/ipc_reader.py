"""Arrow IPC, file format (``ARROW1``) or stream format, memory-mapped so that a batch is
read in place; every batch is validated before a value is touched, since a hostile file
can state offsets that point anywhere, and the stated sizes of compressed batches are
checked against the inflation caps before any is decompressed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aisec.data.readers.arrow_batches import batch_chunks, check_width
from aisec.data.readers.arrowlib import CONVERSION_ERRORS, malformed, pyarrow
from aisec.data.readers.chunking import ChunkMaker
from aisec.data.readers.errors import DatasetError
from aisec.data.readers.ipc_bodies import check_messages
from aisec.data.readers.sniff import ARROW_FILE_MAGIC
from aisec.data.readers.types import WHOLE_FILE, Chunk, Part, ReadLimits


def read_arrow(
    path: Path, display: str, chunk_rows: int, limits: ReadLimits, part: Part = WHOLE_FILE
) -> Iterator[Chunk]:
    if part != WHOLE_FILE:
        raise DatasetError("Arrow files are read whole, not in parts")
    pa = pyarrow("arrow")
    pc = pyarrow("arrow", "compute")
    ipc = pyarrow("arrow", "ipc")
    with path.open("rb") as handle:
        is_file = handle.read(len(ARROW_FILE_MAGIC)) == ARROW_FILE_MAGIC
    maker = ChunkMaker(display, "arrow", limits)
    first = 0
    done = -1  # record batches read; -1 while the schema is read
    try:
        with pa.memory_map(str(path), "r") as source:
            # The stated sizes first: a compressed batch is inflated whole when read.
            check_messages(pa, source, len(ARROW_FILE_MAGIC) if is_file else 0, limits)
            batches = _file_batches(ipc, source) if is_file else _stream_batches(ipc, source)
            schema = next(batches)
            check_width(pa, schema, limits)
            done = 0
            for batch in batches:
                batch.validate(full=True)
                yield from batch_chunks(pa, pc, batch, first, maker, chunk_rows)
                first += batch.num_rows
                done += 1
                if maker.exhausted:
                    break
    except (pa.ArrowException, OSError, StopIteration, *CONVERSION_ERRORS) as exc:
        raise malformed("arrow", exc, f"record batch {done}" if done >= 0 else "schema") from None
    yield from maker.finish(first)


def _file_batches(ipc: Any, source: Any) -> Iterator[Any]:
    reader = ipc.open_file(source)
    yield reader.schema
    for index in range(reader.num_record_batches):
        yield reader.get_batch(index)


def _stream_batches(ipc: Any, source: Any) -> Iterator[Any]:
    reader = ipc.open_stream(source)
    yield reader.schema
    yield from reader
