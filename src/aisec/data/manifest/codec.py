"""The manifest as JSON (schema ``aisec.dataset-manifest/1``) and its canonical bytes.

Writing is the exact inverse of :mod:`aisec.data.manifest.reader`: a manifest read back
serialises to the same canonical bytes, which is what a signature covers (sorted keys,
no spaces, ASCII only, the ``signature`` member left out).
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from aisec.data.manifest.model import (
    ALGORITHM,
    FILE,
    SCHEMA,
    SYMLINK,
    Entry,
    Manifest,
)
from aisec.data.manifest.paths import encode


def to_dict(manifest: Manifest, *, signed: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "created": manifest.created,
        "tool": {"name": "aisec", "version": manifest.tool_version},
        "algorithm": ALGORITHM,
        "chunk_size": manifest.chunk_size,
        "root": manifest.root,
        "inputs": [encode(p) for p in manifest.inputs],
        "excluded": [encode(p) for p in manifest.excluded],
        "files": manifest.files,
        "bytes": manifest.total_bytes,
        "root_hash": manifest.root_hash,
        "entries": [entry_dict(e) for e in manifest.entries],
        "skipped": [{**encode(s.path), "reason": s.reason} for s in manifest.skipped],
    }
    if signed and manifest.signature is not None:
        sig = manifest.signature
        data["signature"] = {"algorithm": sig.algorithm, "key_id": sig.key_id, "value": sig.value}
    return data


def entry_dict(entry: Entry) -> dict[str, Any]:
    data: dict[str, Any] = {**encode(entry.path), "type": entry.kind}
    if entry.kind == FILE:
        data |= {
            "size": entry.size,
            "sha256": entry.sha256,
            "executable": entry.executable,
            "chunking": entry.chunking,
        }
        if entry.chunks:
            data["chunks"] = [[c.offset, c.size, c.sha256] for c in entry.chunks]
    elif entry.kind == SYMLINK:
        target = encode(entry.target or b"")
        data["target" if "path" in target else "target_bytes"] = next(iter(target.values()))
        data["escapes_root"] = entry.escapes_root
    return data


def canonical(manifest: Manifest) -> bytes:
    """The bytes a signature covers."""
    text = json.dumps(
        to_dict(manifest, signed=False), sort_keys=True, separators=(",", ":"), ensure_ascii=True
    )
    return text.encode("ascii")


def dumps(manifest: Manifest) -> str:
    """The manifest as written: one member per line, one entry per line (readable, and a
    line diff of two manifests shows the files that differ)."""
    members = []
    for key, value in to_dict(manifest).items():
        if isinstance(value, list) and value:
            items = ",\n  ".join(_compact(item) for item in value)
            members.append(f"{_compact(key)}: [\n  {items}\n ]")
        else:
            members.append(f"{_compact(key)}: {_compact(value)}")
    return "{\n " + ",\n ".join(members) + "\n}\n"


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True)


def with_root_for(manifest: Manifest, root: Path, written_to: Path | None) -> Manifest:
    """``manifest`` with its root recorded relative to the directory of ``written_to``
    (the working directory when printed), so that the manifest and the dataset can move
    together and ``aisec data verify MANIFEST`` finds the data without ``--root``."""
    base = written_to.parent if written_to is not None else Path.cwd()
    try:
        spelled = os.path.relpath(os.path.abspath(root), os.path.abspath(base))
        resolved = os.path.relpath(os.path.realpath(root), os.path.realpath(base))
    except ValueError:  # another drive on Windows: only --root can say where it is
        return replace(manifest, root=None)
    # verify follows a root outside the manifest's directory only when told to: prefer
    # the spelling that stays inside (``link/`` and ``real/`` may name one directory).
    relative = resolved if _leaves(spelled) and not _leaves(resolved) else spelled
    return replace(manifest, root=Path(relative).as_posix())


def _leaves(relative: str) -> bool:
    return relative == os.pardir or relative.startswith(os.pardir + os.sep)
