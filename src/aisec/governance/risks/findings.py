"""Risks proposed from scan and test findings.

Findings are grouped by the ATLAS techniques among their refs (a finding that names two
techniques evidences both, e.g. ``modelfile.pickle.dangerous-call``: supply-chain
compromise of the model, ``AML.T0010.003``, and execution of an unsafe artefact,
``AML.T0011.000``). A finding with no technique among its refs (or its check's registered
refs) takes those the crosswalk relates its refs to (``ML06:2023`` -> ``AML.T0010``);
one with none at all becomes a risk of its own check, without a threat.

Likelihood starts at 3 (possible): a finding shows the weakness is present, and whether
the artefact is deployed or reachable is not known to a scan, so the default assumes it
may be. +1 when the worst finding is high or critical (the weakness is directly usable,
e.g. code run on load); +1 when five or more findings evidence the threat; -1 when the
worst is low or info; -1 when no finding has confidence 0.5 or more. Clamped to 1-5.

Impact follows the worst severity: info 1, low 2, medium 3, high 4, critical 5, with +1
for a prohibited, high-risk or systemic-risk system when a classification is given.
"""

from __future__ import annotations

from collections.abc import Iterable

from aisec.core.finding import Finding
from aisec.core.severity import Severity
from aisec.governance.catalogs import crosswalk
from aisec.governance.classify import Classification
from aisec.governance.risks import refs as r
from aisec.governance.risks.build import impact_step, proposal, technique_title
from aisec.governance.risks.model import Risk

MANY = 5
_IMPACT = {Severity.INFO: 1, Severity.LOW: 2, Severity.MEDIUM: 3, Severity.HIGH: 4,
           Severity.CRITICAL: 5}  # fmt: skip


def _refs(finding: Finding) -> tuple[str, ...]:
    return finding.refs or crosswalk.check_refs().get(finding.check_id, ())


def likelihood(group: list[Finding]) -> tuple[int, str]:
    worst = max(f.severity for f in group)
    value, why = 3, [f"{len(group)} finding(s) show the weakness is present; deployment is "
                     "not known to a scan, so it is assumed reachable (3)"]  # fmt: skip
    if worst >= Severity.HIGH:
        value, why = value + 1, [*why, f"+1: the worst is {worst.label}"]
    if worst <= Severity.LOW:
        value, why = value - 1, [*why, f"-1: the worst is only {worst.label}"]
    if len(group) >= MANY:
        value, why = value + 1, [*why, f"+1: {MANY} or more findings"]
    if max(f.confidence for f in group) < 0.5:
        value, why = value - 1, [*why, "-1: every finding has confidence below 0.5"]
    return max(1, min(5, value)), "; ".join(why)


def impact(group: list[Finding], classification: Classification | None) -> tuple[int, str]:
    worst = max(f.severity for f in group)
    step, why = impact_step(classification)
    return _IMPACT[worst] + step, f"worst finding severity {worst.label} ({_IMPACT[worst]}){why}"


def propose_from_findings(
    system: str, findings: Iterable[Finding], *, classification: Classification | None = None
) -> list[Risk]:
    """One risk per ATLAS technique the findings evidence (then one per check for findings
    no technique fits), in order of first appearance. Pass the findings that count
    (``Run.open_findings``): suppressed and baseline findings are not filtered here."""
    by_threat: dict[str, list[Finding]] = {}
    by_check: dict[str, list[Finding]] = {}
    for finding in findings:
        threats = r.techniques_in(_refs(finding))
        for threat in threats:
            by_threat.setdefault(threat, []).append(finding)
        if not threats:
            by_check.setdefault(finding.check_id, []).append(finding)
    risks = []
    for threat, group in by_threat.items():
        own = [ref for f in group for ref in _refs(f) if not r.is_technique(ref)]
        risks.append(proposal(
            system, basis="findings", title=technique_title(threat), threat=threat,
            likelihood=likelihood(group), impact=impact(group, classification),
            sources=_sources(group), also_related=own,
        ))  # fmt: skip
    for check_id, group in by_check.items():
        risks.append(proposal(
            system, basis=f"findings:{check_id}", title=group[0].title, threat=None,
            threat_reason=f"no ATLAS technique among the refs of {check_id} or their "
            "crosswalk relations", likelihood=likelihood(group),
            impact=impact(group, classification),
            sources=_sources(group),
            also_related=[ref for f in group for ref in _refs(f)],
        ))  # fmt: skip
    return risks


def _sources(group: list[Finding]) -> list[str]:
    # A finding built without Finding.create has no fingerprint; its check stands in.
    return [f"finding:{f.fingerprint or f.check_id}" for f in group]
