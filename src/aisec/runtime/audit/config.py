"""The writer's options and counters, and how it signs a checkpoint."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from aisec.runtime.audit.checkpoint import TrafficCheckpoint

if TYPE_CHECKING:
    from aisec.governance.audit.keys import SigningKey
    from aisec.governance.audit.merkle import Tree


@dataclass
class WriterConfig:
    """TrafficLog's options, as the thread reads them."""

    stream: str
    key: SigningKey | None
    checkpoint_every: int
    checkpoint_seconds: float
    batch_max: int
    flush_seconds: float
    spool_max_bytes: int
    retry_min: float
    retry_max: float


@dataclass
class Counters:
    written: int = 0  # inserted directly
    spooled: int = 0  # kept in the spool (durable, waiting for the database)
    replayed: int = 0  # inserted from the spool
    skipped: int = 0  # found in the database already during a replay
    lost: int = 0  # neither database nor spool would take them (disk full)
    checkpoints: int = 0
    spool_problems: list[str] = field(default_factory=list)


def sign_checkpoint(key: SigningKey, stream: str, tree: Tree) -> TrafficCheckpoint:
    """A checkpoint of ``tree`` as it stands, with its frontier, signed by ``key``. Its id
    is made here, so a checkpoint replayed from the spool is recognised, not stored twice."""
    unsigned = TrafficCheckpoint(
        id=str(uuid.uuid4()),
        stream=stream,
        tree_size=tree.size,
        root_hash=tree.root().hex(),
        frontier=[peak.hex() for _, peak in tree.frontier()],
        created_at=datetime.now(UTC),
        signature="",
        key_id=key.key_id,
    )
    return replace(unsigned, signature=key.sign(unsigned.message()))
