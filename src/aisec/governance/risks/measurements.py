"""Risks proposed from assurance test measurements.

A measurement proposes a risk when its value is past the rule's *concern* bound; past the
*serious* bound the likelihood rises from 3 to 4. Undefined values (NaN) propose nothing
here (the test's own thresholds already fail them). Measurements are matched by the end
of their name, as thresholds match them (``robust_accuracy`` matches
``evasion.robust_accuracy``).

=================================  =========  =======  ========  ====================
measurement                        concern    serious  impact    threat
=================================  =========  =======  ========  ====================
evasion.robust_accuracy            < 0.5      < 0.2    3         AML.T0015
evasion.attack_success_rate        > 0.5      > 0.8    3         AML.T0015
privacy.mia.auc                    > 0.6      > 0.75   3         AML.T0024.000
extraction.fidelity                > 0.9      > 0.97   3         AML.T0024.002
fairness.*_difference              > 0.1      > 0.2    4         none: harm to people
fairness.*_ratio                   < 0.8      < 0.6    4         none: harm to people
=================================  =========  =======  ========  ====================

The fairness bounds are the usual four-fifths rule and its difference counterpart; the
others are aisec's defaults. Impact takes +1 for a prohibited, high-risk or systemic-risk
system when a classification is given.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from aisec.core.run import Measurement
from aisec.governance.classify import Classification
from aisec.governance.risks.build import impact_step, proposal, technique_title
from aisec.governance.risks.model import Risk


@dataclass(frozen=True)
class Rule:
    family: str  # the basis of the risk: one risk per family
    prefix: str
    suffix: str
    above: bool  # True: values above the bounds are bad
    concern: float
    serious: float
    impact: int
    threat: str | None
    related: tuple[str, ...] = ()

    def matches(self, name: str) -> bool:
        return name.startswith(self.prefix) and name.endswith(self.suffix)

    def past(self, value: float, bound: float) -> bool:
        return value > bound if self.above else value < bound


_FAIR = ("EU-AI-Act:Art.10", "NIST-AI-RMF:MEASURE 2.11")
RULES = (
    Rule("evasion", "evasion.", "robust_accuracy", False, 0.5, 0.2, 3, "AML.T0015"),
    Rule("evasion", "evasion.", "attack_success_rate", True, 0.5, 0.8, 3, "AML.T0015"),
    Rule("membership", "privacy.", "mia.auc", True, 0.6, 0.75, 3, "AML.T0024.000"),
    Rule("extraction", "extraction.", "fidelity", True, 0.9, 0.97, 3, "AML.T0024.002"),
    Rule("fairness", "fairness.", "_difference", True, 0.1, 0.2, 4, None, _FAIR),
    Rule("fairness", "fairness.", "_ratio", False, 0.8, 0.6, 4, None, _FAIR),
)
_FAIRNESS_TITLE = "Unequal outcomes across groups (fairness disparity)"


def _rule(m: Measurement) -> Rule | None:
    return next((rule for rule in RULES if rule.matches(m.name)), None)


def propose_from_measurements(
    system: str,
    measurements: Iterable[Measurement],
    *,
    classification: Classification | None = None,
) -> list[Risk]:
    """One risk per family of measurements past its concern bound, in order of first
    appearance."""
    hits: dict[str, list[tuple[Rule, Measurement]]] = {}
    for m in measurements:
        rule = _rule(m)
        if rule is None or math.isnan(m.value) or not rule.past(m.value, rule.concern):
            continue
        hits.setdefault(rule.family, []).append((rule, m))
    step, step_why = impact_step(classification)
    risks = []
    for family, group in hits.items():
        rule = group[0][0]
        serious = [m for rule_, m in group if rule_.past(m.value, rule_.serious)]
        shown = ", ".join(f"{m.name}={m.value:.3g}" for _, m in group[:4])
        likelihood = (4, f"past the serious bound: {shown}") if serious else (
            3, f"past the concern bound: {shown}")  # fmt: skip
        impact = (rule.impact + step, f"default impact of a {family} weakness "
                                      f"({rule.impact}){step_why}")  # fmt: skip
        risks.append(proposal(
            system, basis=f"measurements:{family}", threat=rule.threat,
            title=technique_title(rule.threat) if rule.threat else _FAIRNESS_TITLE,
            threat_reason="" if rule.threat else "harm to people, not an attack technique",
            likelihood=likelihood, impact=impact, also_related=rule.related,
            sources=[f"measurement:{m.name}" for _, m in group],
        ))  # fmt: skip
    return risks
