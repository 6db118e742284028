"""Where a file changed: chunk digests compared, merged into byte ranges, and (for
line-chunked files) turned into line numbers of the file as it is now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from aisec.data.manifest.hashing import READ_SIZE, Digest, open_regular
from aisec.data.manifest.model import Chunk, Entry

CHANGED = "changed"  # bytes [start, end) of the current file differ
APPENDED = "appended"  # bytes [start, end) of the current file follow the unchanged old content
TRUNCATED = "truncated"  # bytes [start, end) of the old file are gone


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # exclusive
    what: str
    lines: tuple[int, int] | None = None  # 1-based, inclusive, in the current file


def changed_ranges(old: Entry, new: Digest) -> list[ByteRange]:
    """The ranges that differ between ``old`` and ``new`` (hashed with ``old``'s
    chunking and a snapshot at ``old.size``)."""
    before = old.all_chunks()
    after = new.chunks or (Chunk(0, new.size, new.sha256),)
    if _appended(old, before, after, new):
        return [ByteRange(old.size, new.size, APPENDED)]
    differing = [i for i in range(len(after)) if i >= len(before) or after[i] != before[i]]
    ranges: list[ByteRange] = []
    for i in differing:
        chunk = after[i]
        if chunk.size == 0:
            continue
        if ranges and ranges[-1].end == chunk.offset:
            ranges[-1] = replace(ranges[-1], end=chunk.end)
        else:
            ranges.append(ByteRange(chunk.offset, chunk.end, CHANGED))
    if new.size < old.size:
        ranges.append(ByteRange(new.size, old.size, TRUNCATED))
    return ranges


def _appended(old: Entry, before: Sequence[Chunk], after: Sequence[Chunk], new: Digest) -> bool:
    if new.size <= old.size or not before:
        return False
    last = before[-1]
    if list(after[: len(before) - 1]) != list(before[:-1]):
        return False
    # The new chunk at the old last chunk's place, cut at the old end, hashes the same.
    return (
        len(after) >= len(before)
        and after[len(before) - 1].offset == last.offset
        and (new.snapshots.get(old.size) == last.sha256)
    )


def with_line_numbers(
    path: bytes, ranges: Sequence[ByteRange], *, root: bytes | None = None
) -> list[ByteRange]:
    """``ranges`` with the lines of the current file they span (one counting pass up to
    the last range's end); ``path`` is relative to ``root`` when given."""
    wanted = sorted({p for r in ranges if r.what != TRUNCATED for p in (r.start, r.end - 1)})
    if not wanted:
        return list(ranges)
    line_at = _lines_at(path, wanted, root)
    return [
        r
        if r.what == TRUNCATED or r.end <= r.start
        else replace(r, lines=(line_at[r.start], line_at[r.end - 1]))
        for r in ranges
    ]


def _lines_at(path: bytes, offsets: list[int], root: bytes | None) -> dict[int, int]:
    """1-based number of the line holding each byte offset (sorted)."""
    result: dict[int, int] = {}
    newlines, position, index = 0, 0, 0
    buffer = bytearray(READ_SIZE)
    with open_regular(path, root=root) as handle:
        while index < len(offsets) and (count := handle.readinto(buffer)):
            while index < len(offsets) and offsets[index] < position + count:
                result[offsets[index]] = (
                    1 + newlines + buffer.count(b"\n", 0, offsets[index] - position)
                )
                index += 1
            newlines += buffer.count(b"\n", 0, count)
            position += count
    for offset in offsets[index:]:  # the file shrank meanwhile
        result[offset] = 1 + newlines
    return result
