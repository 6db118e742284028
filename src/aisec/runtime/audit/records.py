"""The traffic log's records and their canonical encodings (docs/adr/0023).

Hashing is the governance log's (RFC 6962 leaves over canonical JSON, same
:func:`~aisec.governance.audit.records.canonical_json` and timestamps), with two guards so
a gateway record can never pass for a governance one or the reverse: the leaf content
carries ``"type": "aisec.gateway-entry"`` (governance leaves have no ``type``), and the
checkpoint message has its own header and names the stream.
How each field is made canonical (floats, text, payload JSON) is :mod:`.canonical`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aisec.governance.audit.merkle import leaf_hash
from aisec.governance.audit.records import canonical_json, timestamp
from aisec.runtime.audit.canonical import (
    clean_text,
    from_micros,
    latency_us,
    parse_timestamp,
    plain_json,
    typed,
)
from aisec.runtime.audit.checkpoint import CHECKPOINT_HEADER, TrafficCheckpoint, checkpoint_message

ENCODING_VERSION = 1
RECORD_TYPE = "aisec.gateway-entry"
__all__ = [
    "CHECKPOINT_HEADER",
    "ENCODING_VERSION",
    "RECORD_TYPE",
    "TrafficCheckpoint",
    "TrafficEntry",
    "checkpoint_message",
    "latency_us",
    "make_entry",
]


@dataclass(frozen=True, slots=True)
class TrafficEntry:
    """One request through the gateway, as stored and as hashed."""

    stream: str
    seq: int
    recorded_at: datetime
    client: str
    model: str
    route: str
    action: str
    status: int
    latency_ms: float
    payload: dict[str, Any]
    leaf_hash: str = ""  # hex, as stored; verification recomputes it from the rest

    def content(self) -> dict[str, Any]:
        """What the leaf hash is computed over."""
        return {
            "v": ENCODING_VERSION,
            "type": RECORD_TYPE,
            "stream": self.stream,
            "seq": self.seq,
            "recorded_at": timestamp(self.recorded_at),
            "client": self.client,
            "model": self.model,
            "route": self.route,
            "action": self.action,
            "status": self.status,
            "latency_us": latency_us(self.latency_ms),
            "payload": self.payload,
        }

    def computed_leaf(self) -> bytes:
        return leaf_hash(canonical_json(self.content()))

    def row(self) -> dict[str, Any]:
        """The ``gateway_entries`` columns."""
        return {
            "stream": self.stream,
            "seq": self.seq,
            "recorded_at": self.recorded_at,
            "client": self.client,
            "model": self.model,
            "route": self.route,
            "action": self.action,
            "status": self.status,
            "latency_ms": self.latency_ms,
            "payload": self.payload,
            "leaf_hash": self.leaf_hash,
        }

    def to_json(self) -> dict[str, Any]:
        """For the spool and exports: the hashed content and the hash."""
        return {**self.content(), "leaf_hash": self.leaf_hash}

    @classmethod
    def from_json(cls, data: Any) -> TrafficEntry:
        """An entry read back from the spool; ValueError unless it is well formed and still
        hashes to its leaf (a corrupted spool line is reported, never inserted)."""
        if not isinstance(data, dict) or data.get("type") != RECORD_TYPE:
            raise ValueError("not a gateway entry")
        if data.get("v") != ENCODING_VERSION:
            raise ValueError(f"unknown entry encoding {data.get('v')!r}")
        try:
            entry = cls(
                stream=typed(data, "stream", str),
                seq=typed(data, "seq", int),
                recorded_at=parse_timestamp(typed(data, "recorded_at", str)),
                client=typed(data, "client", str),
                model=typed(data, "model", str),
                route=typed(data, "route", str),
                action=typed(data, "action", str),
                status=typed(data, "status", int),
                latency_ms=typed(data, "latency_us", int) / 1000,
                payload=typed(data, "payload", dict),
                leaf_hash=typed(data, "leaf_hash", str),
            )
        except (TypeError, OverflowError) as exc:
            raise ValueError(str(exc)) from None
        if entry.computed_leaf().hex() != entry.leaf_hash:
            raise ValueError(f"entry {entry.seq} no longer matches its leaf hash")
        return entry


def make_entry(
    stream: str,
    seq: int,
    recorded_us: int,
    fields: tuple[str, str, str, str, int, float, Any],
) -> TrafficEntry:
    """The entry for one ``record()`` call, cleaned so that every database stores exactly
    what was hashed, and hashed."""
    client, model, route, action, status, latency, payload = fields
    data = plain_json(payload if isinstance(payload, dict) else {"value": payload}, 0)
    columns: dict[str, Any] = {
        "stream": stream,
        "seq": seq,
        "recorded_at": from_micros(recorded_us),
        "client": clean_text("client", client),
        "model": clean_text("model", model),
        "route": clean_text("route", route),
        "action": clean_text("action", action),
        "status": int(status) if isinstance(status, int) and -(2**31) < status < 2**31 else 0,
        "latency_ms": latency_us(latency) / 1000,
        "payload": data,
    }
    leaf = TrafficEntry(**columns).computed_leaf().hex()
    return TrafficEntry(**columns, leaf_hash=leaf)
