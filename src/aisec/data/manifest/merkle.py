"""One digest for a whole dataset: a Merkle tree over the sorted entries.

The tree is the one of RFC 6962 (Certificate Transparency): leaves are
``SHA-256(0x00 || entry)``, inner nodes ``SHA-256(0x01 || left || right)``, and an
unpaired node moves up a level unchanged; the root of no entries is ``SHA-256("")``.
The prefixes keep a leaf from passing for a node. Each entry is encoded as
length-prefixed fields (kind, path bytes, size, digest, executable bit, link target), so
that no two different entries encode alike. Chunk digests are not leaves: they follow
from the file's content, which the file digest already covers; a signature covers them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from aisec.data.manifest.model import Entry


def entry_leaf(entry: Entry) -> bytes:
    fields = (
        entry.kind.encode("ascii"),
        entry.path,
        str(entry.size).encode("ascii"),
        bytes.fromhex(entry.sha256) if entry.sha256 else b"",
        b"x" if entry.executable else b"",
        entry.target if entry.target is not None else b"",
    )
    encoded = b"".join(len(part).to_bytes(8, "big") + part for part in fields)
    return hashlib.sha256(b"\x00" + encoded).digest()


def root_hash(entries: Iterable[Entry]) -> str:
    """Hex root over ``entries`` in path order (the order is part of the digest)."""
    level = [entry_leaf(e) for e in sorted(entries, key=lambda e: e.path)]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        paired = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()
