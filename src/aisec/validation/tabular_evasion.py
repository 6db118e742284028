"""How many attacks a tabular detector catches would get past it if the attacker changed
what they control: the square attack of the assurance tests (black-box, scores only) on
every caught malicious row, within an L-infinity box of ``epsilon`` times each feature's
range, immutable features pinned and monotone ones held on their side (an account's age
only grows, a count of past events cannot fall), and every row shown to the detector a
valid one (a schema inferred from the data: integers stay integers, a feature of few
values keeps to them).

The attack's goal is the operating threshold, not the model's 0.5: the detector's score
is mapped monotonically so that the attack's class boundary is the threshold, and a row
has evaded when its score falls below it. The search stops at the first success per row,
so the rate is a lower bound on what a stronger attacker achieves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from aisec.assurance.attacks.box import build_box
from aisec.assurance.attacks.square import square_attack
from aisec.assurance.schema import FeatureSchema
from aisec.assurance.stats import wilson
from aisec.assurance.targets.callable_target import CallableTarget
from aisec.core.errors import ConfigError
from aisec.validation.evaluate import Estimate

DEFAULT_EPSILONS = (0.05, 0.1, 0.2)
DEFAULT_MAX_ROWS = 200
QUERIES = 300  # per row and epsilon


@dataclass(frozen=True)
class Constraints:
    immutable: tuple[str, ...] = ()
    increase_only: tuple[str, ...] = ()
    decrease_only: tuple[str, ...] = ()

    def check(self, features: Sequence[str]) -> None:
        named = [*self.immutable, *self.increase_only, *self.decrease_only]
        unknown = [n for n in named if n not in features]
        if unknown:
            raise ConfigError(
                f"no feature {unknown[0]!r} to constrain", hint=f"features: {list(features)}"
            )
        if len(set(named)) != len(named):
            raise ConfigError("a feature is given two constraints")


@dataclass(frozen=True)
class EpsilonEvasion:
    epsilon: float
    attacked: int  # caught rows attacked
    evaded: int  # of those, no longer caught
    evasion_rate: Estimate  # Wilson interval
    queries: int

    def as_json(self) -> dict[str, Any]:
        return {"epsilon": self.epsilon, "attacked": self.attacked, "evaded": self.evaded,
                "evasion_rate": self.evasion_rate.as_json(), "queries": self.queries}  # fmt: skip


@dataclass
class TabularRobustness:
    fpr: float
    threshold: float
    caught: int
    constraints: Constraints
    results: list[EpsilonEvasion] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "attack": "square", "fpr": self.fpr, "threshold": self.threshold,
            "caught": self.caught, "immutable": list(self.constraints.immutable),
            "increase_only": list(self.constraints.increase_only),
            "decrease_only": list(self.constraints.decrease_only),
            "results": [r.as_json() for r in self.results],
        }  # fmt: skip


def tabular_evasion(
    score: Callable[[np.ndarray], np.ndarray], x: np.ndarray, malicious: np.ndarray,
    features: Sequence[str], *, threshold: float, fpr: float,
    constraints: Constraints = Constraints(), epsilons: Sequence[float] = DEFAULT_EPSILONS,
    max_rows: int = DEFAULT_MAX_ROWS, seed: int = 0,
) -> TabularRobustness:  # fmt: skip
    """``x``: every row (the box's ranges come from all of them); ``malicious``: which
    rows are attacks. Only the attacks caught at ``threshold`` are attacked."""
    constraints.check(features)
    x = np.asarray(x, dtype=np.float64)
    scores = score(x)
    caught = np.flatnonzero(np.asarray(malicious, dtype=bool) & (scores >= threshold))
    chosen = caught
    if caught.size > max_rows:
        chosen = np.sort(np.random.default_rng(seed).choice(caught, max_rows, replace=False))
    box = _box(x, features, constraints)
    target = CallableTarget(predict_proba=_around(score, threshold), classes=[0, 1])
    result = TabularRobustness(fpr, threshold, int(caught.size), constraints)
    rows = x[chosen]
    for epsilon in epsilons:
        if rows.shape[0] == 0:
            result.results.append(EpsilonEvasion(epsilon, 0, 0, Estimate(None), 0))
            continue
        outcome = square_attack(target, rows, np.ones(len(rows), dtype=np.int64), box,
                                epsilon, queries=QUERIES, seed=seed)  # fmt: skip
        evaded = int((score(outcome.x_adv) < threshold).sum())
        n = len(rows)
        rate = Estimate(evaded / n, *wilson(evaded, n))
        result.results.append(EpsilonEvasion(epsilon, n, evaded, rate, int(outcome.queries)))
    return result


def _box(x: np.ndarray, features: Sequence[str], constraints: Constraints) -> Any:
    # The schema inferred from the rows keeps what the attack shows the detector valid:
    # integer columns on their step, columns of few values on those values.
    schema = FeatureSchema.infer(x, names=list(features), immutable=constraints.immutable)
    box = build_box(x, schema=schema)
    index = {name: j for j, name in enumerate(features)}
    width = box.width.copy()
    direction = np.zeros(len(features))
    for name in constraints.immutable:
        width[index[name]] = 0.0
    for name in constraints.increase_only:
        direction[index[name]] = 1.0
    for name in constraints.decrease_only:
        direction[index[name]] = -1.0
    return replace(box, width=width, direction=direction)


def _around(
    score: Callable[[np.ndarray], np.ndarray], threshold: float
) -> Callable[[np.ndarray], np.ndarray]:
    """Two-class probabilities whose boundary is ``threshold``: a monotone map of the
    score, so the attack ranks candidates as the detector does and stops exactly when
    the score falls below the operating threshold."""
    low, high = min(threshold, 1.0 - 1e-12), max(threshold, 1e-12)

    def proba(x: np.ndarray) -> np.ndarray:
        s = np.clip(np.asarray(score(x), dtype=np.float64), 0.0, 1.0)
        p = np.where(s < low, 0.5 * s / max(low, 1e-12),
                     0.5 + 0.5 * (s - high) / max(1.0 - high, 1e-12))  # fmt: skip
        p = np.clip(p, 0.0, 1.0)
        return np.column_stack([1.0 - p, p])

    return proba
