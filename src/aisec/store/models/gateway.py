"""The inference gateway's tables (revision 0009): its API keys and its traffic log.

The traffic log is a Merkle log of its own, apart from the governance audit trail
(docs/adr/0023): one entry per request at up to thousands a second, kept for a retention
period and then pruned, written by several gateway processes at once. Each process writes
one *stream* and numbers it itself, so no lock is taken on the hot path; ``(stream, seq)``
is the key. A checkpoint keeps the tree's frontier (the peaks) besides its root, so the
entries before it can be pruned and the later roots still computed and checked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from aisec.store.models.base import Base, new_id, utcnow


class GatewayKey(Base):
    __tablename__ = "gateway_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(20))  # public first characters, for lists
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the key
    # Which configured models and route kinds the key may call; empty lists mean all.
    models: Mapped[list[Any]] = mapped_column()
    routes: Mapped[list[Any]] = mapped_column()
    rate: Mapped[float | None] = mapped_column(Float)  # requests per second (token refill)
    burst: Mapped[float | None] = mapped_column(Float)  # bucket size
    daily_quota: Mapped[int | None] = mapped_column(Integer)  # requests per UTC day
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class GatewayEntry(Base):
    __tablename__ = "gateway_entries"
    __table_args__ = (Index("ix_gateway_entries_model_recorded_at", "model", "recorded_at"),)

    stream: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    recorded_at: Mapped[datetime] = mapped_column(index=True)
    client: Mapped[str] = mapped_column(String(100))  # key name, or "anonymous"
    model: Mapped[str] = mapped_column(String(100))
    route: Mapped[str] = mapped_column(String(40))  # predict, chat, ...
    action: Mapped[str] = mapped_column(String(20))  # allow, tag, throttle, block, redact
    status: Mapped[int] = mapped_column(Integer)  # HTTP status answered
    latency_ms: Mapped[float] = mapped_column(Float)
    # Input and output digests, output summary, detector scores, alerts: JSON, hashed.
    payload: Mapped[dict[str, Any]] = mapped_column()
    leaf_hash: Mapped[str] = mapped_column(String(64))  # hex RFC 6962 leaf


class GatewayCheckpoint(Base):
    __tablename__ = "gateway_checkpoints"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    stream: Mapped[str] = mapped_column(String(64), index=True)
    tree_size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[str] = mapped_column(String(64))
    frontier: Mapped[list[Any]] = mapped_column()  # hex peaks, largest subtree first
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    signature: Mapped[str] = mapped_column(String(128))  # hex Ed25519
    key_id: Mapped[str] = mapped_column(String(64))
