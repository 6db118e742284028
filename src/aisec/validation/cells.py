"""A detector's scores reduced to what every rank metric needs, so that a bootstrap costs
the number of positives, not the number of rows (docs/adr/0024).

Every operating-point metric (detection rate at a false-positive rate, precision at an
alert budget, ROC AUC, average precision) depends on the negatives only through how many
fall between consecutive positive scores. So the negatives are kept as counts in cells:
above the highest cut, tied at each cut, and between each cut and the next. Cuts are the
distinct positive scores plus any threshold a report asks about. A stratified bootstrap
(positives and negatives resampled separately, as detectors are evaluated) then draws a
multinomial over those cells instead of a million row indices, and is *exact*: the same
distribution as resampling rows, at a cost independent of the number of negatives.

Thresholds flag a score ``>= cut`` (scikit-learn's convention).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
CHUNK_ELEMENTS = 4_000_000  # resamples x cells per chunk: about 100 MB of int64 per chunk


@dataclass(frozen=True)
class Cells:
    values: FloatArray  # the cuts, descending
    pos: IntArray  # positives scored exactly at each cut
    tied: IntArray  # negatives scored exactly at each cut
    above: IntArray  # negatives strictly between the previous cut (or +inf) and this one
    below: int  # negatives under the last cut
    n_pos: int
    n_neg: int

    @property
    def size(self) -> int:
        return int(self.values.size)

    def index_of(self, cut: float) -> int:
        """Where a cut passed to :func:`build` sits (``values`` is descending)."""
        found = np.flatnonzero(self.values == cut)
        if found.size == 0:
            raise KeyError(f"{cut!r} is not a cut of these cells")
        return int(found[0])

    def point(self) -> Sample:
        """The data itself, as a one-row sample."""
        return Sample(self.pos[None, :], self.above[None, :], self.tied[None, :])


@dataclass(frozen=True)
class Sample:
    """Counts per cut for one or more resamples (rows)."""

    pos: IntArray  # (rows, cuts)
    above: IntArray  # (rows, cuts)
    tied: IntArray  # (rows, cuts)

    @property
    def rows(self) -> int:
        return int(self.pos.shape[0])

    def true_positives(self) -> IntArray:
        """Positives flagged at each cut: score >= cut."""
        return np.cumsum(self.pos, axis=1)

    def false_positives(self) -> IntArray:
        return np.cumsum(self.above + self.tied, axis=1)


def build(scores: Any, labels: Any, cuts: Any = ()) -> Cells:
    """Cells of ``scores`` (finite floats) with boolean ``labels`` (True: malicious)."""
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    y = np.asarray(labels).astype(bool).reshape(-1)
    if s.shape != y.shape:
        raise ValueError(f"{s.size} scores but {y.size} labels")
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite")
    positives = s[y]
    negatives = np.sort(s[~y])
    extra = np.asarray(cuts, dtype=np.float64).reshape(-1)
    values = np.unique(np.concatenate([positives, extra]))[::-1]
    counted, count = np.unique(positives, return_counts=True)
    pos = np.zeros(values.size, dtype=np.int64)
    pos[np.searchsorted(-values, -counted)] = count
    n_neg = negatives.size
    at_or_above = n_neg - np.searchsorted(negatives, values, side="left")
    strictly_above = n_neg - np.searchsorted(negatives, values, side="right")
    tied = (at_or_above - strictly_above).astype(np.int64)
    above = strictly_above.astype(np.int64)
    above[1:] -= at_or_above[:-1]
    below = int(n_neg - (at_or_above[-1] if values.size else 0))
    return Cells(values, pos, tied, above, below, int(positives.size), int(n_neg))


def resamples(cells: Cells, n_boot: int, rng: np.random.Generator) -> Iterator[Sample]:
    """``n_boot`` stratified bootstrap resamples, in chunks small enough for memory."""
    per_chunk = max(1, CHUNK_ELEMENTS // max(3 * cells.size + 1, 1))
    pos_p = cells.pos / max(cells.n_pos, 1)
    neg_cells = np.concatenate([cells.above, cells.tied, [cells.below]])
    neg_p = neg_cells / max(cells.n_neg, 1)
    k = cells.size
    done = 0
    while done < n_boot:
        rows = min(per_chunk, n_boot - done)
        pos = rng.multinomial(cells.n_pos, pos_p, size=rows) if cells.n_pos else _zeros(rows, k)
        if cells.n_neg:
            neg = rng.multinomial(cells.n_neg, neg_p, size=rows)
            above, tied = neg[:, :k], neg[:, k : 2 * k]
        else:
            above, tied = _zeros(rows, k), _zeros(rows, k)
        yield Sample(pos.astype(np.int64), above.astype(np.int64), tied.astype(np.int64))
        done += rows


def _zeros(rows: int, k: int) -> IntArray:
    return np.zeros((rows, k), dtype=np.int64)
