"""The extraction attacker's queries, made from a small pool of unlabelled rows.

The attacker has no training data, only some rows from the same population (a part of
``data.x_test`` kept apart from the evaluation rows). Queries start with the pool rows
themselves and go on with synthetic rows, each a random convex mix of two pool rows plus
small Gaussian noise: the mixing idea of Zhang et al. (2018, "mixup") used for query
synthesis as in Papernot et al. (2017, "Practical Black-Box Attacks") and Orekondy et al.
(2019, "Knockoff Nets"), which stays near the data while covering the space between
rows. Every synthetic row is made valid through the feature schema, or clipped to the
pool's observed ranges when there is none, so the target only sees plausible inputs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from aisec.assurance.schema import FeatureSchema
from aisec.core.errors import ConfigError

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.int64]

# Noise per column, as a share of that column's spread in the pool: enough to leave the
# segment between two rows, small enough to stay in the data's neighbourhood.
NOISE_SCALE = 0.1


def split_attacker_pool(n_rows: int, eval_rows: int, seed: int) -> tuple[IndexArray, IndexArray]:
    """(evaluation rows, attacker pool): disjoint, seeded, the pool at least half the rows."""
    if n_rows < 4:
        raise ConfigError(
            f"extraction needs at least 4 test rows, got {n_rows}",
            hint="give more rows in x_test: half evaluates, half is the attacker's pool",
        )
    if eval_rows < 1:
        raise ConfigError(f"eval_rows={eval_rows}", hint="use eval_rows >= 1")
    order = np.random.default_rng(seed).permutation(n_rows).astype(np.int64)
    n_eval = min(eval_rows, n_rows // 2)
    return order[:n_eval], order[n_eval:]


def synthesize_queries(
    pool: FloatArray,
    n_queries: int,
    *,
    schema: FeatureSchema | None = None,
    seed: int = 0,
) -> FloatArray:
    """``n_queries`` rows: the shuffled pool first, then noisy mixes of pool row pairs.

    A prefix of the result is itself a valid, smaller query set, so nested budgets can
    share one list.
    """
    rows = np.asarray(pool, dtype=np.float64)
    if rows.ndim != 2 or len(rows) == 0:
        raise ConfigError("the attacker pool is empty", hint="give more rows in x_test")
    rng = np.random.default_rng(seed)
    real = rows[rng.permutation(len(rows))][:n_queries]
    n_mixed = max(n_queries - len(real), 0)
    first = rng.integers(0, len(rows), n_mixed)
    second = rng.integers(0, len(rows), n_mixed)
    weight = rng.uniform(0.0, 1.0, (n_mixed, 1))
    spread = rows.std(axis=0) * NOISE_SCALE
    mixed = weight * rows[first] + (1 - weight) * rows[second]
    mixed += rng.normal(size=mixed.shape) * spread
    if schema is not None:
        # Immutable columns come from the first parent: a real value from the pool.
        mixed = schema.project(mixed, rows[first])
        real = schema.project(real, real)
    else:
        mixed = np.clip(mixed, rows.min(axis=0), rows.max(axis=0))
    return np.asarray(np.vstack((real, mixed)), dtype=np.float64)
