"""MinHash signatures of texts and banded locality-sensitive hashing, in numpy.

Each text is cut into overlapping character shingles (5 bytes of its normalised UTF-8
by default); the share of signature positions two texts agree on estimates the Jaccard
similarity of their shingle sets (Broder 1997). The hash family is a fixed 64-bit mixer
(the splitmix64 finaliser) applied to the shingle hash xor one seed per position, which
keeps the whole computation in vectorised uint64 arithmetic.

Banding splits a signature into ``bands`` runs of ``perms / bands`` positions; texts
equal on a whole band become candidates. Members of one bucket are linked in a chain
(then checked), never pairwise, so a bucket of many identical texts costs linear time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

U64 = NDArray[np.uint64]
_MULT = np.uint64(0x100000001B3)
_EMPTY = np.iinfo(np.uint64).max


def _mix(x: U64) -> U64:
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def signatures(
    texts: Sequence[str | None],
    *,
    perms: int = 64,
    shingle: int = 5,
    max_chars: int = 2000,
    seed: int = 0,
) -> U64:
    """An (n, perms) signature matrix; a missing or empty text gets an all-max row."""
    encoded = [(t or "")[:max_chars].encode("utf-8") for t in texts]
    out = np.full((len(encoded), perms), _EMPTY, dtype=np.uint64)
    present = [i for i, b in enumerate(encoded) if b]
    if not present:
        return out
    # Short texts are padded to one whole shingle so that every text has at least one.
    docs = [encoded[i].ljust(shingle, b"\0") for i in present]
    lengths = np.array([len(d) for d in docs], dtype=np.int64)
    data = np.frombuffer(b"".join(docs), dtype=np.uint8).astype(np.uint64)
    doc_start = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    windows = lengths - shingle + 1
    starts = np.repeat(doc_start, windows) + _ranges(windows)
    h = np.zeros(len(starts), dtype=np.uint64)
    for j in range(shingle):
        h = h * _MULT + data[starts + j]
    first = np.concatenate([[0], np.cumsum(windows)[:-1]])
    seeds = np.random.default_rng(seed).integers(0, 2**63, size=perms, dtype=np.uint64)
    block = np.empty((len(present), perms), dtype=np.uint64)
    for p in range(perms):
        block[:, p] = np.minimum.reduceat(_mix(h ^ seeds[p]), first)
    out[present] = block
    return out


def _ranges(counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """Concatenated ``arange(c)`` for every count, without a Python loop."""
    total = int(counts.sum())
    ends = np.cumsum(counts)
    offsets = np.repeat(ends - counts, counts)
    return np.arange(total, dtype=np.int64) - offsets


def similarity(a: U64, b: U64) -> float:
    return float(np.mean(a == b))


def similar_pairs(sig: U64, *, bands: int = 16, threshold: float = 0.8) -> list[tuple[int, int]]:
    """Linked pairs (i < j) whose estimated Jaccard similarity reaches ``threshold``."""
    _n, perms = sig.shape
    if perms % bands:
        raise ValueError(f"perms ({perms}) must be a multiple of bands ({bands})")
    width = perms // bands
    usable = np.flatnonzero(sig[:, 0] != _EMPTY)
    seen: set[tuple[int, int]] = set()
    for b in range(bands):
        part = np.ascontiguousarray(sig[usable, b * width : (b + 1) * width])
        keys = part.view(np.dtype((np.void, width * 8))).ravel()
        order = np.argsort(keys, kind="stable")
        same = keys[order[1:]] == keys[order[:-1]]
        for k in np.flatnonzero(same):
            i, j = int(usable[order[k]]), int(usable[order[k + 1]])
            seen.add((min(i, j), max(i, j)))
    return sorted((i, j) for i, j in seen if similarity(sig[i], sig[j]) >= threshold)
