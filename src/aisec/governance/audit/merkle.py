"""The RFC 6962 (Certificate Transparency) Merkle tree hash over the audit log's leaves.

Leaves and interior nodes are hashed with different one-byte prefixes (0x00, 0x01) so that
no leaf can be passed off as an interior node (the second-preimage attack on plain Merkle
trees). A tree of n leaves splits at the largest power of two below n, so the root of any
prefix of the log is well defined and consistency and inclusion proofs can be added later
without changing a single stored hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}) = SHA-256 of the empty string


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of already hashed leaves, by the RFC's recursive definition (the reference
    the incremental :class:`Tree` is tested against)."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = 1 << ((n - 1).bit_length() - 1)  # the largest power of two smaller than n
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


class Tree:
    """A tree grown one leaf at a time, keeping only the roots of its perfect subtrees
    (at most log2(n) of them), so that verifying a log computes the root of every
    checkpointed prefix in one pass instead of once per checkpoint."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.size = 0
        self._peaks: list[tuple[int, bytes]] = []  # (subtree size, subtree root), left first
        for leaf in leaves:
            self.append(leaf)

    def append(self, leaf: bytes) -> None:
        size, node = 1, leaf
        # Two perfect subtrees of one size side by side are the halves of the next one up.
        while self._peaks and self._peaks[-1][0] == size:
            _, left = self._peaks.pop()
            size, node = size * 2, node_hash(left, node)
        self._peaks.append((size, node))
        self.size += 1

    def root(self) -> bytes:
        """The RFC 6962 root: the peaks folded from the right, which is exactly the split at
        the largest power of two applied at every level."""
        if not self._peaks:
            return EMPTY_ROOT
        node = self._peaks[-1][1]
        for _, left in reversed(self._peaks[:-1]):
            node = node_hash(left, node)
        return node
