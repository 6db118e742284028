"""The sample organisation's governance record, written through the services and
repositories that ``aisec govern`` uses: an EU AI Act classification per system, a
release decision and a deployment approval, technical documentation as evidence, one
serious incident with its Art. 73 deadline, the risk register proposed from what the
scans and tests found, and the release gate judged on all of it.

Every write is idempotent across runs of the demo: a classification, decision, piece of
evidence or incident the store already holds unchanged is not recorded again, since these
registers only ever grow and a second copy would read as a second event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aisec.demo.systems import CLAIMS_SYSTEM, DEMO_SYSTEM, SYSTEMS, complete_answers

if TYPE_CHECKING:
    from aisec.store.store import Store

ACTOR = "aisec demo"
INCIDENT_TITLE = "Malignant sample ranked low priority after a model roll-back"
EVIDENCE_TITLE = "Technical documentation (Annex IV), claims-cost estimator v3"
EVIDENCE_PATH = "claims-cost/docs/technical-documentation.md"  # under the demo directory


@dataclass(frozen=True)
class GateVerdict:
    system: str
    verdict: str  # "passed", "blocked" or "not applicable"
    failed: tuple[str, ...] = ()  # the blocking conditions that failed


@dataclass
class Governed:
    tiers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    risks: dict[str, int] = field(default_factory=dict)  # the register's size per system
    new_risks: int = 0
    gates: list[GateVerdict] = field(default_factory=list)
    incident: str = ""
    incident_deadline: datetime | None = None
    incident_basis: str = ""


def classify_all(store: Store | None, today: datetime) -> dict[str, tuple[str, ...]]:
    """Each system's tiers; with a store, a classification is recorded when it is new
    or its answers changed."""
    from aisec.services.governance import KIND, classify_system

    tiers = {}
    for system in SYSTEMS:
        done = classify_system(complete_answers(system.answers), roles=system.roles,
                               as_of=today.date())  # fmt: skip
        tiers[system.name] = done.classification.system_tiers
        latest = store.assessments.latest(system.name, KIND) if store is not None else None
        # The engine keeps only the answers its questions used, and the store keeps them
        # as JSON (tuples come back as lists): compare like with like.
        kept = json.loads(json.dumps(done.classification.answers))
        if store is None or (
            latest is not None
            and dict(latest.answers) == kept
            and latest.result.get("roles") == sorted(system.roles)
        ):
            continue  # fmt: skip
        classify_system(kept, roles=system.roles, as_of=today.date(), store=store,
                        system=system.name, assessor=f"{system.owner} ({ACTOR})")  # fmt: skip
    return tiers


def record_decisions(store: Store, today: datetime) -> None:
    """Human oversight and evidence: the tumour model's release rejected (its v2 file is
    trapped), the claims estimator's release approved and documented."""
    _decide(
        store,
        DEMO_SYSTEM,
        "release",
        "rejected",
        "clinical-safety-officer@example.org",
        "model file v2 carries a code-execution payload; release blocked until rebuilt",
    )
    _decide(store, CLAIMS_SYSTEM, "release", "approved", "head-of-pricing@example.org",
            "validated on the 2025 renewals; review in six months",
            expires=today + timedelta(days=182))  # fmt: skip
    if not any(e.title == EVIDENCE_TITLE for e in store.evidence.list(CLAIMS_SYSTEM)):
        store.evidence.record(
            CLAIMS_SYSTEM, EVIDENCE_TITLE, "document", EVIDENCE_PATH,
            recorded_by=ACTOR, refs=("EU-AI-Act:Art.11", "EU-AI-Act:AnnexIV"),
            valid_until=(today + timedelta(days=365)).date(),
        )  # fmt: skip


def _decide(
    store: Store, system: str, scope: str, decision: str, approver: str, why: str,
    expires: datetime | None = None,
) -> None:  # fmt: skip
    known = store.approvals.list(system, scope)
    if any(a.decision == decision and a.approver == approver for a in known):
        return
    store.approvals.record(system, scope, decision, approver=approver, justification=why,
                           expires_on=expires.date() if expires else None)  # fmt: skip


def record_incident(store: Store, today: datetime, governed: Governed) -> None:
    """A serious incident (Art. 3(49)(a), harm to health) on the tumour-screening system,
    noticed a day ago: the store computes its Art. 73 reporting deadline."""
    found = [i for i in store.incidents.list(DEMO_SYSTEM) if i.title == INCIDENT_TITLE]
    incident = found[0] if found else store.incidents.record(
        DEMO_SYSTEM, INCIDENT_TITLE, categories=("a",), aware_at=today - timedelta(days=1),
        recorded_by=ACTOR,
        description="A pathologist found a malignant sample the model had ranked low; the "
        "lab had rolled back to an older model file during an outage.",
    )  # fmt: skip
    governed.incident = incident.title
    governed.incident_deadline = incident.deadline
    governed.incident_basis = incident.legal_basis


def propose_all(store: Store, governed: Governed) -> None:
    from aisec.services.governance_risks import propose_risks

    for system in SYSTEMS:
        proposed = propose_risks(store, system.name, actor=ACTOR)
        governed.new_risks += len(proposed.new)
        governed.risks[system.name] = len(store.risks.list(system.name))


def gate_all(store: Store, today: datetime) -> list[GateVerdict]:
    from aisec.demo.policy import demo_policy
    from aisec.governance.gates.result import ConditionStatus
    from aisec.services.gating import run_gate

    policy = demo_policy()
    verdicts = []
    for system in SYSTEMS:
        result = run_gate(store, policy, system.name, today)
        if all(r.status is ConditionStatus.NOT_APPLICABLE for r in result.results):
            verdicts.append(GateVerdict(system.name, "not applicable"))
            continue
        blocked = tuple(r.id for r in result.results if r.blocks)
        verdicts.append(GateVerdict(system.name, "blocked" if blocked else "passed", blocked))
    return verdicts


def govern(store: Store, today: datetime) -> Governed:
    """The whole governance pass, after the scans and tests are recorded and linked."""
    governed = Governed(tiers=classify_all(store, today))
    record_decisions(store, today)
    record_incident(store, today, governed)
    propose_all(store, governed)
    governed.gates = gate_all(store, today)
    return governed
