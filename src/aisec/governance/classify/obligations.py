"""Which catalogue obligations fall on which role, and from when.

The catalogue says, per obligation, the roles it binds (``roles``), the tiers it concerns
(``applies_to``) and its dates (``applies_from``); the case adds what the tiers alone
cannot: which Art. 50 paragraphs are triggered, the open-source relief of Arts. 53(2) and
54(6), who must carry out an impact assessment (Art. 27), where the system is registered
(Art. 49: the EU database, or nationally for critical infrastructure) and by whom, whether
an authorised representative is needed (Arts. 22, 54) and whether Art. 111(2) defers the
high-risk duties of a system already on the market.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from aisec.governance.catalogs import Item
from aisec.governance.classify import dates
from aisec.governance.classify import facts as f
from aisec.governance.classify.result import Duty

# Obligations whose paragraphs or points are chosen one by one instead of listed whole.
_SPLIT = {"Art.50", "Art.53"}
_OPEN_SOURCE_KEPT = ("Art.53(1)(c)", "Art.53(1)(d)")
_REPRESENTATIVE = {"Art.22", "Art.54"}


@dataclass(frozen=True)
class Case:
    tiers: frozenset[str]
    relevant_dates: frozenset[str]
    transparency: tuple[str, ...] = ()  # Art. 50 paragraphs triggered
    open_source_relief: bool = False
    fria: bool = False
    public_authority: bool = False
    derogation: bool = False
    eu_registration: bool = False  # Art. 49(1)/(3): some use case outside Annex III point 2
    national_registration: bool = False  # Art. 49(5): Annex III point 2 only
    outside_eu: bool = False  # the provider needs an authorised representative
    # Art. 111(2): the proviso leading the status of high-risk duties ("" when none)
    legacy_condition: str = ""


def _top_level(item: Item) -> bool:
    cat = f.catalogue()
    parent = cat.get(item.parent) if item.parent else None
    while parent is not None:
        if parent.kind == "obligation":
            return False
        parent = cat.get(parent.parent) if parent.parent else None
    return True


def _candidates(item: Item, case: Case) -> list[str]:
    if item.id == "Art.50":
        return list(case.transparency)
    if item.id == "Art.53" and case.open_source_relief:
        return list(_OPEN_SOURCE_KEPT)
    if item.id == "Art.49":
        if case.eu_registration:
            return [item.id]
        return ["Art.49(5)"] if case.national_registration else []
    return [item.id]


def _binds(item_id: str, role: str, case: Case) -> bool:
    item = f.catalogue().get(item_id)
    if item is None or role not in item.attributes.get("roles", []):
        return False
    if not case.tiers & set(item.attributes.get("applies_to", [])):
        return False
    # Only a provider established outside the Union has an authorised representative.
    if role == "authorised-representative" and not case.outside_eu:
        return False
    if item_id == "Art.27":
        return case.fria
    if item_id in _REPRESENTATIVE:
        # Art. 54(6) spares open-source models without systemic risk.
        return case.outside_eu and not (item_id == "Art.54" and case.open_source_relief)
    # Only public-authority deployers register their use (Art. 49(3)).
    return not (item_id == "Art.49" and role == "deployer" and not case.public_authority)


def _condition(item_id: str, case: Case) -> str:
    item = f.catalogue().get(item_id)
    high_risk_only = item is not None and item.attributes.get("applies_to") == ["high-risk"]
    return case.legacy_condition if high_risk_only else ""


def for_roles(
    case: Case, roles: Iterable[str], use_amended: bool, as_of: date
) -> dict[str, tuple[Duty, ...]]:
    cat = f.catalogue()
    ordered = [i for i in cat.of_kind("obligation") if _top_level(i)]
    result: dict[str, tuple[Duty, ...]] = {}
    for role in roles:
        duties: list[Duty] = []
        for item in ordered:
            for item_id in _candidates(item, case):
                if not _binds(item_id, role, case):
                    continue
                date_id = dates.pick(item_id, case.relevant_dates, use_amended)
                if date_id is not None:
                    condition = _condition(item_id, case)
                    duties.append(dates.duty(item_id, date_id, use_amended, as_of, condition))
        if role == "provider" and case.derogation:
            duties.extend(_derogation_duties(case, use_amended, as_of))
        result[role] = tuple(duties)
    return result


def _derogation_duties(case: Case, use_amended: bool, as_of: date) -> list[Duty]:
    # Art. 6(4) and Art. 49(2) carry no dates of their own in the catalogue; they belong to
    # the Annex III regime, so they take the date registration has there (Art. 49).
    date_id = dates.pick("Art.49", case.relevant_dates, use_amended)
    if date_id is None:
        return []
    return [dates.duty(i, date_id, use_amended, as_of) for i in ("Art.6(4)", "Art.49(2)")]


def prohibitions(practices: Iterable[str], use_amended: bool, as_of: date) -> tuple[Duty, ...]:
    """Every matched practice, dated; the engine splits those in force from the rest."""
    found = []
    for practice in practices:
        # Practices without dates of their own apply with Art. 5.
        own = dates.listed(practice) or dates.listed("Art.5")
        date_id = dates.pick(practice if dates.listed(practice) else "Art.5", own, use_amended)
        if date_id is not None:
            found.append(dates.duty(practice, date_id, use_amended, as_of))
    return tuple(found)
