"""Retention of the traffic log: entries older than the retention period are deleted, but
only up to a checkpoint, so that what remains still verifies.

The cut is the largest checkpointed tree size whose entries are all older than the cut-off.
That checkpoint is kept (every checkpoint is), and its frontier, shown to hash to its
signed root, stands for the deleted entries: the verifier starts from it
(:mod:`.verify`). Entries newer than the cut-off but below no checkpoint stay until a
later checkpoint covers them, so retention keeps slightly more than asked, never less.

The EU AI Act (Art. 19 and 26(6)) asks providers and deployers of high-risk systems to keep
logs for at least six months: anything shorter than :data:`MIN_RETENTION_DAYS` is refused
unless the caller says ``allow_short=True`` (a system outside that scope, a test).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from aisec.core.errors import ConfigError
from aisec.governance.audit.merkle import Tree

if TYPE_CHECKING:
    from aisec.runtime.audit.records import TrafficCheckpoint

MIN_RETENTION_DAYS = 183
DEFAULT_RETENTION = timedelta(days=MIN_RETENTION_DAYS)


def prune(
    sessions: Any,
    stream: str,
    older_than: datetime,
    *,
    allow_short: bool = False,
    now: datetime | None = None,
) -> int:
    """Delete ``stream``'s entries recorded before ``older_than``, up to the largest
    checkpoint that covers only such entries; returns how many were deleted."""
    from aisec.store.sql_gateway_log import SqlGatewayLog

    if older_than.tzinfo is None:
        raise ConfigError(f"naive datetime {older_than.isoformat()} has no single UTC reading")
    kept = (now or datetime.now(UTC)) - older_than
    if kept < DEFAULT_RETENTION and not allow_short:
        raise ConfigError(
            f"refusing to prune the traffic log to {kept.days} days: logs of high-risk AI "
            f"systems are kept at least six months (EU AI Act Art. 19, 26(6))",
            hint=f"keep at least {MIN_RETENTION_DAYS} days, or pass allow_short=True",
        )
    log = SqlGatewayLog(sessions)
    newer = log.first_seq_since(stream, older_than)
    limit = log.last_position(stream).last_seq if newer is None else newer - 1
    cut = _cut(log.checkpoints(stream), limit)
    # One transaction: a crash leaves nothing deleted rather than a prefix that ends at
    # no checkpoint (which would verify as deleted, not pruned).
    return log.delete_through(stream, cut) if cut else 0


def _cut(checkpoints: list[TrafficCheckpoint], limit: int) -> int:
    """The largest checkpoint size <= ``limit`` whose frontier gives its root (one that
    does not could not stand for the deleted entries)."""
    for checkpoint in sorted(checkpoints, key=lambda c: c.tree_size, reverse=True):
        if checkpoint.tree_size > limit:
            continue
        try:
            peaks = [bytes.fromhex(p) for p in checkpoint.frontier]
            tree = Tree.from_frontier(checkpoint.tree_size, peaks)
        except ValueError:
            continue
        if tree.root().hex() == checkpoint.root_hash:
            return checkpoint.tree_size
    return 0
