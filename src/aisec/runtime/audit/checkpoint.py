"""The traffic log's signed checkpoints (docs/adr/0023).

The signed text has its own header, distinct from the governance log's, and names the
stream: a signature made for the governance log, or for another gateway's stream, never
verifies here. The frontier (hex peaks, largest first) is stored beside the root so that
the entries before a checkpoint can be pruned and the later roots still computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aisec.governance.audit.records import timestamp
from aisec.runtime.audit.canonical import parse_timestamp, typed

CHECKPOINT_HEADER = "aisec gateway checkpoint v1"


@dataclass(frozen=True, slots=True)
class TrafficCheckpoint:
    """A signed statement that a stream's first ``tree_size`` entries have ``root_hash``;
    ``frontier`` (hex peaks, largest first) lets later roots be computed once the entries
    before it are pruned."""

    id: str
    stream: str
    tree_size: int
    root_hash: str
    frontier: list[str]
    created_at: datetime
    signature: str
    key_id: str

    def message(self) -> bytes:
        return checkpoint_message(self.stream, self.tree_size, self.root_hash, self.created_at)

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "stream": self.stream,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "frontier": list(self.frontier),
            "created_at": self.created_at,
            "signature": self.signature,
            "key_id": self.key_id,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.row(), "created_at": timestamp(self.created_at)}

    @classmethod
    def from_json(cls, data: Any) -> TrafficCheckpoint:
        if not isinstance(data, dict):
            raise ValueError("not a checkpoint")
        frontier = typed(data, "frontier", list)
        if not all(isinstance(peak, str) for peak in frontier):
            raise ValueError("frontier is not a list of hex hashes")
        return cls(
            id=typed(data, "id", str),
            stream=typed(data, "stream", str),
            tree_size=typed(data, "tree_size", int),
            root_hash=typed(data, "root_hash", str),
            frontier=frontier,
            created_at=parse_timestamp(typed(data, "created_at", str)),
            signature=typed(data, "signature", str),
            key_id=typed(data, "key_id", str),
        )


def checkpoint_message(stream: str, tree_size: int, root_hex: str, created_at: datetime) -> bytes:
    """The signed text: its header differs from the governance log's, and it names the
    stream, so a signature never verifies for another log or another gateway's stream."""
    return (
        f"{CHECKPOINT_HEADER}\n{stream}\n{tree_size}\n{root_hex}\n{timestamp(created_at)}"
    ).encode()
