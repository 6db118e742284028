"""Risks proposed from an EU AI Act classification.

* A prohibited practice, in force or upcoming: a critical risk (likelihood 5, impact 5),
  treatment ``avoid``: the answers describe the practice itself, and it may not be placed
  on the market or used at all.
* A high-risk system: a risk for each of the Art. 9-15 duties not yet evidenced
  (``evidenced`` lists the refs a caller has evidence for, e.g. from assurance runs).
  Duties with an attack behind them get ATLAS threats (Art. 10 data governance: training
  data poisoning, plus a bias harm; Art. 15 accuracy, robustness and cybersecurity:
  evasion, training-data poisoning and model poisoning); the others a threat-less
  compliance risk. One risk per ATLAS threat, whichever duties call for it (its basis is
  ``classification``, its sources every such duty). Likelihood 3 (no evidence the duty
  is met), impact 4 (a legal breach touching people's health, safety or rights).
* Transparency duties (Art. 50): a risk of non-disclosure, likelihood 3, impact 3.
* A general-purpose AI model with systemic risk: Art. 55 risks (adversarial testing
  against jailbreaks, protection of the weights against exfiltration, and the systemic
  risk assessment and incident reporting duties), likelihood 3, impact 4.
"""

from __future__ import annotations

from collections.abc import Iterable

from aisec.governance.classify import Classification
from aisec.governance.risks.build import proposal, technique_title
from aisec.governance.risks.model import Risk

_ACT = "EU-AI-Act:"
_UNEVIDENCED = (3, "no evidence yet that the duty is met: a failure is as likely as not")
_HIGH_RISK_IMPACT = (4, "a breach of a high-risk duty: people's health, safety or rights "
                        "are at stake and a market surveillance authority may act")  # fmt: skip
_COMPLIANCE = "a compliance duty, not an attack technique"
_BIAS = "harm to people through biased data, not an attack technique"
# Duty -> (threat or None, title, refs it also relates to)
_Spec = tuple[str | None, str, tuple[str, ...]]
_BIASED = "Biased or unrepresentative training data (Art. 10)"
_UNLOGGED = "Events not logged: misuse and attacks go unnoticed (Art. 12)"
_DUTY_RISKS: dict[str, tuple[_Spec, ...]] = {
    "Art.9": ((None, "No working risk management system (Art. 9)", ()),),
    "Art.10": (
        ("AML.T0020", "", ()),
        (None, _BIASED, ("NIST-AI-RMF:MEASURE 2.11", "ISO42001:A.5.4")),
    ),
    "Art.11": ((None, "Technical documentation missing or out of date (Art. 11)", ()),),
    "Art.12": ((None, _UNLOGGED, ("ISO42001:A.6.2.8",)),),
    "Art.13": ((None, "Deployers not told how to use and read the system (Art. 13)", ()),),
    "Art.14": ((None, "No effective human oversight (Art. 14)", ()),),
    "Art.15": (("AML.T0015", "", ()), ("AML.T0020", "", ()), ("AML.T0018.000", "", ())),
}
_ART_55: tuple[_Spec, ...] = (
    ("AML.T0054", "", ()),
    ("AML.T0025", "", ()),
    (None, "Systemic risks not assessed, mitigated or reported (Art. 55)", ()),
)


def _duty_refs(classification: Classification) -> list[str]:
    every = (d.ref for duties in classification.obligations.values() for d in duties)
    return list(dict.fromkeys(every))


def propose_from_classification(
    system: str, classification: Classification, *, evidenced: Iterable[str] = ()
) -> list[Risk]:
    done = set(evidenced)
    # A ban that applies only later (the reported Omnibus prohibition) is as much a risk:
    # the system would have to stop, so it is treated now, not on the day it bites.
    banned = (*classification.prohibited, *classification.upcoming_prohibitions)
    risks = [_prohibited(system, duty.ref, duty.title) for duty in banned]
    duties = [ref for ref in _duty_refs(classification) if ref not in done]
    if classification.high_risk:
        risks += _high_risk(
            system, [ref for ref in duties if ref.removeprefix(_ACT) in _DUTY_RISKS]
        )
    for ref in duties:
        if ref.startswith(f"{_ACT}Art.50"):
            title = f"People not told what they need to know ({ref.removeprefix(_ACT)})"
            impact = (3, "people misled about what they deal with; a breach of Art. 50")
            risks.append(_duty(system, [ref], None, title, (), impact))
    if classification.gpai_tier == "gpai-systemic-risk" and f"{_ACT}Art.55" in duties:
        impact = (4, "a model with systemic risk: harm at scale, and an AI Office matter")
        for threat, title, also in _ART_55:
            risks.append(_duty(system, [f"{_ACT}Art.55"], threat, title, also, impact))
    return risks


def _high_risk(system: str, duties: list[str]) -> list[Risk]:
    # One risk per ATLAS threat, however many duties call for it (Art. 10 and Art. 15
    # both lead to training-data poisoning); one per threat-less duty risk.
    threats: dict[str, list[str]] = {}
    risks = []
    for ref in duties:
        for threat, title, also in _DUTY_RISKS[ref.removeprefix(_ACT)]:
            if threat is None:
                risks.append(_duty(system, [ref], None, title, also, _HIGH_RISK_IMPACT))
            else:
                threats.setdefault(threat, []).append(ref)
    for threat, refs in threats.items():
        risks.append(_duty(system, refs, threat, "", (), _HIGH_RISK_IMPACT))
    return risks


def _prohibited(system: str, ref: str, title: str) -> Risk:
    return proposal(
        system, basis=f"classification:{ref}", title=f"Prohibited practice: {title}",
        threat=None, threat_reason="a practice the law forbids, not an attack technique",
        likelihood=(5, "the classification answers describe the practice itself"),
        impact=(5, "Art. 5 forbids it outright; fines reach EUR 35 million or 7% of "
                   "worldwide annual turnover (Art. 99(3))"),
        sources=[f"classification:{ref}"], also_related=[ref, f"{_ACT}Art.5"],
        treatment="avoid",
    )  # fmt: skip


def _duty(
    system: str,
    refs: list[str],
    threat: str | None,
    title: str,
    also: tuple[str, ...],
    impact: tuple[int, str],
) -> Risk:
    """A risk for unevidenced duties ``refs``: a threat-less one per duty, an ATLAS one
    per threat (its basis is then ``classification``, whichever duties led to it)."""
    reason = "" if threat else (_BIAS if title == _BIASED else _COMPLIANCE)
    articles = ", ".join(ref.removeprefix(_ACT) for ref in refs)
    return proposal(
        system, basis="classification" if threat else f"classification:{refs[0]}",
        threat=threat, threat_reason=reason,
        title=title or f"{technique_title(threat or '')}, against {articles}",
        likelihood=_UNEVIDENCED, impact=impact,
        sources=[f"classification:{ref}" for ref in refs],
        also_related=[*refs, *also], extra_controls=[r for r in also if "ISO42001" in r],
    )  # fmt: skip
