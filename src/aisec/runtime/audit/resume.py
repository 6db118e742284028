"""Where a restarted writer picks a stream up: its tree and its last instant.

The tree comes from the newest checkpoint's frontier plus the entries after it (at most
about ``checkpoint_every``, since close() signs a last checkpoint), so a restart costs
the same for a thousand entries as for a hundred million. A frontier that does not give
its signed root, or a missing seq after it, stops the start: appending to a log that
does not verify would make the next checkpoint vouch for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from aisec.core.errors import StoreError
from aisec.governance.audit.merkle import Tree
from aisec.runtime.audit.canonical import from_micros

if TYPE_CHECKING:
    from aisec.store.sql_gateway_log import SqlGatewayLog


def resume(db: SqlGatewayLog, stream: str) -> tuple[Tree, int, int]:
    """The tree as stored: the newest checkpoint's frontier, plus the entries after it
    (at most checkpoint_every-ish, so a restart is cheap however long the log)."""
    checkpoint = db.newest_checkpoint(stream)
    tree, signed = Tree(), 0
    if checkpoint is not None:
        try:
            peaks = [bytes.fromhex(peak) for peak in checkpoint.frontier]
            tree = Tree.from_frontier(checkpoint.tree_size, peaks)
        except ValueError:
            tree = Tree()
        if tree.size != checkpoint.tree_size or tree.root().hex() != checkpoint.root_hash:
            raise StoreError(
                f"the traffic log {stream!r}: checkpoint {checkpoint.tree_size}'s "
                "frontier does not give its root; not appending to a log that does not "
                "verify",
                hint="run `aisec gateway log verify`",
            )
        signed = checkpoint.tree_size
    last_at = None
    for entry in db.iter_entries(stream, after_seq=tree.size):
        if entry.seq != tree.size + 1:
            raise StoreError(
                f"the traffic log {stream!r} misses seq {tree.size + 1}: not "
                "appending to a log that does not verify",
                hint="run `aisec gateway log verify`",
            )
        tree.append(bytes.fromhex(entry.leaf_hash))
        last_at = entry.recorded_at
    if last_at is None:
        last_at = db.last_position(stream).last_recorded_at
    last_us = 0 if last_at is None else micros(last_at)
    return tree, signed, last_us


def micros(moment: datetime) -> int:
    delta = moment - from_micros(0)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
