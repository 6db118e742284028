"""From attack outcomes to the evasion test's measurements, curve and sanity checks.

Rows misclassified cleanly count as not robust under every attack. The worst case per
row takes every attack with results at that epsilon, complete or not: a row is robust
only if none evaded it (Carlini et al., 2019). An evasion found before a budget stop is
still a valid evasion, so dropping it would overstate robustness; when an attack did not
finish at an epsilon, the worst case there is marked incomplete, an upper bound on
robust accuracy. Two sanity checks flag a broken evaluation rather than a robust
model: the worst case must do at least as well as random noise of the same size, and
worst-case robust accuracy must not rise with epsilon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np

from aisec.assurance.attacks.box import EpsilonBox
from aisec.assurance.attacks.common import AttackOutcome, BoolArray, FloatArray, IntArray
from aisec.assurance.outcome import TestResult
from aisec.assurance.stats import proportion
from aisec.core.run import Measurement


@dataclass
class AttackRuns:
    """One attack's outcome per epsilon; ``complete`` is False when the budget ran out."""

    by_epsilon: dict[float, AttackOutcome] = field(default_factory=dict)
    complete: bool = True
    queries: int | None = None  # rows sent; None: the sum over the outcomes
    # Epsilons the attack finished before its budget ran out. Only read when the run is
    # incomplete: a search that reports every epsilon from one stopped run (HopSkipJump)
    # finished none of them.
    finished: set[float] = field(default_factory=set)

    def complete_at(self, eps: float) -> bool:
        return self.complete or eps in self.finished


def summarise(
    clean_correct: BoolArray,
    ok: IntArray,
    x: FloatArray,
    runs: dict[str, AttackRuns],
    box: EpsilonBox,
    epsilons: list[float],
    *,
    notes: list[str] | None = None,
) -> TestResult:
    """``ok`` indexes the cleanly correct rows of ``x``, the only rows the attacks saw."""
    unit = box.unit
    result = TestResult(notes=list(notes or []))
    out = result.measurements
    out.append(proportion("evasion.clean_accuracy", clean_correct, params={"epsilon_unit": unit}))

    def robust(evaded: BoolArray) -> BoolArray:
        flags = clean_correct.copy()
        flags[ok[evaded]] = False
        return flags

    def add(name: str, flags: BoolArray, **params: Any) -> Measurement:
        m = proportion(name, flags, params=params | {"epsilon_unit": unit})
        out.append(m)
        return m

    curve: list[dict[str, Any]] = []
    attacks = [a for a in runs if a != "noise"]
    for attack in attacks:
        run = runs[attack]
        if not run.complete:
            result.notes.append(
                f"attack {attack!r} ran out of the query budget: it is incomplete (reported "
                f"for {len(run.by_epsilon)} of {len(epsilons)} epsilon(s)); the evasions it "
                "found still count in the worst case"
            )
        for eps, outcome in run.by_epsilon.items():
            m = add("evasion.robust_accuracy", robust(outcome.evaded), epsilon=eps, attack=attack)
            curve.append(_point(eps, attack, m))
    worst: dict[float, float] = {}
    noise: dict[float, float] = {}
    bounds: list[float] = []
    for eps in epsilons:
        found = [a for a in attacks if eps in runs[a].by_epsilon]
        if not found:
            result.notes.append(f"no attack has results at epsilon {eps}, so no worst case there")
        else:
            # Any evasion found proves the row is not robust, whether or not its attack
            # went on to finish: every attack with results here takes part.
            evaded = np.logical_or.reduce([runs[a].by_epsilon[eps].evaded for a in found])
            complete = all(runs[a].complete_at(eps) for a in attacks)
            extra = {} if complete else {"complete": False}
            m = add("evasion.robust_accuracy", robust(evaded), epsilon=eps, attack="worst", **extra)
            curve.append(_point(eps, "worst", m))
            worst[eps] = m.value
            add("evasion.attack_success_rate", evaded, epsilon=eps, attack="worst", **extra)
            if not complete:
                bounds.append(eps)
        if eps in runs["noise"].by_epsilon:
            noisy = runs["noise"].by_epsilon[eps].evaded
            noise[eps] = add("evasion.noise_accuracy", robust(noisy), epsilon=eps).value
    if not runs["noise"].complete:
        result.notes.append("the noise baseline ran out of the query budget")
    if bounds:
        result.notes.append(
            f"the worst case at epsilon(s) {bounds} is incomplete: an upper bound on robust "
            "accuracy (a lower bound on attack success), since the attacks that did not finish "
            "could only lower it"
        )
    result.details = {
        "curve": curve,
        # Judged only where every attack finished: an unfinished attack's missing evasions
        # would make the worst case rise or lose to noise for reasons that are no fault of
        # the attacks' quality.
        "sanity": _sanity({e: v for e, v in worst.items() if e not in bounds}, noise, result.notes),
        "perturbation": _perturbation(runs, x[ok], box),
        "box_excess_rows": {
            a: {str(e): box.excess_rows(o.x_adv, x[ok], e) for e, o in r.by_epsilon.items()}
            for a, r in runs.items()
        },
        "queries": {a: _queries(r) for a, r in runs.items()},
        "rows": len(clean_correct),
        "attacks": attacks,
        "incomplete": [a for a in runs if not runs[a].complete],
    }
    return result


def _queries(run: AttackRuns) -> int:
    if run.queries is not None:
        return int(run.queries)
    return int(sum(o.queries for o in run.by_epsilon.values()))


def _point(eps: float, attack: str, m: Measurement) -> dict[str, Any]:
    return {
        "epsilon": eps,
        "attack": attack,
        "robust_accuracy": m.value,
        "ci_low": m.ci_low,
        "ci_high": m.ci_high,
    }


def _sanity(worst: dict[float, float], noise: dict[float, float], notes: list[str]) -> Any:
    beats = {str(e): bool(worst[e] <= noise[e] + 1e-12) for e in worst if e in noise}
    for eps, ok in beats.items():
        if not ok:
            notes.append(
                f"sanity: at epsilon {eps} the worst-case attack is weaker than random noise "
                "(robust accuracy above noise accuracy): the attacks are not working here"
            )
    values = [worst[e] for e in sorted(worst)]
    monotone = all(b <= a + 1e-12 for a, b in pairwise(values))
    if not monotone:
        notes.append(
            "sanity: worst-case robust accuracy rises with epsilon: the attacks miss "
            "examples at a larger epsilon that they found at a smaller one"
        )
    return {"beats_noise": beats, "monotone": monotone}


def _perturbation(runs: dict[str, AttackRuns], x: FloatArray, box: EpsilonBox) -> Any:
    """Scaled L∞ and L2 size of the successful examples, per attack and epsilon."""
    table: dict[str, dict[str, dict[str, float | int | None]]] = {}
    for attack, run in runs.items():
        table[attack] = {}
        for eps, outcome in run.by_epsilon.items():
            hit = outcome.evaded
            linf = box.scaled_linf(outcome.x_adv[hit], x[hit])
            l2 = box.scaled_l2(outcome.x_adv[hit], x[hit])
            table[attack][str(eps)] = {
                "n": int(hit.sum()),
                "linf_mean": float(linf.mean()) if hit.any() else None,
                "linf_max": float(linf.max()) if hit.any() else None,
                "l2_mean": float(l2.mean()) if hit.any() else None,
                "l2_max": float(l2.max()) if hit.any() else None,
            }
    return table
