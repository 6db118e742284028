"""The posture summary: AI systems by tier, open findings by severity, the risk heat map,
control coverage per framework, evidence about to expire and open incidents with their
reporting deadlines. All inputs are counts and records a gatherer has already selected."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from aisec.governance.reports import common as c
from aisec.governance.reports.document import Item, ReportDocument, Section, Table, missing, now
from aisec.governance.reports.inputs import Record
from aisec.governance.risks.scoring import LEVELS, SCALE, level

SEVERITIES = ("critical", "high", "medium", "low", "info")
SECTIONS = (
    "AI systems by risk tier",
    "Open findings by severity",
    "Risks by level",
    "Control coverage by framework",
    "Evidence expiring soon",
    "Open incidents and reporting deadlines",
)


@dataclass(frozen=True)
class PostureInput:
    as_of: str  # YYYY-MM-DD
    systems: list[Record] = field(default_factory=list)  # name, tiers
    findings_by_severity: dict[str, int] = field(default_factory=dict)
    risks: list[Record] = field(default_factory=list)  # likelihood, impact, status
    coverage: list[Record] = field(default_factory=list)  # framework, covered, total
    evidence: list[Record] = field(default_factory=list)  # name, system, expires
    incidents: list[Record] = field(default_factory=list)  # id, title, system, due, status
    expiry_window_days: int = 30


def _systems(systems: list[Record]) -> Section:
    if not systems:
        return Section(SECTIONS[0], items=[missing("Systems", "No AI system in the inventory.")])
    tiers: Counter[str] = Counter()
    for s in systems:
        for tier in s.get("tiers") or ["not classified"]:
            tiers[str(tier)] += 1
    rows = [[tier, str(n)] for tier, n in sorted(tiers.items())]
    caption = f"{len(systems)} systems; a system with two tiers counts in both"
    return Section(SECTIONS[0], tables=[Table(["Tier", "Systems"], rows, caption)])


def _findings(counts: dict[str, int]) -> Section:
    names = [*SEVERITIES, *(k for k in counts if k not in SEVERITIES)]
    rows = [[name, str(counts.get(name, 0))] for name in names]
    return Section(SECTIONS[1], tables=[Table(["Severity", "Open findings"], rows)])


def heat_map(risks: list[Record]) -> Table:
    """Open risks counted by likelihood (rows, 5 down to 1) and impact (columns)."""
    grid: Counter[tuple[int, int]] = Counter()
    for r in risks:
        lk, im = r.get("likelihood"), r.get("impact")
        if isinstance(lk, int) and isinstance(im, int) and lk in SCALE and im in SCALE:
            grid[(lk, im)] += 1
    rows = [
        [f"likelihood {lk}", *(f"{grid[(lk, im)]} ({level(lk * im)})" for im in SCALE)]
        for lk in reversed(SCALE)
    ]
    header = ["", *(f"impact {im}" for im in SCALE)]
    return Table(header, rows, "Count of open risks per cell, with the cell's level")


def _level(risk: Record) -> str:
    if risk.get("level"):
        return str(risk["level"])
    lk, im = risk.get("likelihood"), risk.get("impact")
    if isinstance(lk, int) and isinstance(im, int) and lk in SCALE and im in SCALE:
        return level(lk * im)
    return "unrated"


def _risks(risks: list[Record]) -> Section:
    open_risks = [r for r in risks if r.get("status") not in ("closed", "accepted")]
    if not risks:
        return Section(SECTIONS[2], items=[missing("Risk register", "No risk recorded.")])
    levels = Counter(_level(r) for r in open_risks)
    names = [*reversed(LEVELS), *sorted(set(levels) - set(LEVELS))]
    by_level = Table(["Level", "Open risks"], [[lv, str(levels[lv])] for lv in names])
    return Section(SECTIONS[2], tables=[by_level, heat_map(open_risks)])


def _coverage(coverage: list[Record]) -> Section:
    if not coverage:
        return Section(SECTIONS[3], items=[missing("Coverage", "No control mapping supplied.")])
    rows = []
    for x in coverage:
        covered, total = x.get("covered"), x.get("total")
        share = (
            f"{100 * covered / total:.0f}%"
            if isinstance(covered, int) and isinstance(total, int) and total > 0
            else c.NO_VALUE
        )
        rows.append([c.text(x.get("framework")), c.text(covered), c.text(total), share])
    return Section(SECTIONS[3], tables=[Table(["Framework", "Covered", "Total", "Share"], rows)])


def _evidence(d: PostureInput, as_of: date) -> Section:
    limit = as_of + timedelta(days=d.expiry_window_days)
    rows = []
    for e in d.evidence:
        try:
            expires = date.fromisoformat(str(e.get("expires")))
        except ValueError:
            continue
        if expires <= limit:
            state = "expired" if expires < as_of else f"{(expires - as_of).days} days left"
            rows.append([c.text(e.get("name")), c.text(e.get("system")), str(expires), state])
    caption = f"Evidence expired or expiring by {limit.isoformat()}"
    table = Table(
        ["Evidence", "System", "Expires", "State"], sorted(rows, key=lambda r: r[2]), caption
    )
    return Section(SECTIONS[4], tables=[table])


def _incidents(incidents: list[Record]) -> Section:
    keys = ("id", "title", "system", "report_type", "due", "status")
    rows = [[c.text(i.get(k)) for k in keys] for i in incidents]
    rows.sort(key=lambda r: r[4])
    header = ["Id", "Incident", "System", "Report", "Due", "Status"]
    return Section(SECTIONS[5], tables=[Table(header, rows)])


def posture_summary(data: PostureInput, *, generated_at: datetime | None = None) -> ReportDocument:
    as_of = date.fromisoformat(data.as_of)
    sections = [
        _systems(data.systems),
        _findings(data.findings_by_severity),
        _risks(data.risks),
        _coverage(data.coverage),
        _evidence(data, as_of),
        _incidents(data.incidents),
    ]
    overview = Item("As of", as_of.isoformat(), "info")
    sections[0] = Section(
        sections[0].heading, items=[overview, *sections[0].items], tables=sections[0].tables
    )
    return ReportDocument(
        "posture",
        "AI security and compliance posture",
        f"as of {as_of.isoformat()}",
        now(generated_at),
        sections,
    )
