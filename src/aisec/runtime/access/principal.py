"""Who a request comes from once its key is known (:class:`Principal`), or why it is
refused (:class:`Denial`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Told apart for the traffic audit and the metrics only: every one answers the client the
# same 401, so that a caller learns nothing about which keys exist or existed.
DenialReason = Literal["missing", "unknown", "revoked", "expired"]


@dataclass(frozen=True, slots=True)
class Principal:
    name: str  # the key's name: what audit records and detectors call the client
    key_id: str  # the stored key's id, or "config:<name>" for a key from the config file
    models: frozenset[str]  # empty: every model
    routes: frozenset[str]  # empty: every route kind
    rate: float | None  # requests per second; None: the gateway's default applies
    burst: float | None  # None with a rate: one second's worth, at least one request
    daily_quota: int | None
    expires_at: float | None = None  # time.time() after which the key is refused

    def allows(self, model: str, route_kind: str) -> bool:
        return (not self.models or model in self.models) and (
            not self.routes or route_kind in self.routes
        )

    @property
    def bucket_size(self) -> float | None:
        if self.rate is None:
            return None
        return self.burst if self.burst is not None else max(1.0, self.rate)


@dataclass(frozen=True, slots=True)
class Denial:
    reason: DenialReason
    key: str | None = None  # the key's name, when the token named one (revoked, expired)
    status: int = 401
