"""Control coverage: which requirements of a framework a system can show evidence for.

An item of a catalogue is judged from three kinds of source: runs of checks whose own
refs name it, evidence records that cite it, and final assessments whose kind stands for
it. Checks that reach it only through one hop of the crosswalk are listed with it as
hints (``via: crosswalk``) but do not decide its status: they test something related,
not the item. Pure over plain inputs; the store-backed gathering is
:mod:`aisec.services.governance_coverage`.

Status of an item, first rule that holds:

``failing``   a current run of some check naming it (the newest for what it judged: a
              scanned target, or the system) found problems (open findings or failed
              thresholds): there is evidence, and it shows non-compliance, which no
              document can outweigh;
``evidenced`` a passing check run, a final assessment, or evidence valid for at least
              ``within_days`` more days;
``expiring``  only evidence that lapses within ``within_days``;
``expired``   only evidence that has lapsed;
``gap``       nothing at all.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date

from aisec.governance.catalogs import Catalogue, Item, load_catalogue
from aisec.governance.coverage_model import (
    COVERED,
    STATUSES,
    AssessmentLike,
    CheckRun,
    Coverage,
    EvidenceLike,
    ItemCoverage,
    Source,
)

__all__ = [
    "ASSESSMENT_REFS",
    "COVERED",
    "REQUIREMENT_KINDS",
    "STATUSES",
    "CheckRun",
    "Coverage",
    "ItemCoverage",
    "Source",
    "coverage",
    "requirement_items",
    "status_of",
]

# The kinds that are requirements a system answers to, per catalogue; the rest (tiers,
# dates, definitions, tactics, functions...) structure the text rather than ask for
# anything. A catalogue not named here counts its leaves.
REQUIREMENT_KINDS: Mapping[str, tuple[str, ...]] = {
    "eu-ai-act": ("obligation",),
    "nist-ai-rmf": ("subcategory",),
    "iso-42001": ("control",),
    "mitre-atlas": ("technique", "sub-technique"),  # threats a test can cover
    "gdpr": ("article",),
    "nist-ai-600-1": ("risk",),
    "owasp-ml-2023": ("risk",),
    "owasp-llm-2025": ("risk",),
    "owasp-llm-2026": ("risk",),
    "owasp-agentic-2026": ("risk",),
}

# What a final assessment of a kind stands as evidence for: aisec's own reading of which
# provisions each assessment discharges (a classification is the Art. 6 judgement and the
# start of the Art. 9 risk management, not the whole of it).
ASSESSMENT_REFS: Mapping[str, tuple[str, ...]] = {
    "fria": ("EU-AI-Act:Art.27", "ISO42001:A.5.4", "ISO42001:A.5.5"),
    "dpia": ("GDPR:Art.35", "ISO42001:A.5.4"),
    "eu-ai-act-classification": ("EU-AI-Act:Art.6", "NIST-AI-RMF:MAP 1.1"),
    "conformity": ("EU-AI-Act:Art.16",),
    "impact-assessment": ("ISO42001:A.5.2", "ISO42001:A.5.3", "ISO42001:A.5.4"),
}


def requirement_items(catalogue: Catalogue) -> list[Item]:
    kinds = REQUIREMENT_KINDS.get(catalogue.id)
    if kinds is None:
        parents = {i.parent for i in catalogue if i.parent}
        return [i for i in catalogue if i.id not in parents]
    return [i for i in catalogue if i.kind in kinds]


def _current(runs: Sequence[CheckRun]) -> list[CheckRun]:
    """Per subject, the newest day's runs (an older failure of the same subject, fixed
    since, no longer counts); the runs of every subject together."""
    by_subject: dict[str, list[CheckRun]] = {}
    for run in runs:
        by_subject.setdefault(run.subject, []).append(run)
    out: list[CheckRun] = []
    for same in by_subject.values():
        newest = max((r.day for r in same if r.day is not None), default=None)
        out += [r for r in same if r.day == newest] or same
    return out


def _check_sources(checks_run: Mapping[str, Sequence[CheckRun]]) -> dict[str, list[Source]]:
    """Per ref, the judgement of each check that reaches it: its current runs (see
    :func:`_current`), failed if any of them failed."""
    from aisec.governance.catalogs.crosswalk import check_refs, requirements_for_check

    own_refs = check_refs()
    out: dict[str, list[Source]] = {}
    for check_id, runs in sorted(checks_run.items()):
        if not runs:
            continue
        latest = _current(runs)
        failed = [r for r in latest if not r.passed]
        run = (failed or latest)[0]
        own = set(own_refs.get(check_id, ()))
        for ref in requirements_for_check(check_id):
            out.setdefault(ref, []).append(Source(
                "check", run.run_id, check_id, "failed" if failed else "passed", run.day,
                run.detail, via="direct" if ref in own else "crosswalk",
            ))  # fmt: skip
    return out


def _evidence_sources(
    evidence: Iterable[EvidenceLike], today: date, within_days: int
) -> dict[str, list[Source]]:
    out: dict[str, list[Source]] = {}
    for e in evidence:
        starts = getattr(e, "valid_from", None)
        if isinstance(starts, date) and starts > today:
            continue  # not valid yet: it evidences nothing today
        until = e.valid_until
        if until is None or (until - today).days >= within_days:
            state = "valid"
        else:
            state = "expired" if until < today else "expiring"
        for ref in e.refs:
            out.setdefault(ref, []).append(Source("evidence", e.id, e.title, state, until))
    return out


def _assessment_sources(assessments: Iterable[AssessmentLike]) -> dict[str, list[Source]]:
    out: dict[str, list[Source]] = {}
    for a in assessments:
        if a.status != "final":
            continue  # a draft judgement is work in progress, not evidence
        for ref in ASSESSMENT_REFS.get(a.kind, ()):
            out.setdefault(ref, []).append(Source("assessment", a.id, a.kind, a.status, a.as_of))
    return out


def status_of(sources: Sequence[Source]) -> str:
    # A check reaches an item through the crosswalk when it tests something related, not
    # the item itself (an extraction test is not evidence for OWASP ML01): such sources
    # are listed with the item as hints, but only direct ones decide its status.
    states = {s.state for s in sources if s.via != "crosswalk"}
    if "failed" in states:
        return "failing"
    if states & {"passed", "valid", "final"}:
        return "evidenced"
    if "expiring" in states:
        return "expiring"
    return "expired" if "expired" in states else "gap"


def coverage(
    framework_id: str,
    *,
    checks_run: Mapping[str, Sequence[CheckRun]],
    evidence_records: Iterable[EvidenceLike] = (),
    assessments: Iterable[AssessmentLike] = (),
    today: date,
    applicable: Collection[str] | None = None,
    within_days: int = 30,
) -> Coverage:
    """The coverage of ``framework_id``'s requirements. ``checks_run`` maps a check id to
    the runs that judged it; ``applicable`` (item ids or refs), when given, limits the
    items judged to those, and may add items of other kinds the system is bound by."""
    catalogue = load_catalogue(framework_id)
    candidates = requirement_items(catalogue)
    kept = {i.id for i in candidates}
    if applicable is not None:
        named = (catalogue.item_for_ref(a) or catalogue.get(a) for a in applicable)
        wanted = {i.id: i for i in named if i is not None}
        kept &= set(wanted)
        chosen = [i for i in candidates if i.id in kept]
        chosen += [i for i in wanted.values() if i.id not in kept]
    else:
        chosen = candidates
    by_ref: dict[str, list[Source]] = {}
    for gathered in (_check_sources(checks_run),
                     _evidence_sources(evidence_records, today, within_days),
                     _assessment_sources(assessments)):  # fmt: skip
        for ref, found in gathered.items():
            by_ref.setdefault(ref, []).extend(found)
    items = []
    for item in chosen:
        ref = catalogue.ref(item)
        sources = tuple(by_ref.get(ref, ()))
        items.append(ItemCoverage(ref, item.kind, item.title or item.summary,
                                  status_of(sources), sources))  # fmt: skip
    return Coverage(
        framework=catalogue.id,
        title=catalogue.title,
        today=today,
        items=tuple(items),
        not_applicable=len(candidates) - len(kept),
        scoped=applicable is not None,
    )
