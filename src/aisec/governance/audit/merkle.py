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

    def frontier(self) -> list[tuple[int, bytes]]:
        """The peaks, (subtree size, subtree root), largest (leftmost) first: everything
        needed to go on appending, so a log whose early leaves are pruned can still compute
        every later root from a checkpoint that kept them."""
        return list(self._peaks)

    @classmethod
    def from_frontier(cls, size: int, peaks: Sequence[bytes]) -> Tree:
        """The tree of ``size`` leaves whose peaks are ``peaks`` (largest first). The peak
        sizes are the set bits of ``size``, so only the hashes are needed; ValueError when
        their number does not match (a frontier stored for another size)."""
        if size < 0:
            raise ValueError(f"a tree cannot have {size} leaves")
        sizes = [1 << bit for bit in range(size.bit_length() - 1, -1, -1) if size >> bit & 1]
        if len(sizes) != len(peaks) or any(len(peak) != 32 for peak in peaks):
            raise ValueError(f"a tree of {size} leaves has {len(sizes)} peaks of 32 bytes")
        tree = cls()
        tree.size = size
        tree._peaks = list(zip(sizes, (bytes(peak) for peak in peaks), strict=True))
        return tree
