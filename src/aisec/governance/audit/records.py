"""The audit log's records and their canonical encodings, shared by the store (which
writes them) and the verifier (which recomputes every hash from the stored content).

An entry's leaf is the SHA-256 of ``0x00 || canonical JSON`` of every field but the hash
itself, seq included: an entry moved to another position no longer matches its hash. The
canonical JSON has sorted keys, no spaces, UTF-8 and timestamps written one way only,
so the same content hashes the same whichever database returned it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aisec.governance.audit.merkle import leaf_hash

ENCODING_VERSION = 1
CHECKPOINT_HEADER = "aisec audit checkpoint v1"
ROTATION_HEADER = "aisec audit key rotation v1"
# The entry that hands signing over to a new key (docs/adr/0018, key rotation).
ROTATION_ACTION = "audit.key-rotated"
ROTATION_KIND = "audit-key"


def canonical_json(value: Any) -> bytes:
    # The store writes plain JSON only (no NaN, no lone surrogates); surrogatepass is for
    # what an attacker may have put in a column: it must hash (differently), not crash.
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8", "surrogatepass")


def digest(value: Any) -> str:
    """The SHA-256 of ``value``'s canonical JSON: how an entry refers to bulky content
    (an assessment's answers) without copying it."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def timestamp(moment: datetime) -> str:
    """One text per instant: UTC, microseconds always written (databases keep them)."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()} has no single UTC reading")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Entry:
    """One governance change: who did what to which object, and what changed."""

    seq: int
    recorded_at: datetime
    actor: str
    action: str  # "assessment.recorded"
    object_kind: str  # "assessment"
    object_id: str
    payload: dict[str, Any] = field(default_factory=dict)
    leaf_hash: str = ""  # hex, as stored; verification recomputes it from the rest

    def content_columns(self) -> dict[str, Any]:
        """Every field but the leaf hash, as the store's columns hold them."""
        return {
            "seq": self.seq,
            "recorded_at": self.recorded_at,
            "actor": self.actor,
            "action": self.action,
            "object_kind": self.object_kind,
            "object_id": self.object_id,
            "payload": self.payload,
        }

    def content(self) -> dict[str, Any]:
        """What the leaf hash is computed over (the encoding's version included)."""
        columns = self.content_columns()
        return {"v": ENCODING_VERSION, **columns, "recorded_at": timestamp(self.recorded_at)}

    def computed_leaf(self) -> bytes:
        return leaf_hash(canonical_json(self.content()))

    def to_dict(self) -> dict[str, Any]:
        return {**self.content(), "leaf_hash": self.leaf_hash}


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that the first ``tree_size`` entries have the root ``root_hash``."""

    tree_size: int
    root_hash: str  # hex
    created_at: datetime
    signature: str  # hex Ed25519 signature over checkpoint_message(...)
    key_id: str  # SHA-256 of the signer's public key (DER), hex

    def message(self) -> bytes:
        return checkpoint_message(self.tree_size, self.root_hash, self.created_at)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "created_at": timestamp(self.created_at),
            "signature": self.signature,
            "key_id": self.key_id,
        }


def checkpoint_message(tree_size: int, root_hex: str, created_at: datetime) -> bytes:
    """The signed text; the header names the format so a signature made for anything else
    (another version, another product) never verifies as a checkpoint."""
    return f"{CHECKPOINT_HEADER}\n{tree_size}\n{root_hex}\n{timestamp(created_at)}".encode()


def rotation_message(seq: int, previous_root: str, from_key_id: str, to_key_id: str) -> bytes:
    """What the outgoing key signs to name its successor: bound to the entry's position and
    to the root of every entry before it, so that a rotation statement copied elsewhere (in
    this log or another) does not verify."""
    return f"{ROTATION_HEADER}\n{seq}\n{previous_root}\n{from_key_id}\n{to_key_id}".encode()
