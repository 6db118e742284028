"""The inventory: AI systems, models, datasets, endpoints, vendors, and how they relate.

Free-text columns have no length limit (``Text``); names that are natural keys have one, so
that their unique indexes stay within what PostgreSQL can index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aisec.store.models.base import AssetMixin, Base

if TYPE_CHECKING:
    from aisec.store.models.components import Component


def link_table(name: str, left: tuple[str, str], right: tuple[str, str]) -> Table:
    """A many-to-many table of (column, table) pairs; rows go when either side does."""
    table = Table(
        name,
        Base.metadata,
        *(
            Column(column, ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True)
            for column, target in (left, right)
        ),
    )
    # The primary key serves lookups from the left; this index those from the right.
    Index(None, table.c[right[0]])
    return table


system_models = link_table("system_models", ("system_id", "ai_systems"), ("model_id", "models"))
system_datasets = link_table(
    "system_datasets", ("system_id", "ai_systems"), ("dataset_id", "datasets")
)
system_endpoints = link_table(
    "system_endpoints", ("system_id", "ai_systems"), ("endpoint_id", "endpoints")
)
model_datasets = link_table("model_datasets", ("model_id", "models"), ("dataset_id", "datasets"))


class AISystem(AssetMixin, Base):
    __tablename__ = "ai_systems"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    intended_purpose: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    business_unit: Mapped[str] = mapped_column(String(200), default="")
    lifecycle_stage: Mapped[str] = mapped_column(String(40), default="")
    deployment_context: Mapped[str] = mapped_column(Text, default="")
    eu_ai_act_role: Mapped[str] = mapped_column(String(40), default="")
    geography: Mapped[list[Any]] = mapped_column(default=list)

    models: Mapped[list[Model]] = relationship(secondary=system_models, back_populates="systems")
    datasets: Mapped[list[Dataset]] = relationship(
        secondary=system_datasets, back_populates="systems"
    )
    endpoints: Mapped[list[Endpoint]] = relationship(
        secondary=system_endpoints, back_populates="systems"
    )
    # Revision 0003; the table is defined with the components (models/components.py).
    components: Mapped[list[Component]] = relationship(
        secondary="system_components", back_populates="systems"
    )


class Model(AssetMixin, Base):
    __tablename__ = "models"
    __table_args__ = (UniqueConstraint("name", "version"),)

    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100), default="")
    framework: Mapped[str] = mapped_column(String(100), default="")
    format: Mapped[str] = mapped_column(String(100), default="")
    digests: Mapped[dict[str, Any]] = mapped_column(default=dict)
    licence: Mapped[str] = mapped_column(String(200), default="")
    source_uri: Mapped[str] = mapped_column(Text, default="")
    vendor_id: Mapped[str | None] = mapped_column(
        ForeignKey("vendors.id", ondelete="SET NULL"), index=True
    )

    vendor: Mapped[Vendor | None] = relationship(back_populates="models")
    systems: Mapped[list[AISystem]] = relationship(secondary=system_models, back_populates="models")
    trained_on: Mapped[list[Dataset]] = relationship(
        secondary=model_datasets, back_populates="models"
    )


class Dataset(AssetMixin, Base):
    __tablename__ = "datasets"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(Text, default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    sensitivity: Mapped[str] = mapped_column(String(40), default="")
    contains_personal_data: Mapped[bool | None] = mapped_column()
    digests: Mapped[dict[str, Any]] = mapped_column(default=dict)

    systems: Mapped[list[AISystem]] = relationship(
        secondary=system_datasets, back_populates="datasets"
    )
    models: Mapped[list[Model]] = relationship(
        secondary=model_datasets, back_populates="trained_on"
    )


class Endpoint(AssetMixin, Base):
    __tablename__ = "endpoints"

    url: Mapped[str] = mapped_column(String(2000), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    authentication: Mapped[str] = mapped_column(String(40), default="")

    systems: Mapped[list[AISystem]] = relationship(
        secondary=system_endpoints, back_populates="endpoints"
    )


class Vendor(AssetMixin, Base):
    __tablename__ = "vendors"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    website: Mapped[str] = mapped_column(String(2000), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")

    models: Mapped[list[Model]] = relationship(back_populates="vendor")
