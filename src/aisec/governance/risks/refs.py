"""What the register asks of the catalogues: is a ref an ATLAS technique, which ATLAS
mitigations counter it, and which refs of other frameworks the crosswalk relates to it."""

from __future__ import annotations

from collections.abc import Iterable

from aisec.governance.catalogs import Item, load_catalogue, resolve
from aisec.governance.catalogs import crosswalk as cw

_TECHNIQUE_KINDS = ("technique", "sub-technique")
# Weakness and advisory ids are evidence, not framework items: never carried as refs.
_UNCATALOGUED = ("CWE-", "CVE-", "GHSA-")


def technique(ref: str) -> Item | None:
    """The ATLAS technique or sub-technique ``ref`` names, or None."""
    item = load_catalogue("mitre-atlas").get(ref)
    return item if item is not None and item.kind in _TECHNIQUE_KINDS else None


def is_technique(ref: str) -> bool:
    return technique(ref) is not None


def resolves(ref: str) -> bool:
    return resolve(ref) is not None


def _catalogue(ref: str) -> str:
    found = resolve(ref)
    return "" if found is None else found[0].id


def _lineage(ref: str) -> list[str]:
    """``ref`` and, for a sub-technique, its parent technique."""
    item = technique(ref)
    if item is None:
        return [ref]
    return [ref] + ([item.parent] if item.parent else [])


def mitigations(ref: str) -> tuple[str, ...]:
    """ATLAS mitigations linked to the technique or (for a sub-technique) its parent, in
    catalogue order."""
    wanted = set(_lineage(ref))
    return tuple(
        m.id
        for m in load_catalogue("mitre-atlas").of_kind("mitigation")
        if wanted & set(m.attributes.get("techniques", []))
    )


def related(threat: str | None, also: Iterable[str] = ()) -> tuple[str, ...]:
    """The refs a risk relates to, all resolving: what the crosswalk relates the threat
    (and a sub-technique's parent) to, and the non-ATLAS refs in ``also``. A risk without
    a threat also takes the crosswalk groups of ``also`` that name no ATLAS technique (the
    harm and duty groups: fairness, transparency, record-keeping...): the attack groups
    are other risks."""
    out: dict[str, None] = {}
    for own in _lineage(threat) if threat else []:
        out.update(dict.fromkeys(sorted(cw.related(own))))
    for ref in also:
        if is_technique(ref) or ref.startswith(_UNCATALOGUED):
            continue
        out[ref] = None
        if threat is None:
            for group in cw.groups():
                if ref in group.refs and not any(is_technique(g) for g in group.refs):
                    out.update(dict.fromkeys(g for g in group.refs))
    out.pop(threat or "", None)
    return tuple(ref for ref in out if resolves(ref))


def iso_controls(refs: Iterable[str]) -> tuple[str, ...]:
    return tuple(r for r in refs if r.startswith("ISO42001:"))


def techniques_in(refs: Iterable[str]) -> list[str]:
    """The ATLAS techniques among ``refs``; when there are none, those the crosswalk
    relates ``refs``' threat-catalogue items to (``ML06:2023`` leads to ``AML.T0010``).
    Legal and management refs (``EU-AI-Act:Art.10``) are left out of that step: each
    relates to many threats, and a finding citing one evidences none of them."""
    refs = list(refs)
    direct = [r for r in refs if is_technique(r)]
    if direct:
        return list(dict.fromkeys(direct))
    threats = [r for r in refs if _catalogue(r).startswith("owasp-")]
    found = [t for r in threats for t in sorted(cw.related(r)) if is_technique(t)]
    return list(dict.fromkeys(found))
