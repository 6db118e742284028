"""Which attacks the evasion test runs, and on which rows.

"auto" runs every attack the target's capabilities allow; an attack asked for by name
that the target cannot support is a configuration error, not a silent skip. Rows are a
seeded sample stratified by class, so a capped evaluation keeps the class balance.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from aisec.assurance.attacks.common import IntArray
from aisec.assurance.targets.base import Capability, Target
from aisec.core.errors import ConfigError

NEEDS = {
    "fgsm": Capability.GRADIENTS,
    "pgd": Capability.GRADIENTS,
    "square": Capability.SCORES,
    "hopskipjump": Capability.LABELS,
}


def choose_attacks(target: Target, asked: Sequence[str]) -> list[str]:
    """The attacks to run, in the order of ``NEEDS``; "auto" adds all the target allows."""
    if isinstance(asked, str) or not asked:
        raise ConfigError(f"attacks must be a non-empty list, got {asked!r}", hint='("auto",)')
    wanted: set[str] = set()
    for name in asked:
        if name == "auto":
            wanted |= {a for a, need in NEEDS.items() if need in target.capabilities}
        elif name not in NEEDS:
            raise ConfigError(
                f"unknown attack {name!r}", hint=f"choose from auto, {', '.join(NEEDS)}"
            )
        elif NEEDS[name] not in target.capabilities:
            raise ConfigError(
                f"attack {name!r} needs {NEEDS[name].value}, which target {target.name!r} "
                "does not give",
                hint='leave it out or use attacks=("auto",)',
            )
        else:
            wanted.add(name)
    return [a for a in NEEDS if a in wanted]


def sample_rows(y: IntArray, max_rows: int, seed: int) -> IntArray:
    """Up to ``max_rows`` row indices, each class in proportion (largest remainders)."""
    if len(y) <= max_rows:
        return np.arange(len(y), dtype=np.int64)
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    share = counts * max_rows / len(y)
    take = np.floor(share).astype(int)
    take[np.argsort(take - share)[: max_rows - take.sum()]] += 1
    picked = [
        rng.permutation(np.flatnonzero(y == c))[:k] for c, k in zip(classes, take, strict=True)
    ]
    return np.sort(np.concatenate(picked)).astype(np.int64)
