"""Verification of a traffic log stream: every leaf recomputed, every checkpoint's signature
and root checked, problems listed as the governance verifier lists them (its
:class:`~aisec.governance.audit.verify.Problem` kinds: ``edited``, ``deleted``,
``reordered``, ``root-mismatch``, ``truncated``, ``bad-signature``, ``wrong-key``,
``unsigned``), plus ``bad-frontier``: a checkpoint whose stored frontier does not hash to
the root it signs.

Entries are read in batches (millions of rows, bounded memory). A pruned stream starts at
the checkpoint whose size is the prune point: its frontier, once it is shown to hash to the
signed root, stands for every entry before it, and the later entries are appended to it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aisec.governance.audit.merkle import Tree
from aisec.governance.audit.verify import MAX_PROBLEMS, Problem, root_mismatch
from aisec.runtime.audit.records import TrafficCheckpoint

if TYPE_CHECKING:
    from aisec.governance.audit.keys import VerifyKey
    from aisec.store.sql_gateway_log import SqlGatewayLog


@dataclass(frozen=True)
class StreamReport:
    stream: str
    entries: int  # stored (after pruning, fewer than the tree's size)
    first_seq: int  # the first stored; 1 unless pruned
    tree_size: int
    checkpoints: int
    root_hash: str
    verified_size: int  # covered by the largest valid checkpoint
    unsigned_tail: int
    problems: tuple[Problem, ...]
    more_problems: int = 0
    key_id: str = ""
    allow_unsigned_tail: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.more_problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "stream": self.stream, "entries": self.entries,
            "first_seq": self.first_seq, "tree_size": self.tree_size,
            "checkpoints": self.checkpoints, "root_hash": self.root_hash,
            "verified_size": self.verified_size, "unsigned_tail": self.unsigned_tail,
            "allow_unsigned_tail": self.allow_unsigned_tail, "key_id": self.key_id,
            "problems": [p.to_dict() for p in self.problems],
            "more_problems": self.more_problems,
        }  # fmt: skip


class _Problems:
    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.more = 0

    def add(self, kind: str, reason: str, **where: int | None) -> None:
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(Problem(kind, reason, **where))
        else:
            self.more += 1


def verify_stream(
    sessions: Any, stream: str, public_key: VerifyKey, *, allow_unsigned_tail: bool = False
) -> StreamReport:
    """Verify ``stream`` in the store behind ``sessions`` (Sessions, Engine or Store)."""
    from aisec.store.sql_gateway_log import SqlGatewayLog

    log: SqlGatewayLog = SqlGatewayLog(sessions)
    first = log.last_position(stream).first_seq
    checkpoints = log.checkpoints(stream)
    if not first:
        # Every entry pruned: the log goes on from its newest checkpoint. (Pruning and
        # deleting old entries up to a checkpoint look alike; StreamReport.first_seq shows
        # how far back the log reaches, to hold against the retention period.)
        first = max((c.tree_size for c in checkpoints), default=0) + 1
    return verify_entries(
        stream,
        log.iter_entries(stream),
        checkpoints,
        public_key,
        first_seq=first,
        allow_unsigned_tail=allow_unsigned_tail,
    )


def verify_entries(
    stream: str,
    entries: Iterable[Any],
    checkpoints: list[TrafficCheckpoint],
    key: VerifyKey,
    *,
    first_seq: int = 1,
    allow_unsigned_tail: bool = False,
) -> StreamReport:
    problems = _Problems()
    frontier_ok = {c.id: _frontier_ok(c, problems) for c in checkpoints}
    tree = _anchor(first_seq - 1, checkpoints, frontier_ok, problems)
    by_size: dict[int, list[TrafficCheckpoint]] = {}
    for checkpoint in checkpoints:
        by_size.setdefault(checkpoint.tree_size, []).append(checkpoint)
    valid_roots: dict[int, bool] = {first_seq - 1: tree is not None} if first_seq > 1 else {}
    pending = deque(size for size in sorted(by_size) if size >= first_seq)
    tree = tree if tree is not None else Tree()
    expected, last_at, count = first_seq, None, 0
    for entry in entries:
        while pending and pending[0] < entry.seq:
            size = pending.popleft()
            valid_roots[size] = _roots_match(by_size[size], tree, problems)
        if entry.seq > expected:
            _gap(expected, entry.seq, problems)
        expected = max(expected, entry.seq + 1)
        computed = entry.computed_leaf()
        if computed.hex() != entry.leaf_hash:
            problems.add("edited", "content no longer matches its leaf hash", seq=entry.seq)
        if last_at is not None and entry.recorded_at < last_at:
            problems.add("reordered", "recorded before its predecessor", seq=entry.seq)
        last_at = entry.recorded_at
        tree.append(computed)
        count += 1
    top = max(by_size, default=0)
    if top >= expected:
        _gap(expected, top + 1, problems)
    for size in pending:
        if size < expected:
            valid_roots[size] = _roots_match(by_size[size], tree, problems)
        else:
            reason = f"the checkpoint covers {size} entries, the log ends at seq {expected - 1}"
            problems.add("truncated", reason, tree_size=size)
            valid_roots[size] = False
    signed = {c.tree_size for c in checkpoints if _signature_ok(c, stream, key, problems)}
    verified = max((s for s in signed if valid_roots.get(s)), default=0)
    size = max(expected - 1, first_seq - 1)
    unsigned = max(0, size - verified)
    if unsigned and not allow_unsigned_tail:
        reason = f"{unsigned} entries are not covered by a signed checkpoint"
        problems.add("unsigned", reason, seq=verified + 1, last_seq=size)
    listed = sorted(problems.kept, key=lambda p: (p.seq or p.tree_size or 0, p.kind))
    return StreamReport(
        stream=stream, entries=count, first_seq=first_seq, tree_size=tree.size,
        checkpoints=len(checkpoints), root_hash=tree.root().hex(), verified_size=verified,
        unsigned_tail=unsigned, problems=tuple(listed), more_problems=problems.more,
        key_id=key.key_id, allow_unsigned_tail=allow_unsigned_tail,
    )  # fmt: skip


def _anchor(
    pruned: int,
    checkpoints: list[TrafficCheckpoint],
    frontier_ok: dict[str, bool],
    problems: _Problems,
) -> Tree | None:
    """The tree the stored entries continue: empty for an unpruned stream, else the
    frontier of a checkpoint at exactly the prune point."""
    if pruned <= 0:
        return Tree()
    for checkpoint in checkpoints:
        if checkpoint.tree_size == pruned and frontier_ok[checkpoint.id]:
            return _tree(checkpoint)
    reason = (
        f"entries 1..{pruned} are gone and no checkpoint at {pruned} keeps their frontier: "
        "they were deleted, not pruned"
    )
    problems.add("deleted", reason, seq=1, last_seq=pruned)
    return None


def _tree(checkpoint: TrafficCheckpoint) -> Tree:
    return Tree.from_frontier(checkpoint.tree_size, [bytes.fromhex(p) for p in checkpoint.frontier])


def _frontier_ok(checkpoint: TrafficCheckpoint, problems: _Problems) -> bool:
    try:
        ok = _tree(checkpoint).root().hex() == checkpoint.root_hash
    except ValueError:
        ok = False
    if not ok:
        reason = "the stored frontier does not hash to the signed root"
        problems.add("bad-frontier", reason, tree_size=checkpoint.tree_size)
    return ok


def _roots_match(checkpoints: list[TrafficCheckpoint], tree: Tree, problems: _Problems) -> bool:
    root = tree.root().hex()
    ok = True
    for checkpoint in checkpoints:
        if checkpoint.root_hash != root:
            reason = root_mismatch(root, checkpoint.root_hash)
            problems.add("root-mismatch", reason, tree_size=checkpoint.tree_size)
            ok = False
    return ok


def _gap(expected: int, seq: int, problems: _Problems) -> None:
    missing = seq - expected
    reason = "the entry is missing" if missing == 1 else f"{missing} entries are missing"
    problems.add("deleted", reason, seq=expected, last_seq=seq - 1 if missing > 1 else None)


def _signature_ok(
    checkpoint: TrafficCheckpoint, stream: str, key: VerifyKey, problems: _Problems
) -> bool:
    if checkpoint.stream != stream:
        return False
    if checkpoint.key_id != key.key_id:
        reason = f"wrong key (signed by key id {checkpoint.key_id}, verifying with {key.key_id})"
        problems.add("wrong-key", reason, tree_size=checkpoint.tree_size)
        return False
    if not key.verifies(checkpoint.message(), checkpoint.signature):
        problems.add("bad-signature", "the signature does not verify",
                     tree_size=checkpoint.tree_size)  # fmt: skip
        return False
    return True
