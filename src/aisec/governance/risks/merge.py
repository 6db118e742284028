"""Merging a fresh set of proposals into the register, and the heat map for reports.

``merge`` keeps what people decided: the decision fields (owner, plan, due date,
justification, residual assessment, status) always, and any proposal field a person
changed through :func:`~aisec.governance.risks.model.edit` (scores, treatment, controls,
title...). Everything else is refreshed from the new proposal; sources accumulate. Fresh
inherent scores that would fall below a person's residual assessment are not taken (the
old ones stand until the person reassesses).
Risks no longer proposed stay as they are (a fix is confirmed by a person, who closes the
risk); new ones are added after the existing ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from aisec.governance.risks.model import DECISIONS, Risk
from aisec.governance.risks.scoring import LEVELS, SCALE


def merge(existing: Iterable[Risk], proposed: Iterable[Risk]) -> list[Risk]:
    fresh: dict[str, Risk] = {}
    for risk in proposed:
        fresh[risk.id] = _combine(fresh[risk.id], risk) if risk.id in fresh else risk
    out = []
    for old in existing:
        new = fresh.pop(old.id, None)
        out.append(old if new is None else _combine(old, new))
    return out + list(fresh.values())


_SCORES = ("likelihood", "likelihood_rationale", "impact", "impact_rationale")


def _combine(old: Risk, new: Risk) -> Risk:
    kept = {name: getattr(old, name) for name in (*DECISIONS, *old.edited)}
    residual = old.residual_score
    fresh = kept.get("likelihood", new.likelihood) * kept.get("impact", new.impact)
    if residual is not None and residual > fresh and not old.residual_note:
        # Fresh scores below the residual a person assessed would contradict it: the old
        # inherent scores stand until the person reassesses.
        kept |= {name: getattr(old, name) for name in _SCORES}
    sources = tuple(dict.fromkeys((*old.sources, *new.sources)))
    return replace(new, **kept, sources=sources, edited=old.edited)


@dataclass(frozen=True)
class HeatMap:
    residual: bool
    cells: dict[tuple[int, int], int]  # (likelihood, impact) -> number of risks
    levels: dict[str, int]
    unassessed: int  # risks without a residual assessment (residual maps only)

    def grid(self) -> list[list[int]]:
        """Rows of likelihood 5 down to 1, columns of impact 1 to 5: the usual layout."""
        return [[self.cells.get((lik, imp), 0) for imp in SCALE] for lik in reversed(SCALE)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "residual": self.residual,
            "cells": [{"likelihood": lik, "impact": imp, "count": n}
                      for (lik, imp), n in sorted(self.cells.items())],
            "grid": self.grid(),
            "levels": dict(self.levels),
            "unassessed": self.unassessed,
        }  # fmt: skip


def heat_map(risks: Iterable[Risk], *, residual: bool = False) -> HeatMap:
    """Counts per (likelihood, impact) cell and per level, of inherent or residual risk."""
    cells: Counter[tuple[int, int]] = Counter()
    levels = dict.fromkeys(LEVELS, 0)
    unassessed = 0
    for risk in risks:
        if residual:
            lik, imp, lvl = risk.residual_likelihood, risk.residual_impact, risk.residual_level
            if lik is None or imp is None or lvl is None:
                unassessed += 1
                continue
        else:
            lik, imp, lvl = risk.likelihood, risk.impact, risk.level
        cells[(lik, imp)] += 1
        levels[lvl] += 1
    return HeatMap(residual, dict(cells), levels, unassessed)
