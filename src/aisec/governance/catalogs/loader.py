"""Reading and checking catalogue files (``data/<id>.yaml``, schema ``aisec.catalogue/1``).

The files ship in the package; a broken one is a bug, so every rule is checked and every
problem named, and the tests load them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from aisec.core.errors import ConfigError
from aisec.governance.catalogs.model import Catalogue, Item

SCHEMA = "aisec.catalogue/1"
_META = ("id", "title", "version", "publisher", "licence", "source", "retrieved")
_ITEM_KEYS = {"id", "kind", "title", "summary", "parent", "attributes"}


class CatalogueError(ConfigError):
    def __init__(self, catalogue: str, message: str) -> None:
        super().__init__(f"catalogue {catalogue}: {message}")


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(where, f"{key} must be a non-empty string")
    return value


def _item(raw: Any, where: str, kinds: tuple[str, ...]) -> Item:
    if not isinstance(raw, Mapping):
        raise CatalogueError(where, f"an item is not a mapping: {raw!r}")
    unknown = set(raw) - _ITEM_KEYS
    if unknown:
        raise CatalogueError(where, f"item {raw.get('id')!r} has unknown keys {sorted(unknown)}")
    item_id = str(raw.get("id", "")).strip()
    if not item_id:
        raise CatalogueError(where, "an item has no id")
    kind = raw.get("kind")
    if kind not in kinds:
        raise CatalogueError(where, f"item {item_id!r}: kind {kind!r} is not one of {kinds}")
    attributes = raw.get("attributes", {})
    if not isinstance(attributes, Mapping):
        raise CatalogueError(where, f"item {item_id!r}: attributes must be a mapping")
    parent = raw.get("parent")
    return Item(
        id=item_id,
        kind=str(kind),
        title=str(raw.get("title", "") or ""),
        summary=str(raw.get("summary", "") or ""),
        parent=None if parent is None else str(parent),
        attributes=dict(attributes),
    )


def parse(raw: Any, where: str = "<data>") -> Catalogue:
    """A catalogue from its parsed YAML; CatalogueError names every broken rule."""
    if not isinstance(raw, Mapping) or raw.get("schema") != SCHEMA:
        raise CatalogueError(where, f"not an {SCHEMA} document")
    meta = {key: _text(raw, key, where) for key in _META if key != "retrieved"}
    retrieved = raw.get("retrieved")
    if not isinstance(retrieved, dt.date):
        try:
            retrieved = dt.date.fromisoformat(str(retrieved))
        except ValueError:
            raise CatalogueError(where, "retrieved must be a date (YYYY-MM-DD)") from None
    kinds = raw.get("kinds")
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
        raise CatalogueError(where, "kinds must be a non-empty list of names")
    items = tuple(_item(r, where, tuple(kinds)) for r in raw.get("items") or [])
    if not items:
        raise CatalogueError(where, "has no items")
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise CatalogueError(where, f"item {item.id!r} is listed twice")
        seen.add(item.id)
    for item in items:
        if item.parent is not None and item.parent not in seen:
            raise CatalogueError(where, f"item {item.id!r}: parent {item.parent!r} is not an item")
    prefix = raw.get("ref_prefix", "")
    if not isinstance(prefix, str):
        raise CatalogueError(where, "ref_prefix must be a string")
    return Catalogue(
        retrieved=retrieved,
        ref_prefix=prefix,
        kinds=tuple(kinds),
        items=items,
        notes=str(raw.get("notes", "") or ""),
        **meta,
    )


def _data_files() -> dict[str, Any]:
    folder = resources.files("aisec.governance.catalogs") / "data"
    return {
        entry.name.removesuffix(".yaml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml") and not entry.name.startswith("crosswalk")
    }


def catalogue_ids() -> list[str]:
    return sorted(_data_files())


@cache
def load_catalogue(catalogue_id: str) -> Catalogue:
    import yaml

    files = _data_files()
    if catalogue_id not in files:
        raise ConfigError(
            f"no catalogue {catalogue_id!r}", hint=f"known: {', '.join(sorted(files))}"
        )
    raw = yaml.safe_load(files[catalogue_id].read_text(encoding="utf-8"))
    catalogue = parse(raw, catalogue_id)
    if catalogue.id != catalogue_id:
        raise CatalogueError(catalogue_id, f"its id is {catalogue.id!r}, not the file's name")
    return catalogue


def all_catalogues() -> list[Catalogue]:
    return [load_catalogue(c) for c in catalogue_ids()]


def resolve(ref: str) -> tuple[Catalogue, Item] | None:
    """The catalogue item a framework ref names, or None (CWE, CVE and GHSA ids name
    weaknesses and advisories, not requirements: they are not catalogued)."""
    for catalogue in all_catalogues():
        item = catalogue.item_for_ref(ref)
        if item is not None:
            return catalogue, item
    return None
