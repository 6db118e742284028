"""Reading one entry of a manifest: a file with its digest and chunks, a link with its
target, or a special file by kind; anything else is :class:`InvalidManifest`."""

from __future__ import annotations

from typing import Any

from aisec.data.manifest.fields import HEX64, count, digest, flag, is_count, json_object, short
from aisec.data.manifest.model import BYTES, FILE, KINDS, LINES, SYMLINK, Chunk, Entry
from aisec.data.manifest.paths import InvalidManifest, decode

_FILE_KEYS = {"path", "path_bytes", "type", "size", "sha256", "executable", "chunking", "chunks"}
_LINK_KEYS = {"path", "path_bytes", "type", "target", "target_bytes", "escapes_root"}


def read_entry(item: Any, where: str) -> Entry:
    """The entry ``item`` of ``entries``, every member checked; a file's chunks must
    tile it exactly from offset 0."""
    raw = json_object(item, where, _FILE_KEYS | _LINK_KEYS)
    kind = raw.get("type")
    if kind not in KINDS:
        raise InvalidManifest(f"{where}: unknown type {short(kind)}")
    path = decode(raw, where)
    allowed = _FILE_KEYS if kind == FILE else _LINK_KEYS if kind == SYMLINK else {"type"}
    extra = set(raw) - allowed - {"path", "path_bytes"}
    if extra:
        raise InvalidManifest(f"{where}: unexpected member {short(sorted(extra)[0])}")
    if kind == SYMLINK:
        target = decode({"path" if "target" in raw else "path_bytes": raw.get("target",
                         raw.get("target_bytes"))}, f"{where} target", relative=False)  # fmt: skip
        return Entry(path, kind, target=target, escapes_root=flag(raw, "escapes_root", where))
    if kind != FILE:
        return Entry(path, kind)
    size, sha = count(raw, "size", where), digest(raw, "sha256", where)
    chunking = raw.get("chunking")
    if chunking not in (BYTES, LINES):
        raise InvalidManifest(f"{where}: unknown chunking {short(chunking)}")
    chunks = _chunks(raw.get("chunks"), size, where)
    return Entry(path, kind, size, sha, flag(raw, "executable", where), chunking, chunks)


def _chunks(value: Any, size: int, where: str) -> tuple[Chunk, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) < 2:
        raise InvalidManifest(f"{where}: 'chunks' must list two or more chunks")
    chunks: list[Chunk] = []
    offset = 0
    for item in value:
        if not (isinstance(item, list) and len(item) == 3 and item[0] == offset
                and is_count(item[0]) and is_count(item[1]) and item[1] > 0
                and isinstance(item[2], str) and HEX64.fullmatch(item[2])):  # fmt: skip
            raise InvalidManifest(f"{where}: chunk at offset {offset} is malformed")
        chunks.append(Chunk(offset, item[1], item[2]))
        offset += item[1]
    if offset != size:
        raise InvalidManifest(f"{where}: chunks cover {offset} bytes, the file has {size}")
    return tuple(chunks)
