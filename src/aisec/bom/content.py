"""What a BOM says, before it is CycloneDX: the subject, its assets, how they relate, and
the open findings of each model. Plain records, no I/O and no CycloneDX import, so the
collectors, the writer and the reader can each be tested alone.

Relations are held by bom-ref, not by store id: a BOM of a path has assets that no store
has seen, and a BOM read from a file has assets that this store has not numbered yet.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from aisec.core.severity import Severity
from aisec.store.component_records import ComponentRecord
from aisec.store.records import (
    Asset,
    DatasetAsset,
    EndpointAsset,
    ModelAsset,
    SystemAsset,
    VendorAsset,
)

# Fixed forever: bom-refs and serial numbers are UUIDv5 names under it, so that the same
# inventory gives the same document in any store (docs/adr/0013).
NAMESPACE = uuid.UUID("6f1c2b1e-4d0a-5b7e-9c3f-2a8e4b6d0c11")


def natural_key(asset: Asset) -> tuple[str, ...]:
    """The store's natural key of ``asset`` (ADR 0010): what an import upserts by."""
    if isinstance(asset, ModelAsset):
        return (asset.name, asset.version)
    if isinstance(asset, EndpointAsset):
        return (asset.url,)
    if isinstance(asset, ComponentRecord):
        return asset.key
    if isinstance(asset, SystemAsset | DatasetAsset | VendorAsset):
        return (asset.name,)
    raise TypeError(f"no natural key for {type(asset).__name__}")


def bom_ref(asset: Asset) -> str:
    """A bom-ref that names the asset in every store: derived from its natural key, not
    its id, because ids are made by each store and an import makes new ones."""
    key = "\x1f".join((asset.kind, *natural_key(asset)))
    # Names from file systems and documents may hold lone surrogates, which UTF-8 (and so
    # uuid5) refuses; they are named by their escapes, as the store keeps them.
    safe = key.encode("utf-8", "backslashreplace").decode("utf-8")
    return f"{asset.kind}-{uuid.uuid5(NAMESPACE, safe)}"


@dataclass(frozen=True)
class BomFinding:
    """An open finding about a model, as the BOM reports it (a CycloneDX vulnerability)."""

    fingerprint: str
    check_id: str
    severity: Severity
    title: str
    message: str
    location: str
    remediation: str = ""
    refs: tuple[str, ...] = ()


@dataclass
class BomContent:
    """The subject (a system, or the system a path stands for) and everything listed."""

    root: SystemAsset
    models: list[ModelAsset] = field(default_factory=list)
    datasets: list[DatasetAsset] = field(default_factory=list)
    endpoints: list[EndpointAsset] = field(default_factory=list)
    vendors: list[VendorAsset] = field(default_factory=list)
    libraries: list[ComponentRecord] = field(default_factory=list)  # category "dependency"
    uses: list[str] = field(default_factory=list)  # refs the subject uses directly
    trained_on: dict[str, list[str]] = field(default_factory=dict)  # model ref -> dataset refs
    supplied_by: dict[str, str] = field(default_factory=dict)  # model ref -> vendor name
    findings: dict[str, list[BomFinding]] = field(default_factory=dict)  # model ref -> open
    # Of a document read back: its identity (a UUIDv5 of its JSON) and its timestamp, which
    # the import's run takes as its own (docs/adr/0013). Unset for a BOM being written.
    document_id: str = ""
    timestamp: datetime | None = None

    def vendor(self, name: str) -> VendorAsset | None:
        return next((v for v in self.vendors if v.name == name), None)
