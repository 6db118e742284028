"""Plain records that go in and out of the store's repositories: the inventory's assets.

Capabilities see these and never SQLAlchemy rows, so that they can be tested against an
in-memory implementation of :mod:`aisec.store.repositories` and so that importing them costs
nothing (no SQLAlchemy). A record without an ``id`` has not been stored yet; the store sets
``id``, the timestamps and the relation ids (``model_ids`` ...), which are read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar

from aisec.core.errors import InvalidRecord
from aisec.store.vocabulary import (  # re-exported: part of the records' contract
    AUTHENTICATIONS,
    EU_AI_ACT_ROLES,
    LIFECYCLE_STAGES,
    SENSITIVITIES,
)


@dataclass(frozen=True, slots=True)
class Place:
    """Where discovery found an asset: a path (relative to what was walked) and a line."""

    path: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Place:
        line = data.get("line")
        return cls(str(data.get("path", "")), line if isinstance(line, int) else None)


@dataclass(frozen=True, kw_only=True)
class Asset:
    kind: ClassVar[str] = "asset"

    id: str | None = None
    discovered_at: tuple[Place, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        # Lists are accepted where tuples are declared, so that a record built from JSON
        # equals the one the store returns.
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))
            elif isinstance(value, Mapping) and not isinstance(value, dict):
                object.__setattr__(self, f.name, dict(value))
        if not all(isinstance(p, Place) for p in self.discovered_at):
            raise InvalidRecord(f"{self.kind}: discovered_at must hold Place records")

    def _choice(self, name: str, choices: tuple[str, ...]) -> None:
        # "" means not known yet, which discovery often cannot tell.
        value = getattr(self, name)
        if value and value not in choices:
            raise InvalidRecord(
                f"{self.kind}: unknown {name.replace('_', ' ')} {value!r}",
                hint="use one of: " + ", ".join(choices),
            )

    def _required(self, name: str) -> None:
        value = getattr(self, name)
        if not isinstance(value, str) or not value.strip():
            raise InvalidRecord(f"{self.kind}: {name} must not be empty")


@dataclass(frozen=True, kw_only=True)
class SystemAsset(Asset):
    """An AI system: what the organisation runs and is accountable for."""

    kind: ClassVar[str] = "system"

    name: str
    intended_purpose: str = ""
    owner: str = ""
    business_unit: str = ""
    lifecycle_stage: str = ""
    deployment_context: str = ""
    eu_ai_act_role: str = ""
    geography: tuple[str, ...] = ()  # where it is placed on the market or used
    model_ids: tuple[str, ...] = ()
    dataset_ids: tuple[str, ...] = ()
    endpoint_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        self._required("name")
        self._choice("lifecycle_stage", LIFECYCLE_STAGES)
        self._choice("eu_ai_act_role", EU_AI_ACT_ROLES)


@dataclass(frozen=True, kw_only=True)
class ModelAsset(Asset):
    kind: ClassVar[str] = "model"

    name: str
    version: str = ""  # part of the natural key: "" is one version, not a wildcard
    framework: str = ""
    format: str = ""
    digests: Mapping[str, str] = field(default_factory=dict)  # algorithm -> hex digest
    licence: str = ""
    source_uri: str = ""  # e.g. hf://org/name, s3://bucket/key, a registry URL
    vendor_id: str | None = None
    dataset_ids: tuple[str, ...] = ()  # trained on

    def __post_init__(self) -> None:
        super().__post_init__()
        self._required("name")


@dataclass(frozen=True, kw_only=True)
class DatasetAsset(Asset):
    kind: ClassVar[str] = "dataset"

    name: str
    source: str = ""
    licence: str = ""
    sensitivity: str = ""
    contains_personal_data: bool | None = None  # None: not assessed
    digests: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._required("name")
        self._choice("sensitivity", SENSITIVITIES)


@dataclass(frozen=True, kw_only=True)
class EndpointAsset(Asset):
    kind: ClassVar[str] = "endpoint"

    url: str
    name: str = ""
    authentication: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._required("url")
        self._choice("authentication", AUTHENTICATIONS)


@dataclass(frozen=True, kw_only=True)
class VendorAsset(Asset):
    kind: ClassVar[str] = "vendor"

    name: str
    website: str = ""
    contact: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._required("name")


ASSET_KINDS: tuple[type[Asset], ...] = (
    SystemAsset,
    ModelAsset,
    DatasetAsset,
    EndpointAsset,
    VendorAsset,
)
