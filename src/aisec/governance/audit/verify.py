"""Verification of the audit log: every hash recomputed from the stored content, every
checkpoint's signature and root checked, every problem listed (not just the first).

What each problem means, for someone with write access to the database who changed it:

- ``edited``: an entry's content no longer hashes to its leaf hash.
- ``deleted``: a seq number is missing (between entries, or below a checkpoint's size).
- ``reordered``: an entry was recorded before its predecessor; seq and time disagree.
- ``root-mismatch``: the entries now give another root at a checkpoint's size than the one
  signed: something under the checkpoint was edited, deleted, moved or re-hashed.
- ``truncated``: a checkpoint covers more entries than the log holds.
- ``bad-signature``: a checkpoint's signature does not verify with the public key (forged
  root, or signed by another key).

Entries after the last valid checkpoint are reported as the unsigned tail: not an error,
but only checkpoints make a change detectable by someone who can also recompute hashes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aisec.governance.audit.merkle import Tree
from aisec.governance.audit.records import Checkpoint, Entry

if TYPE_CHECKING:
    # cryptography is imported by whoever holds a key: the store, which imports this
    # module, does not pay for it on every open.
    from aisec.governance.audit.keys import VerifyKey


@dataclass(frozen=True)
class Problem:
    kind: str
    reason: str
    seq: int | None = None  # the entry concerned
    tree_size: int | None = None  # the checkpoint concerned

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "tree_size": self.tree_size,
                "reason": self.reason}  # fmt: skip


@dataclass(frozen=True)
class VerifyReport:
    entries: int
    checkpoints: int
    root_hash: str  # of the log as it stands, from the recomputed leaves
    verified_size: int  # entries covered by the largest valid checkpoint
    unsigned_tail: int  # entries after it
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "checkpoints": self.checkpoints,
            "root_hash": self.root_hash,
            "verified_size": self.verified_size,
            "unsigned_tail": self.unsigned_tail,
            "problems": [p.to_dict() for p in self.problems],
        }


def verify(
    entries: Iterable[Entry], checkpoints: Sequence[Checkpoint], key: VerifyKey
) -> VerifyReport:
    """Check ``entries`` (in seq order, as stored) against ``checkpoints``."""
    by_size: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        by_size.setdefault(checkpoint.tree_size, []).append(checkpoint)
    problems: list[Problem] = []
    valid_roots: dict[int, bool] = {}
    pending = sorted(by_size)  # checkpoint sizes not yet reached, smallest first
    tree = Tree()
    expected, last = 1, None
    for entry in entries:
        # A checkpoint of size T is judged once every entry with seq <= T has been read:
        # over the entries present, so a deleted one changes its root.
        while pending and pending[0] < entry.seq:
            size = pending.pop(0)
            valid_roots[size] = _check_roots(by_size[size], tree, problems)
        problems.extend(_gap(expected, entry.seq))
        expected = max(expected, entry.seq + 1)
        computed = entry.computed_leaf()
        if computed.hex() != entry.leaf_hash:
            problems.append(Problem("edited", "content no longer matches its leaf hash", entry.seq))
        if last is not None and entry.recorded_at < last.recorded_at:
            reason = f"recorded before seq {last.seq}: the entries are out of order"
            problems.append(Problem("reordered", reason, entry.seq))
        tree.append(computed)
        last = entry
    problems.extend(_gap(expected, max(by_size, default=0) + 1))  # deleted from the end
    for size in pending:
        if size < expected:  # the log still reaches this far
            valid_roots[size] = _check_roots(by_size[size], tree, problems)
            continue
        reason = f"the checkpoint covers {size} entries, the log ends at seq {expected - 1}"
        problems.append(Problem("truncated", reason, tree_size=size))
        valid_roots[size] = False
    signed = {c.tree_size for c in checkpoints if _signature_ok(c, key, problems)}
    verified = max((s for s in signed if valid_roots.get(s)), default=0)
    problems.sort(key=lambda p: (p.seq or p.tree_size or 0, p.kind))
    return VerifyReport(
        entries=tree.size,
        checkpoints=len(checkpoints),
        root_hash=tree.root().hex(),
        verified_size=verified,
        unsigned_tail=max(0, tree.size - verified),
        problems=tuple(problems),
    )


def _gap(expected: int, seq: int) -> list[Problem]:
    return [Problem("deleted", "the entry is missing", missing) for missing in range(expected, seq)]


def _check_roots(checkpoints: list[Checkpoint], tree: Tree, problems: list[Problem]) -> bool:
    root = tree.root().hex()
    ok = True
    for checkpoint in checkpoints:
        if checkpoint.root_hash != root:
            reason = (
                f"the entries give root {root[:16]}…, the checkpoint signed "
                f"{checkpoint.root_hash[:16]}…: entries under it were edited, deleted or moved"
            )
            problems.append(Problem("root-mismatch", reason, tree_size=checkpoint.tree_size))
            ok = False
    return ok


def _signature_ok(checkpoint: Checkpoint, key: VerifyKey, problems: list[Problem]) -> bool:
    # The key id is not signed: only the signature decides, the id only explains a failure.
    if key.verifies(checkpoint.message(), checkpoint.signature):
        return True
    if checkpoint.key_id != key.key_id:
        reason = f"signed by another key ({checkpoint.key_id[:16]}…), not {key.key_id[:16]}…"
    else:
        reason = "the signature does not verify: the checkpoint was altered or forged"
    problems.append(Problem("bad-signature", reason, tree_size=checkpoint.tree_size))
    return False
