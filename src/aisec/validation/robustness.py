"""How much of a text detector's recall survives evasive rewrites: every malicious row it
catches in plain form is rewritten with each family (:mod:`.rewrites`) and scored again at
the same threshold; the evasion rate is the share no longer caught."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aisec.assurance.stats import wilson
from aisec.validation.evaluate import Estimate
from aisec.validation.rewrites import FAMILIES, describe, rewrite

DEFAULT_MAX_ROWS = 1000  # caught attacks rewritten per family: enough for a 3-point interval


@dataclass(frozen=True)
class FamilyEvasion:
    family: str
    description: str
    rewritten: int  # caught attacks rewritten with this family
    evaded: int  # of those, no longer caught
    evasion_rate: Estimate  # Wilson interval

    def as_json(self) -> dict[str, Any]:
        return {"family": self.family, "description": self.description,
                "rewritten": self.rewritten, "evaded": self.evaded,
                "evasion_rate": self.evasion_rate.as_json()}  # fmt: skip


@dataclass
class TextRobustness:
    fpr: float
    threshold: float
    caught: int  # malicious rows caught in plain form
    families: list[FamilyEvasion] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"fpr": self.fpr, "threshold": self.threshold, "caught": self.caught,
                "families": [f.as_json() for f in self.families]}  # fmt: skip


def text_robustness(
    score_texts: Callable[[list[str]], Any], texts: Sequence[str], scores: Any, *,
    threshold: float, fpr: float, families: Sequence[str] = FAMILIES, seed: int = 0,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> TextRobustness:  # fmt: skip
    """``texts`` and ``scores``: the malicious rows and their plain scores."""
    plain = np.asarray(scores, dtype=np.float64)
    caught = np.flatnonzero(plain >= threshold)
    chosen = caught
    if caught.size > max_rows:
        chosen = np.sort(np.random.default_rng(seed).choice(caught, max_rows, replace=False))
    result = TextRobustness(fpr, threshold, int(caught.size))
    for family in families:
        variants = [rewrite(texts[int(i)], family, seed=seed) for i in chosen]
        again = np.asarray(score_texts(variants), dtype=np.float64) if variants else np.array([])
        evaded = int((again < threshold).sum())
        n = int(chosen.size)
        rate = Estimate(evaded / n if n else None, *wilson(evaded, n))
        result.families.append(FamilyEvasion(family, describe(family), n, evaded, rate))
    return result
