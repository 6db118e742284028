"""Components discovery finds that the inventory has no asset kind for: dependencies,
notebooks, AI SDK and loader use in code, MCP servers (docs/adr/0012); and the systems
they belong to (revision 0003)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aisec.store.models.base import AssetMixin, Base
from aisec.store.models.inventory import link_table

if TYPE_CHECKING:
    from aisec.store.models.inventory import AISystem

system_components = link_table(
    "system_components", ("system_id", "ai_systems"), ("component_id", "components")
)


class Component(AssetMixin, Base):
    __tablename__ = "components"
    # The natural key discovery upserts on; index-sized so PostgreSQL can enforce it.
    __table_args__ = (UniqueConstraint("category", "ecosystem", "name", "version"),)

    category: Mapped[str] = mapped_column(String(40))  # dependency, notebook, sdk ...
    ecosystem: Mapped[str] = mapped_column(String(40), default="")  # pypi, conda, mcp ...
    name: Mapped[str] = mapped_column(String(500))
    version: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    systems: Mapped[list[AISystem]] = relationship(
        secondary=system_components, back_populates="components"
    )
