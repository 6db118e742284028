"""Components as plain records, and the repository interface discovery stores them
through (no SQLAlchemy here, like :mod:`aisec.store.records`)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from aisec.store.records import Asset, SystemAsset


@dataclass(frozen=True, kw_only=True)
class ComponentRecord(Asset):
    """A dependency, notebook, SDK or loader use, or MCP server; ``category`` says which.
    The natural key is (category, ecosystem, name, version)."""

    kind: ClassVar[str] = "component"

    category: str
    name: str
    ecosystem: str = ""
    version: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._required("category")
        self._required("name")

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.category, self.ecosystem, self.name, self.version)


class ComponentRepository(Protocol):
    def upsert(self, component: ComponentRecord) -> ComponentRecord:
        """Add, or merge into the row with the same natural key: given details replace the
        stored ones, places accumulate; an unchanged upsert changes nothing."""
        ...

    def find(
        self, category: str, ecosystem: str, name: str, version: str = ""
    ) -> ComponentRecord | None: ...

    def list(self, category: str | None = None) -> builtins.list[ComponentRecord]:
        """Ordered by category, ecosystem, name, version."""
        ...

    def link(self, system: SystemAsset, component: ComponentRecord) -> None:
        """Relate a stored system to a stored component (the system is made of it).
        Idempotent; RecordNotFound if either is not stored."""
        ...

    def unlink(self, system: SystemAsset, component: ComponentRecord) -> None: ...

    def related(
        self, system: SystemAsset, category: str | None = None
    ) -> builtins.list[ComponentRecord]:
        """The components linked to ``system`` (of one ``category`` if given), ordered by
        category, ecosystem, name, version."""
        ...

    def systems(self, component: ComponentRecord) -> builtins.list[SystemAsset]:
        """The systems ``component`` is linked to, by name."""
        ...
