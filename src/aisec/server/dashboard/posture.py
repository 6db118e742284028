"""The overview's data: a pure function of the store, read in a handful of queries however
many systems and findings it holds (no query per system or per finding, no finding loaded
into Python: the findings are counted in SQL by ``FindingRepository.summary``).

Control coverage is the exception: it is judged per system from the system's runs,
evidence and assessments (:mod:`aisec.services.governance_coverage`), which costs several
queries per system. :class:`CoverageCache` keeps the last result until something it is
judged from may have changed (see :func:`coverage_key`), so that the overview stays fast
between changes and only the first visit after one pays for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aisec.services.governance import KIND as CLASSIFICATION
from aisec.store.governance_records import StoredEvidence, StoredIncident
from aisec.store.models import AISystem, Assessment
from aisec.store.records import SystemAsset

if TYPE_CHECKING:
    from aisec.store.server_records import FindingSummary
    from aisec.store.store import Store
    from aisec.store.tracking import StoredAssessment, StoredRun

# Most severe first; a system's headline tier is the first of these it has.
TIERS = ("prohibited", "high-risk", "transparency", "gpai-systemic-risk", "gpai", "minimal")
UNCLASSIFIED = "unclassified"
EVIDENCE_DAYS = 30
LATEST_RUNS = 8


log = logging.getLogger("aisec.server.dashboard")


@dataclass(frozen=True)
class FrameworkCoverage:
    framework: str
    systems: int  # systems judged
    covered: int  # requirement items covered, summed over the systems
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.total) if self.total else 0


@dataclass(frozen=True)
class OpenIncident:
    incident: StoredIncident
    overdue: bool  # its initial report is due and not sent


@dataclass(frozen=True)
class Posture:
    systems: int
    tiers: Sequence[tuple[str, int]]  # every tier and "unclassified", zeros included
    findings: FindingSummary
    evidence: Sequence[StoredEvidence]  # lapsed or lapsing within EVIDENCE_DAYS, soonest first
    incidents: Sequence[OpenIncident]  # overdue first, then by deadline
    runs: Sequence[StoredRun]
    runs_total: int
    coverage: Sequence[FrameworkCoverage] = ()  # filled in by the caller: see posture()


def tier_of(assessment: StoredAssessment | None) -> str:
    """The headline EU AI Act tier of a classification assessment's result."""
    if assessment is None:
        return UNCLASSIFIED
    return _headline(assessment.result.get("tiers"))


def latest_tiers(store: Store) -> dict[str, str]:
    """Each classified system's id and its tier, from its latest final classification.

    One query that reads only each system's latest ``tiers`` (the database picks them):
    decoding every assessment's answers, obligations and rationale was most of the
    overview's time with a few hundred systems."""
    newest = (
        func.row_number()
        .over(
            partition_by=Assessment.system_id,
            order_by=(Assessment.created_at.desc(), Assessment.id.desc()),
        )
        .label("newest")
    )
    ranked = (
        select(Assessment.system_id, Assessment.result["tiers"].label("tiers"), newest)
        .where(Assessment.kind == CLASSIFICATION, Assessment.status == "final")
        .subquery()
    )
    query = select(ranked.c.system_id, ranked.c.tiers).where(ranked.c.newest == 1)
    with Session(store.engine) as session:
        return {system: _headline(tiers) for system, tiers in session.execute(query)}


def _headline(tiers: Any) -> str:
    tiers = tiers if isinstance(tiers, list) else []
    found = [t for t in TIERS if t in tiers]
    return found[0] if found else str(tiers[0]) if tiers else UNCLASSIFIED


def expiring_evidence(store: Store, today: date, days: int = EVIDENCE_DAYS) -> list[StoredEvidence]:
    """Evidence of every system lapsed or lapsing by ``today + days``."""
    return store.evidence.expiring(None, today, days, limit=200)


def system_ids(store: Store) -> list[str]:
    """Every system's id, in one query (listing the records reads their relations too)."""
    with Session(store.engine) as session:
        return list(session.scalars(select(AISystem.id)))


def system_names(store: Store) -> list[str]:
    """Every system's name, sorted, in one query (for filter menus)."""
    with Session(store.engine) as session:
        return sorted(session.scalars(select(AISystem.name)))


def open_incidents(store: Store, now: datetime) -> list[OpenIncident]:
    found = [
        OpenIncident(i, i.status == "open" and i.deadline < now)
        for i in store.incidents.list(open_only=True)
    ]
    return sorted(found, key=lambda o: (not o.overdue, o.incident.deadline))


def posture(
    store: Store,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> Posture:
    """What the overview shows but coverage, which is judged apart since it is the
    costly part: :func:`coverage_summary`, or a :class:`CoverageCache`."""
    now = now or datetime.now(UTC)
    today = today or now.date()
    systems = system_ids(store)
    tiers = latest_tiers(store)
    counts = dict.fromkeys((*TIERS, UNCLASSIFIED), 0)
    for system in systems:
        tier = tiers.get(system, UNCLASSIFIED)
        counts[tier] = counts.get(tier, 0) + 1
    runs, runs_total = store.runs.page(offset=0, limit=LATEST_RUNS)
    return Posture(
        systems=len(systems),
        tiers=list(counts.items()),
        findings=store.findings.summary(today),
        evidence=expiring_evidence(store, today),
        incidents=open_incidents(store, now),
        runs=runs,
        runs_total=runs_total,
    )


def coverage_summary(store: Store, today: date) -> list[FrameworkCoverage]:
    """Coverage per framework of FRAMEWORKS, summed over every system of the inventory."""
    from aisec.services.governance_coverage import FRAMEWORKS, gather, judge

    sums = {f: [0, 0, 0] for f in FRAMEWORKS}
    for system in store.inventory.list(SystemAsset):
        inputs = gather(store, system.id or system.name, today)
        for framework in FRAMEWORKS:
            judged = judge(inputs, framework, today)
            row = sums[framework]
            row[0], row[1], row[2] = row[0] + 1, row[1] + judged.covered, row[2] + judged.total
    return [FrameworkCoverage(f, *sums[f]) for f in FRAMEWORKS]


def coverage_key(store: Store, today: date, findings: FindingSummary, systems: int) -> Hashable:
    """What changes when anything coverage is judged from may have: the day, the audit
    log (evidence, assessments, run links, systems and triage by the server all append to
    it), the runs recorded, and the findings' states."""
    newest, total = store.runs.page(offset=0, limit=1)
    return (
        today,
        store.audit.size(),
        total,
        newest[0].id if newest else None,
        tuple(sorted(findings.by_state.items())),
        systems,
    )


class CoverageCache:
    """The last coverage summary and the key it was judged at; thread-safe, since the
    server runs page handlers in a thread pool.

    A small inventory is judged while the page waits. A large one (several queries per
    system: seconds for hundreds) is judged in a background thread: the page shows the
    last summary, marked as being brought up to date, or says it is being worked out,
    instead of keeping every visitor waiting after each change."""

    INLINE_SYSTEMS = 25

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: Hashable = None
        self._value: list[FrameworkCoverage] | None = None
        self._working: Hashable = None  # the key a background thread is judging

    def get(
        self, store: Store, today: date, findings: FindingSummary, systems: int
    ) -> tuple[list[FrameworkCoverage] | None, bool]:
        """The summary (None: not judged yet) and whether it is being brought up to date."""
        key = coverage_key(store, today, findings, systems)
        with self._lock:
            if self._key == key:
                return self._value, False
            if systems <= self.INLINE_SYSTEMS:
                self._key, self._value = key, coverage_summary(store, today)
                return self._value, False
            if self._working is None:
                self._working = key
                threading.Thread(target=self._judge, args=(store, today, key), daemon=True).start()
            return self._value, True

    def _judge(self, store: Store, today: date, key: Hashable) -> None:
        try:
            value = coverage_summary(store, today)
        except Exception:  # a failing judgement must not leave the page "working" forever
            log.exception("control coverage could not be judged")
            value = None
        with self._lock:
            self._working = None
            if value is not None:
                self._key, self._value = key, value
