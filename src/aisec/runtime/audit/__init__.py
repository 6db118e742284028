"""The gateway's traffic log: one Merkle-hashed entry per request, signed checkpoints,
spooled to disk while the database is down (docs/adr/0023)."""

from __future__ import annotations

from aisec.runtime.audit.records import TrafficCheckpoint, TrafficEntry
from aisec.runtime.audit.retention import DEFAULT_RETENTION, MIN_RETENTION_DAYS, prune
from aisec.runtime.audit.verify import StreamReport, verify_stream
from aisec.runtime.audit.writer import LogCounters, TrafficLog, TrafficLogRefused

__all__ = [
    "DEFAULT_RETENTION",
    "MIN_RETENTION_DAYS",
    "LogCounters",
    "StreamReport",
    "TrafficCheckpoint",
    "TrafficEntry",
    "TrafficLog",
    "TrafficLogRefused",
    "prune",
    "verify_stream",
]
