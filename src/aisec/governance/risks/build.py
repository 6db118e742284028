"""What every proposal shares: the id, the crosswalk's related refs, suggested controls
(the ATLAS mitigations of the technique, then the ISO/IEC 42001 controls the crosswalk
relates to it) and the impact step for systems the EU AI Act treats as high-stakes."""

from __future__ import annotations

from collections.abc import Iterable

from aisec.governance.classify import Classification
from aisec.governance.risks import refs as r
from aisec.governance.risks.model import Risk, risk_id
from aisec.governance.risks.scoring import clamp

# Tiers whose harm lands on health, safety or fundamental rights, or at scale.
_GRAVE_TIERS = ("prohibited", "high-risk", "gpai-systemic-risk")


def impact_step(classification: Classification | None) -> tuple[int, str]:
    """+1 impact (and why) for a prohibited, high-risk or systemic-risk system."""
    if classification is None:
        return 0, ""
    grave = [t for t in classification.tiers if t in _GRAVE_TIERS]
    if not grave:
        return 0, ""
    return 1, f"; +1 because the EU AI Act classification is {', '.join(grave)}"


def proposal(
    system: str,
    *,
    basis: str,
    title: str,
    threat: str | None,
    likelihood: tuple[int, str],
    impact: tuple[int, str],
    sources: Iterable[str],
    also_related: Iterable[str] = (),
    threat_reason: str = "",
    treatment: str = "mitigate",
    extra_controls: Iterable[str] = (),
) -> Risk:
    related = r.related(threat, also_related)
    controls = (*(r.mitigations(threat) if threat else ()), *r.iso_controls(related))
    return Risk(
        id=risk_id(system, threat, basis),
        system=system,
        title=title,
        threat=threat,
        threat_reason=threat_reason,
        related=related,
        likelihood=clamp(likelihood[0]),
        likelihood_rationale=likelihood[1],
        impact=clamp(impact[0]),
        impact_rationale=impact[1],
        treatment=treatment,
        controls=tuple(dict.fromkeys((*controls, *extra_controls))),
        sources=tuple(dict.fromkeys(sources)),
    )


def technique_title(threat: str) -> str:
    item = r.technique(threat)
    if item is None:
        return threat
    parent = r.technique(item.parent) if item.parent else None
    name = f"{parent.title}: {item.title}" if parent else item.title
    return f"{name} ({threat})"
