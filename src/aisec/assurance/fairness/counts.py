"""Per-group confusion counts, for the sample itself or for many bootstrap resamples at once.

A row is coded as one integer ``group * 4 + y_true * 2 + y_pred``; the counts of every
(group, cell) pair are then one ``bincount``. A resample is a row of indices into those codes,
so all resamples of a chunk are counted by a single ``bincount`` with a per-resample offset.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

CELLS = 4
TN, FP, FN, TP = range(CELLS)

# Caps the index matrix of one chunk of resamples (int64: 32 MiB) so that memory stays flat
# however large the sample or the number of resamples.
MAX_CHUNK_CELLS = 1 << 22


def cell_codes(
    y_true: NDArray[np.int64], y_pred: NDArray[np.int64], groups: NDArray[np.int64]
) -> NDArray[np.int64]:
    """One code per row: its group and its confusion-matrix cell."""
    return groups * CELLS + y_true * 2 + y_pred


def confusion_counts(codes: NDArray[np.int64], n_groups: int) -> NDArray[np.int64]:
    """Counts of shape ``(n_groups, 4)`` in the order TN, FP, FN, TP."""
    return np.bincount(codes, minlength=n_groups * CELLS).reshape(n_groups, CELLS)


def bootstrap_counts(
    codes: NDArray[np.int64],
    n_groups: int,
    n_boot: int,
    rng: np.random.Generator,
    max_chunk_cells: int = MAX_CHUNK_CELLS,
) -> NDArray[np.int64]:
    """Counts of shape ``(n_boot, n_groups, 4)``: rows drawn with replacement, n per resample.

    The loop is over memory-sized chunks of resamples, never over single resamples.
    """
    n = codes.size
    width = n_groups * CELLS
    out = np.empty((n_boot, width), dtype=np.int64)
    chunk = max(1, max_chunk_cells // max(n, 1))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        picked = codes[rng.integers(0, n, size=(size, n))]
        # Shift each resample's codes into its own block so one bincount counts them all.
        picked += (np.arange(size, dtype=np.int64) * width)[:, None]
        out[start : start + size] = np.bincount(picked.ravel(), minlength=size * width).reshape(
            size, width
        )
    return out.reshape(n_boot, n_groups, CELLS)
