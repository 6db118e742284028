"""The crosswalk: which refs of different frameworks address the same thing, and which
framework items each registered check gives evidence for (through its ``refs``).

Governance uses it to link a scan's or a test's checks to the controls of every framework
a system answers to, not only the ones the check's author named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from aisec.governance.catalogs.loader import CatalogueError

SCHEMA = "aisec.crosswalk/1"
RELATIONS = ("equivalent", "related")


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    relation: str
    refs: tuple[str, ...]


def parse(raw: Any) -> tuple[Group, ...]:
    if not isinstance(raw, Mapping) or raw.get("schema") != SCHEMA:
        raise CatalogueError("crosswalk", f"not an {SCHEMA} document")
    groups = []
    for entry in raw.get("groups") or []:
        if not isinstance(entry, Mapping):
            raise CatalogueError("crosswalk", f"a group is not a mapping: {entry!r}")
        name = str(entry.get("name", "")).strip()
        relation = entry.get("relation")
        refs = entry.get("refs")
        if not name or relation not in RELATIONS:
            raise CatalogueError("crosswalk", f"group {name!r}: needs a name and a relation")
        if not isinstance(refs, list) or len(refs) < 2:
            raise CatalogueError("crosswalk", f"group {name!r}: needs at least two refs")
        groups.append(Group(name, str(relation), tuple(str(r) for r in refs)))
    return tuple(groups)


@cache
def groups() -> tuple[Group, ...]:
    import yaml

    text = (resources.files("aisec.governance.catalogs") / "data" / "crosswalk.yaml").read_text(
        encoding="utf-8"
    )
    return parse(yaml.safe_load(text))


def related(ref: str) -> set[str]:
    """Refs that share a crosswalk group with ``ref`` (not ``ref`` itself)."""
    out: set[str] = set()
    for group in groups():
        if ref in group.refs:
            out.update(group.refs)
    out.discard(ref)
    return out


def check_refs() -> dict[str, tuple[str, ...]]:
    """Each registered check's framework refs (weakness and advisory ids left out)."""
    from aisec.core.registry import default_registry

    return {
        check.id: tuple(r for r in check.refs if not r.startswith(("CWE-", "CVE-", "GHSA-")))
        for check in default_registry().enabled()
    }


def requirements_for_check(check_id: str) -> set[str]:
    """Every framework item a finding (or a clean result) of ``check_id`` speaks to: its
    own refs and what the crosswalk relates them to."""
    own = set(check_refs().get(check_id, ()))
    out = set(own)
    for ref in own:
        out |= related(ref)
    return out
