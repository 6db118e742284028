"""Reading a manifest that may be damaged or hostile: bounded, strict, never a crash.

The file is capped in size and nesting before and after parsing; every member is
checked for type and range, unknown members are refused (a signature must cover exactly
what is interpreted), paths must stay inside the root, and the root hash must match the
entries. Any failure is :class:`InvalidManifest` naming the member at fault.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from aisec.data.manifest.entry_reader import read_entry
from aisec.data.manifest.fields import (
    check_depth,
    count,
    digest,
    json_list,
    json_object,
    short,
    text,
)
from aisec.data.manifest.merkle import root_hash
from aisec.data.manifest.model import (
    ALGORITHM,
    MAX_CHUNK_SIZE,
    MIN_CHUNK_SIZE,
    SCHEMA,
    Manifest,
    Signature,
    Skipped,
)
from aisec.data.manifest.paths import InvalidManifest, decode

# Parsed JSON takes about ten times the file's size in memory: 64 MiB of manifest (some
# 250,000 files with their chunks) costs some 650 MB to verify. Larger manifests need
# ``max_bytes`` (``--max-manifest-size``) raised on purpose.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_TOP = {
    "schema", "created", "tool", "algorithm", "chunk_size", "root", "inputs", "excluded",
    "files", "bytes", "root_hash", "entries", "skipped", "signature",
}  # fmt: skip
T = TypeVar("T")


def read_manifest(path: Path, *, max_bytes: int = MAX_MANIFEST_BYTES) -> Manifest:
    """The manifest at ``path``, refused unread when larger than ``max_bytes``."""
    try:
        with path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > max_bytes:
                raise _too_large(max_bytes)
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InvalidManifest(
            f"cannot read the manifest {path}: {exc.strerror or exc}",
            hint="check the path, or make one with `aisec data manifest`",
        ) from None
    return parse_manifest(data, max_bytes=max_bytes)


def parse_manifest(data: bytes, *, max_bytes: int = MAX_MANIFEST_BYTES) -> Manifest:
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    try:
        value = json.loads(data)
    except RecursionError:
        raise InvalidManifest("the manifest nests too deeply to be a manifest") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, over-long integers
        raise InvalidManifest(f"the manifest is not JSON: {exc}") from None
    check_depth(value)
    return _manifest(value)


def _too_large(max_bytes: int) -> InvalidManifest:
    return InvalidManifest(
        f"the manifest is larger than {_size(max_bytes)},"
        " the cap on what is read (parsing takes about ten times its size in memory)",
        hint="pass --max-manifest-size to raise the cap if the manifest is trusted and"
        " memory allows",
    )


def _size(count: int) -> str:
    mib, rest = divmod(count, 1024 * 1024)
    return f"{mib} MiB" if mib and not rest else f"{count} bytes"


def _manifest(top: Any) -> Manifest:
    doc = json_object(top, "the manifest", _TOP)
    if doc.get("schema") != SCHEMA:
        raise InvalidManifest(
            f"not a dataset manifest: schema is {short(doc.get('schema'))}, not {SCHEMA!r}"
        )
    if doc.get("algorithm") != ALGORITHM:
        raise InvalidManifest(f"unsupported algorithm {short(doc.get('algorithm'))}")
    chunk_size = count(doc, "chunk_size", "the manifest")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise InvalidManifest(f"chunk_size {chunk_size} is out of range")
    tool = json_object(doc.get("tool"), "tool", {"name", "version"})
    root = doc.get("root")
    if root is not None and (not isinstance(root, str) or "\x00" in root or not root):
        raise InvalidManifest("'root' is not a path")
    entries = [
        read_entry(item, f"entries[{i}]") for i, item in enumerate(json_list(doc, "entries"))
    ]
    _check_unique([e.path for e in entries], "entries")
    entries.sort(key=lambda e: e.path)
    manifest = Manifest(
        chunk_size=chunk_size,
        root=root,
        inputs=_each(doc, "inputs", _input),
        entries=tuple(entries),
        root_hash=digest(doc, "root_hash", "the manifest"),
        created=text(doc, "created", "the manifest"),
        tool_version=text(tool, "version", "tool"),
        skipped=_each(doc, "skipped", _skipped),
        excluded=_each(doc, "excluded", _excluded),
        signature=_signature(doc.get("signature")),
    )
    if not manifest.inputs:
        raise InvalidManifest("'inputs' is empty: nothing says what the manifest covers")
    if (count(doc, "files", "the manifest"), count(doc, "bytes", "the manifest")) != (
        manifest.files,
        manifest.total_bytes,
    ):
        raise InvalidManifest("'files' or 'bytes' do not add up to the entries")
    if root_hash(manifest.entries) != manifest.root_hash:
        raise InvalidManifest(
            "the root hash does not match the entries: the manifest was edited or damaged",
            hint="re-create it from a trusted copy of the data",
        )
    return manifest


def _each(doc: dict[str, Any], key: str, read: Callable[[Any, str], T]) -> tuple[T, ...]:
    return tuple(read(v, f"{key}[{i}]") for i, v in enumerate(json_list(doc, key)))


def _excluded(value: Any, where: str) -> bytes:
    return decode(json_object(value, where, {"path", "path_bytes"}), where)


def _input(value: Any, where: str) -> bytes:
    if value == {"path": "."}:
        return b"."
    return decode(json_object(value, where, {"path", "path_bytes"}), where)


def _skipped(value: Any, where: str) -> Skipped:
    raw = json_object(value, where, {"path", "path_bytes", "reason"})
    return Skipped(
        b"." if raw.get("path") == "." else decode(raw, where), text(raw, "reason", where)
    )


def _signature(value: Any) -> Signature | None:
    if value is None:
        return None
    raw = json_object(value, "signature", {"algorithm", "key_id", "value"})
    algorithm, key_id, sig = (text(raw, k, "signature") for k in ("algorithm", "key_id", "value"))
    if len(sig) > 1024 or len(key_id) > 128:
        raise InvalidManifest("signature: overlong key id or value")
    return Signature(algorithm, key_id, sig)


def _check_unique(paths: list[bytes], where: str) -> None:
    if len(set(paths)) != len(paths):
        raise InvalidManifest(f"{where}: a path is listed twice")
