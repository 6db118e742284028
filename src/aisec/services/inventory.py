"""The inventory as ``aisec inventory`` and Python callers use it: kinds by name, assets
found by name or id (with suggestions when none matches), and relations shown both ways.

Everything takes an :class:`~aisec.store.repositories.InventoryRepository`, so it works
against the store or a fake; nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from typing import Any, TypeVar

from aisec.core.errors import InvalidRecord, RecordNotFound, UsageError
from aisec.store.records import (
    ASSET_KINDS,
    Asset,
    DatasetAsset,
    EndpointAsset,
    ModelAsset,
    SystemAsset,
    VendorAsset,
)
from aisec.store.repositories import InventoryRepository

A = TypeVar("A", bound=Asset)

KIND_NAMES: dict[str, type[Asset]] = {kind.kind: kind for kind in ASSET_KINDS}
# What ``show`` lists under each kind, in this order: (heading, related kind).
RELATION_HEADINGS: dict[type[Asset], tuple[tuple[str, type[Asset]], ...]] = {
    SystemAsset: (("models", ModelAsset), ("datasets", DatasetAsset), ("endpoints", EndpointAsset)),
    ModelAsset: (("vendor", VendorAsset), ("trained on", DatasetAsset), ("systems", SystemAsset)),
    DatasetAsset: (("trains models", ModelAsset), ("systems", SystemAsset)),
    EndpointAsset: (("systems", SystemAsset),),
    VendorAsset: (("models", ModelAsset),),
}
_READ_ONLY = frozenset({"id", "discovered_at", "created_at", "updated_at"})
_RELATION_FIELDS = frozenset({"model_ids", "dataset_ids", "endpoint_ids", "vendor_id"})


def parse_kind(text: str) -> type[Asset]:
    """``system`` or ``systems`` (any case) -> SystemAsset; UsageError otherwise."""
    name = text.strip().lower()
    kind = KIND_NAMES.get(name) or KIND_NAMES.get(name.removesuffix("s"))
    if kind is None:
        raise UsageError(
            f"unknown kind of asset {text!r}",
            hint="use one of: " + ", ".join(f"{k}s" for k in KIND_NAMES),
        )
    return kind


def label(asset: Asset) -> str:
    """How an asset is named to people: its name (``name@version`` for a versioned model,
    the URL for an endpoint)."""
    if isinstance(asset, ModelAsset):
        return f"{asset.name}@{asset.version}" if asset.version else asset.name
    if isinstance(asset, EndpointAsset):
        return asset.url
    return str(getattr(asset, "name", asset.id))


def resolve(repo: InventoryRepository, kind: type[A], ref: str) -> A:
    """The asset of ``kind`` that ``ref`` names: its id, its name (a model's
    ``NAME@VERSION``, or NAME when only one version is stored), an endpoint's URL or name.
    RecordNotFound with the closest names as a hint when none matches."""
    ref = ref.strip()
    by_id = repo.get(kind, ref) if _looks_like_id(ref) else None
    if by_id is not None:
        return by_id
    assets = repo.list(kind)
    matches = [a for a in assets if ref in _names(a)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        shown = ", ".join(sorted(label(a) for a in matches))
        raise InvalidRecord(
            f"{ref!r} names {len(matches)} {kind.kind}s: {shown}",
            hint="name one as NAME@VERSION, or by its id",
        )
    raise RecordNotFound(f"no {kind.kind} named {ref!r}", hint=_suggest(kind, ref, assets))


def _looks_like_id(ref: str) -> bool:
    return len(ref) == 36 and ref.count("-") == 4


def _names(asset: Asset) -> set[str]:
    names = {label(asset), str(asset.id)}
    if isinstance(asset, ModelAsset):
        names.add(asset.name)
    if isinstance(asset, EndpointAsset) and asset.name:
        names.add(asset.name)
    return names


def _suggest(kind: type[Asset], ref: str, assets: list[Any]) -> str:
    close = difflib.get_close_matches(ref, sorted({label(a) for a in assets}), n=3, cutoff=0.5)
    if close:
        return "did you mean: " + ", ".join(close) + "?"
    if not assets:
        return f"no {kind.kind}s are stored yet: add one with aisec inventory add {kind.kind}"
    return f"list them with: aisec inventory list {kind.kind}s"


def add(repo: InventoryRepository, kind: type[A], values: Mapping[str, Any]) -> A:
    """A new asset of ``kind`` from field values; InvalidRecord names what is wrong."""
    _check_fields(kind, values)
    missing = [
        f.name
        for f in dataclasses.fields(kind)
        if f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
        and f.name not in values
    ]
    if missing:
        raise InvalidRecord(f"a {kind.kind} needs a {' and a '.join(missing)}")
    _check_name(kind, values)
    return repo.add(kind(**values))


def edit(repo: InventoryRepository, kind: type[A], ref: str, changes: Mapping[str, Any]) -> A:
    """The asset ``ref`` names with ``changes`` applied (an empty string clears a field)."""
    _check_fields(kind, changes)
    asset = resolve(repo, kind, ref)
    if not changes:
        raise UsageError(
            f"nothing to change for {kind.kind} {label(asset)!r}", hint="give --FIELD VALUE"
        )
    _check_name(kind, changes)
    return repo.update(dataclasses.replace(asset, **changes))


def remove(
    repo: InventoryRepository,
    kind: type[Asset],
    ref: str,
    *,
    force: bool = False,
    actor: str = "aisec",
) -> Asset:
    """Remove the asset ``ref`` names. A system with governance records is refused unless
    ``force`` (as ``aisec inventory remove --force``); ``actor`` is named in the audit
    entry that a forced removal writes."""
    asset = resolve(repo, kind, ref)
    repo.remove(kind, str(asset.id), force=force, actor=actor)
    return asset


def link(
    repo: InventoryRepository,
    source: tuple[type[Asset], str],
    target: tuple[type[Asset], str],
    *,
    add: bool = True,
) -> tuple[Asset, Asset]:
    """Relate (or, with ``add=False``, unrelate) two assets named by kind and name or id."""
    first = resolve(repo, *source)
    second = resolve(repo, *target)
    if add:
        repo.link(first, second)
    else:
        repo.unlink(first, second)
    return first, second


def related(repo: InventoryRepository, asset: Asset) -> dict[str, list[Asset]]:
    """The assets related to ``asset``, under the headings ``show`` uses."""
    return {heading: repo.related(asset, kind) for heading, kind in RELATION_HEADINGS[type(asset)]}


def to_dict(asset: Asset) -> dict[str, Any]:
    """The asset as JSON data: its fields, timestamps in ISO 8601, places as objects."""
    out: dict[str, Any] = {"kind": asset.kind}
    for f in dataclasses.fields(asset):
        value = getattr(asset, f.name)
        if f.name == "discovered_at":
            value = [p.to_dict() for p in value]
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        out[f.name] = value
    return out


def editable_fields(kind: type[Asset]) -> tuple[str, ...]:
    """The fields people set with ``add`` and ``edit``: not ids, timestamps or relations."""
    skip = _READ_ONLY | _RELATION_FIELDS
    return tuple(f.name for f in dataclasses.fields(kind) if f.name not in skip)


def _check_fields(kind: type[Asset], values: Mapping[str, Any]) -> None:
    unknown = sorted(set(values) - set(editable_fields(kind)))
    if unknown:
        raise UsageError(
            f"a {kind.kind} has no field {', '.join(unknown)}",
            hint="fields: " + ", ".join(editable_fields(kind)),
        )


def _check_name(kind: type[Asset], values: Mapping[str, Any]) -> None:
    """Refuse a system name that cannot stand as one segment of a URL path.

    A system's name is how people, links and the dashboard's addresses name it
    (``/systems/NAME/approvals``): a ``/``, a ``.`` or ``..`` segment would be read as
    another path (a decoy named ``../systems/prod`` leading to prod's page), and control
    characters or surrounding spaces make two names that look the same. Other kinds
    keep free names: a dataset's or a model's name may well be a path."""
    if kind is not SystemAsset or "name" not in values:
        return
    name = values["name"]
    if not isinstance(name, str):
        return
    reason = ""
    if name in (".", ".."):
        reason = "may not be '.' or '..'"
    elif "/" in name or "\\" in name:
        reason = "may not contain '/' or '\\'"
    elif any(ord(c) < 32 or 127 <= ord(c) < 160 for c in name):
        reason = "may not contain control characters"
    elif name != name.strip():
        reason = "may not begin or end with a space"
    if reason:
        raise InvalidRecord(
            f"the system name {name!r} {reason}",
            hint="name it with letters, digits, spaces inside, '-', '_' or '.'",
        )
