"""The gateway's key ring: every key in memory, looked up by the SHA-256 of the token a
request presents, so that authenticating costs one hash and one dictionary lookup and
never a database read.

The ring is reloaded from the store every ``refresh_seconds`` by a task on the event
loop (the read itself runs in a worker thread, SQLAlchemy being synchronous), so a
revocation takes effect within that time on every gateway process. Revoked keys stay in
the ring, so that a request with one is told apart from a made-up key in the audit.
Each reload builds a new dictionary and swaps it in whole: a request sees one snapshot,
never a half-built one, without a lock.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from aisec.core.errors import StoreError
from aisec.runtime.access.config_keys import parse_config_keys
from aisec.runtime.access.principal import Denial, Principal
from aisec.runtime.access.tokens import KEY_PREFIX, HeaderSource, key_hash, token_from_headers

if TYPE_CHECKING:
    from aisec.store.sql_gateway_keys import GatewayKeyRecord

_log = logging.getLogger(__name__)


class KeySource(Protocol):
    """Where stored keys come from: SqlGatewayKeyRepository, or a test's fake."""

    def list(self, include_revoked: bool = False) -> builtins.list[GatewayKeyRecord]: ...


@dataclass(frozen=True, slots=True)
class _Entry:
    principal: Principal
    revoked: bool


class KeyRing:
    def __init__(
        self,
        source: KeySource | None = None,
        *,
        config_keys: object = None,
        refresh_seconds: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``config_keys``: the YAML file's ``keys`` list (see :mod:`.config_keys`);
        ConfigError at once if it is malformed."""
        if refresh_seconds <= 0:
            raise ValueError("refresh_seconds must be positive")
        self._source = source
        self._config = parse_config_keys(config_keys)
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._snapshot = {h: _Entry(p, revoked=False) for h, p in self._config.items()}
        self._shadowed: set[str] = set()  # store keys hidden by a config key, warned once
        self._task: asyncio.Task[None] | None = None
        self.loaded_at: float | None = None  # clock time of the last successful load

    # -- lifecycle ----------------------------------------------------------------------

    def load(self) -> None:
        """The first load, before serving. StoreError when the store cannot be read and
        no key comes from the config file: a gateway that refuses every request would
        look like an outage of the models, not of its database."""
        if self._source is None:
            return
        try:
            self._snapshot = self._build(self._source.list(include_revoked=True))
        except Exception as exc:
            if not self._config:
                raise StoreError(
                    f"the gateway cannot read its API keys from the store: {exc}",
                    hint="check the store's URL and that it is reachable, "
                    "or declare keys in the gateway config (keys:)",
                ) from exc
            _log.warning("gateway keys: store unreachable, serving the %d config keys only "
                         "until it answers: %s", len(self._config), exc)  # fmt: skip
            return
        self.loaded_at = self._clock()

    def refresh(self) -> bool:
        """Reload from the store; on failure keep the last snapshot (a database blip must
        not lock every client out) and return False."""
        if self._source is None:
            return True
        try:
            snapshot = self._build(self._source.list(include_revoked=True))
        except Exception as exc:
            _log.warning("gateway keys: refresh failed, keeping the last snapshot: %s", exc)
            return False
        self._snapshot = snapshot
        self.loaded_at = self._clock()
        return True

    async def open(self) -> None:
        """Load (in a worker thread) and start refreshing; call from the app's startup."""
        await asyncio.to_thread(self.load)
        self.start()

    def start(self) -> None:
        """Start the refresh task on the running loop; nothing to refresh without a store."""
        if self._source is not None and self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._refresh_forever(), name="aisec-gateway-keyring"
            )

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self._refresh_seconds)
            await asyncio.to_thread(self.refresh)

    # -- requests -----------------------------------------------------------------------

    def authenticate(self, headers: HeaderSource) -> Principal | Denial:
        token = token_from_headers(headers)
        if token is None:
            return Denial("missing")
        if not token.startswith(KEY_PREFIX):
            return Denial("unknown")  # not one of ours: no need to hash it
        entry = self._snapshot.get(key_hash(token))
        if entry is None:
            return Denial("unknown")
        principal = entry.principal
        if entry.revoked:
            return Denial("revoked", principal.name)
        if principal.expires_at is not None and principal.expires_at <= self._clock():
            return Denial("expired", principal.name)
        return principal

    def __len__(self) -> int:
        return len(self._snapshot)

    # -- helpers ------------------------------------------------------------------------

    def _build(self, records: list[GatewayKeyRecord]) -> dict[str, _Entry]:
        snapshot = {h: _Entry(p, revoked=False) for h, p in self._config.items()}
        config_names = {p.name for p in self._config.values()}
        for record in records:
            if record.name in config_names or record.key_hash in snapshot:
                # The file is the operator's explicit word on this gateway: it wins.
                if record.name not in self._shadowed:
                    self._shadowed.add(record.name)
                    _log.warning("gateway key %r is in the store and the config file: "
                                 "the config file's is used", record.name)  # fmt: skip
                continue
            snapshot[record.key_hash] = _Entry(_principal(record), record.revoked)
        return snapshot


def _principal(record: GatewayKeyRecord) -> Principal:
    expires = record.expires_at.timestamp() if record.expires_at is not None else None
    return Principal(
        name=record.name,
        key_id=record.id,
        models=frozenset(record.models),
        routes=frozenset(record.routes),
        rate=record.rate,
        burst=record.burst,
        daily_quota=record.daily_quota,
        expires_at=expires,
    )
