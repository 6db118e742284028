"""A per-client share of flagged rows tested against the reference rate, at O(1) per row.

``binomtest(k, n, p0, alternative="greater")`` is exactly ``binom.sf(k - 1, n, p0)``; the
window is small, so every (n, k) p-value is tabulated once and a request costs a lookup
instead of a scipy call on the hot path.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy import stats as sps  # type: ignore[import-untyped,unused-ignore]

LN10 = math.log(10.0)
MAX_SCORE = 300.0  # -log10 of the smallest p-value reported; beyond is noise


class RateWindow:
    """The last ``window`` flags of one client (a ring of bytes, plain Python: one request
    is one or a few rows, where numpy's per-call overhead would dominate)."""

    __slots__ = ("count", "flagged", "flags", "pos", "rows", "total")

    def __init__(self, window: int) -> None:
        self.flags = bytearray(window)
        self.pos = 0
        self.count = 0  # flags filled, at most window
        self.flagged = 0  # flagged among the last count
        self.rows = 0  # rows seen over the client's lifetime (query volume)
        self.total = 0  # flagged rows over the lifetime

    def push(self, flags: Iterable[bool]) -> None:
        ring, w = self.flags, len(self.flags)
        pos, flagged, added, hits = self.pos, self.flagged, 0, 0
        for flag in flags:
            bit = 1 if flag else 0
            flagged += bit - ring[pos]
            ring[pos] = bit
            pos = pos + 1 if pos + 1 < w else 0
            added += 1
            hits += bit
        self.pos, self.flagged = pos, flagged
        self.count = min(w, self.count + added)
        self.rows += added
        self.total += hits


class BinomialTable:
    """-log10 P(X >= k) for X ~ Binomial(n, p0), for every n <= window and k <= n."""

    def __init__(self, p0: float, window: int) -> None:
        self.p0 = min(max(p0, 1e-12), 1.0 - 1e-12)
        n = np.arange(window + 1)[:, None]
        k = np.arange(window + 1)[None, :]
        logsf = sps.binom.logsf(k - 1, n, self.p0)  # ln P(X >= k)
        scores = np.where(k <= n, -logsf / LN10, np.inf)
        clipped = np.clip(np.nan_to_num(scores, nan=0.0, posinf=MAX_SCORE), 0.0, MAX_SCORE)
        self._scores: list[list[float]] = clipped.tolist()

    def score(self, k: int, n: int) -> float:
        return self._scores[n][k]
