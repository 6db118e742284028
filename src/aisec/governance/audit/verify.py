"""Verification of the audit log: every hash recomputed from the stored content, every
checkpoint's signature and root checked, every problem listed (not just the first).

What each problem means, for someone with write access to the database who changed it:

- ``edited``: an entry's content no longer hashes to its leaf hash.
- ``deleted``: a seq number is missing (between entries, or below a checkpoint's size).
- ``reordered``: an entry was recorded before its predecessor; seq and time disagree.
- ``root-mismatch``: the entries now give another root at a checkpoint's size than the one
  signed: something under the checkpoint was edited, deleted, moved or re-hashed.
- ``truncated``: a checkpoint covers more entries than the log holds.
- ``bad-signature``: a checkpoint's signature does not verify with the public key it names
  (forged or altered root).
- ``wrong-key``: a checkpoint names another key than the one verifying: not evidence of
  tampering by itself, but nothing it signs is verified.
- ``bad-rotation``: a key rotation entry that the key signing at that point did not sign
  (or that names an unreadable key): it is not followed (:mod:`.rotation`).
- ``retired-key``: a checkpoint signed by a key of the rotation chain outside its period
  (the outgoing key signing after the hand-over).
- ``unsigned``: entries after the last valid checkpoint. Someone who can recompute hashes
  can rewrite them (and delete every checkpoint to make the whole log such a tail), so they
  fail verification unless the caller accepts them (``allow_unsigned_tail``).
- ``expected-root`` / ``expected-size``: the log disagrees with a checkpoint the auditor
  kept outside the database (``expect_size``, ``expect_root``), or is shorter than it.

Problems are listed in full up to :data:`MAX_PROBLEMS`, then only counted, and a run of
missing seq numbers is one problem: a forged checkpoint covering two billion entries must
cost one line, not the verifier's memory.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aisec.governance.audit.merkle import Tree
from aisec.governance.audit.records import Checkpoint, Entry
from aisec.governance.audit.rotation import KeyChain, KeyPeriod, is_rotation

if TYPE_CHECKING:
    # cryptography is imported by whoever holds a key: the store, which imports this
    # module, does not pay for it on every open.
    from aisec.governance.audit.keys import VerifyKey


_EMPTY_ROOT = Tree().root().hex()  # the root at size 0, for expect_size=0


@dataclass(frozen=True)
class Problem:
    kind: str
    reason: str
    seq: int | None = None  # the entry concerned (the first of a range)
    tree_size: int | None = None  # the checkpoint concerned
    last_seq: int | None = None  # the last entry of a range of missing ones

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "last_seq": self.last_seq,
                "tree_size": self.tree_size, "reason": self.reason}  # fmt: skip

    def where(self) -> str:
        """``seq 3``, ``seq 3..9`` or ``checkpoint 100``: what the problem concerns."""
        if self.seq is not None and self.last_seq is not None and self.last_seq != self.seq:
            return f"seq {self.seq}..{self.last_seq}"
        if self.seq is not None:
            return f"seq {self.seq}"
        return f"checkpoint {self.tree_size}" if self.tree_size is not None else ""


MAX_PROBLEMS = 1000


class _Problems:
    """The problems found, kept up to ``limit`` and only counted beyond: what an attacker
    can make numerous (edited rows, forged checkpoints) must not exhaust memory."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.kept: list[Problem] = []
        self.more = 0
        self._limit = limit

    def append(self, problem: Problem) -> None:
        if len(self.kept) < self._limit:
            self.kept.append(problem)
        else:
            self.more += 1


@dataclass(frozen=True)
class VerifyReport:
    entries: int
    checkpoints: int
    root_hash: str  # of the log as it stands, from the recomputed leaves
    verified_size: int  # entries covered by the largest valid checkpoint
    unsigned_tail: int  # entries after it
    problems: tuple[Problem, ...]
    more_problems: int = 0  # found beyond MAX_PROBLEMS, counted but not listed
    key_id: str = ""  # of the public key verified with
    allow_unsigned_tail: bool = False
    # The keys followed from that one through signed rotations, with their periods.
    key_chain: tuple[KeyPeriod, ...] = ()

    @property
    def current_key_id(self) -> str:
        """The key that signs the log's next checkpoint: the last of the chain."""
        return self.key_chain[-1].key_id if self.key_chain else self.key_id

    @property
    def ok(self) -> bool:
        return not self.problems and not self.more_problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "checkpoints": self.checkpoints,
            "root_hash": self.root_hash,
            "verified_size": self.verified_size,
            "unsigned_tail": self.unsigned_tail,
            "allow_unsigned_tail": self.allow_unsigned_tail,
            "key_id": self.key_id,
            "key_chain": [p.to_dict() for p in self.key_chain],
            "problems": [p.to_dict() for p in self.problems],
            "more_problems": self.more_problems,
        }


def verify(
    entries: Iterable[Entry],
    checkpoints: Sequence[Checkpoint],
    key: VerifyKey,
    *,
    allow_unsigned_tail: bool = False,
    expect_size: int | None = None,
    expect_root: str | None = None,
) -> VerifyReport:
    """Check ``entries`` (in seq order, as stored) against ``checkpoints``, and against an
    auditor's own record of the root at ``expect_size`` when given. ``key`` is the trust
    anchor: checkpoints are accepted from it and from the keys it hands over to through
    signed rotations, each within its period (:mod:`.rotation`)."""
    if expect_root is not None and expect_size is None:
        raise ValueError("expect_root needs expect_size: a root is the root of a size")
    by_size: dict[int, list[Checkpoint]] = {}
    for checkpoint in checkpoints:
        by_size.setdefault(checkpoint.tree_size, []).append(checkpoint)
    problems = _Problems()
    valid_roots: dict[int, bool] = {}
    pending = deque(sorted(by_size))  # checkpoint sizes not yet reached, smallest first
    tree = Tree()
    chain = KeyChain(key)
    expected, last = 1, None
    root_at_expected = _EMPTY_ROOT if expect_size == 0 else None
    for entry in entries:
        # A checkpoint of size T is judged once every entry with seq <= T has been read:
        # over the entries present, so a deleted one changes its root.
        while pending and pending[0] < entry.seq:
            size = pending.popleft()
            valid_roots[size] = _check_roots(by_size[size], tree, problems)
        _gap(expected, entry.seq, problems)
        expected = max(expected, entry.seq + 1)
        computed = entry.computed_leaf()
        if computed.hex() != entry.leaf_hash:
            problems.append(Problem("edited", "content no longer matches its leaf hash", entry.seq))
        if last is not None and entry.recorded_at < last.recorded_at:
            reason = f"recorded before seq {last.seq}: the entries are out of order"
            problems.append(Problem("reordered", reason, entry.seq))
        if is_rotation(entry) and computed.hex() == entry.leaf_hash:
            _follow(chain, entry, tree, problems)
        tree.append(computed)
        if tree.size == expect_size:
            root_at_expected = tree.root().hex()
        last = entry
    _gap(expected, max(by_size, default=0) + 1, problems)  # deleted from the end
    for size in pending:
        if size < expected:  # the log still reaches this far
            valid_roots[size] = _check_roots(by_size[size], tree, problems)
            continue
        reason = f"the checkpoint covers {size} entries, the log ends at seq {expected - 1}"
        problems.append(Problem("truncated", reason, tree_size=size))
        valid_roots[size] = False
    signed = {c.tree_size for c in checkpoints if _signature_ok(c, chain, problems)}
    verified = max((s for s in signed if valid_roots.get(s)), default=0)
    unsigned = max(0, tree.size - verified)
    if unsigned and not allow_unsigned_tail:
        reason = (
            f"{unsigned} entries are not covered by a signed checkpoint: "
            "run `aisec audit checkpoint`"
        )
        problems.append(Problem("unsigned", reason, seq=verified + 1, last_seq=tree.size))
    if expect_size is not None:
        _check_expected(expect_size, expect_root, root_at_expected, tree.size, problems)
    listed = sorted(problems.kept, key=lambda p: (p.seq or p.tree_size or 0, p.kind))
    return VerifyReport(
        entries=tree.size,
        checkpoints=len(checkpoints),
        root_hash=tree.root().hex(),
        verified_size=verified,
        unsigned_tail=unsigned,
        problems=tuple(listed),
        more_problems=problems.more,
        key_id=key.key_id,
        allow_unsigned_tail=allow_unsigned_tail,
        key_chain=tuple(chain.periods),
    )


def _follow(chain: KeyChain, entry: Entry, tree: Tree, problems: _Problems) -> None:
    """Follow the rotation ``entry``, read after the entries in ``tree``."""
    refused = chain.rotate(entry, tree.root().hex())
    if refused is not None:
        reason = f"key rotation not followed: {refused}"
        problems.append(Problem("bad-rotation", reason, entry.seq))


def _check_expected(
    size: int, root: str | None, found: str | None, entries: int, problems: _Problems
) -> None:
    if found is None:
        reason = f"the log holds {entries} entries, fewer than the expected {size}"
        problems.append(Problem("expected-size", reason, tree_size=size))
    elif root is not None and found != root.strip().lower():
        reason = (
            f"the entries give root {found} at size {size}, not the expected {root}: "
            "the log was rewritten since that checkpoint"
        )
        problems.append(Problem("expected-root", reason, tree_size=size))


def _gap(expected: int, seq: int, problems: _Problems) -> None:
    # One problem per run of missing seq numbers, whatever its length.
    if seq > expected:
        reason = (
            "the entry is missing"
            if seq - expected == 1
            else f"{seq - expected} entries are missing"
        )
        last = seq - 1 if seq - expected > 1 else None
        problems.append(Problem("deleted", reason, expected, last_seq=last))


def root_mismatch(root: str, signed: str) -> str:
    """The problem text when a checkpoint signed another root than the entries give (the
    traffic log's verifier says it the same way)."""
    return (
        f"the entries give root {root[:16]}…, the checkpoint signed "
        f"{signed[:16]}…: entries under it were edited, deleted or moved"
    )


def _check_roots(checkpoints: list[Checkpoint], tree: Tree, problems: _Problems) -> bool:
    root = tree.root().hex()
    ok = True
    for checkpoint in checkpoints:
        if checkpoint.root_hash != root:
            reason = root_mismatch(root, checkpoint.root_hash)
            problems.append(Problem("root-mismatch", reason, tree_size=checkpoint.tree_size))
            ok = False
    return ok


def _signature_ok(checkpoint: Checkpoint, chain: KeyChain, problems: _Problems) -> bool:
    found = chain.judge(checkpoint)
    if found is None:
        return True
    kind, reason = found
    problems.append(Problem(kind, reason, tree_size=checkpoint.tree_size))
    return False
