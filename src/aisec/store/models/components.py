"""Components discovery finds that the inventory has no asset kind for: dependencies,
notebooks, AI SDK and loader use in code, MCP servers (docs/adr/0012)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aisec.store.models.base import AssetMixin, Base


class Component(AssetMixin, Base):
    __tablename__ = "components"
    # The natural key discovery upserts on; index-sized so PostgreSQL can enforce it.
    __table_args__ = (UniqueConstraint("category", "ecosystem", "name", "version"),)

    category: Mapped[str] = mapped_column(String(40))  # dependency, notebook, sdk ...
    ecosystem: Mapped[str] = mapped_column(String(40), default="")  # pypi, conda, mcp ...
    name: Mapped[str] = mapped_column(String(500))
    version: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
