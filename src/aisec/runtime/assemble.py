"""The gateway put together from its configuration and the settings: the store (keys,
traffic log, incidents), the rate limiter, the traffic log's signing and digest keys."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from aisec.core.errors import ConfigError

if TYPE_CHECKING:
    from aisec.core.settings import Settings
    from aisec.runtime.access.limits import RateLimiter
    from aisec.runtime.config import GatewayConfig
    from aisec.runtime.proxy.gateway import Gateway
    from aisec.store.store import Store

DIGEST_KEY = "digest-key"


def digest_key(spool_dir: Path) -> bytes:
    """The HMAC key of the input and output digests: 32 random bytes kept beside the
    spool (0600, created once, never overwritten), so that digests of the same input
    match across restarts and across the gateways that share the directory."""
    path = spool_dir / DIGEST_KEY
    spool_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise ConfigError(f"cannot read the gateway's digest key {path}: {exc}") from None
    with os.fdopen(fd, "rb") as handle:
        key = handle.read(64)
    if len(key) != 32:
        raise ConfigError(f"the gateway's digest key {path} is not 32 bytes", hint="restore it")
    return key


def signing_key_path(store: Store, settings: Settings) -> Path:
    """The audit key the traffic log signs with: the ``audit_key`` setting, else the key
    beside a SQLite database file (as the governance log's automatic checkpoints use),
    else ``.aisec/audit-key.pem`` in the working directory."""
    from aisec.governance.audit.keys import DEFAULT_KEY, key_path

    if settings.audit_key:
        return key_path(settings=settings)
    url = store.engine.url
    database = url.database or ""
    in_file = database not in ("", ":memory:") and not database.startswith("file:")
    if url.get_backend_name() == "sqlite" and in_file:
        return Path(database).parent / DEFAULT_KEY.name
    return key_path(settings=settings)


def rate_limiter(config: GatewayConfig) -> RateLimiter:
    if config.rate.backend == "redis":
        from aisec.runtime.access.redis_limiter import RedisRateLimiter

        assert config.rate.redis_url is not None  # the config requires it
        return RedisRateLimiter(config.rate.redis_url)
    from aisec.runtime.access.ratelimit import MemoryRateLimiter

    return MemoryRateLimiter()


def build_gateway(
    config: GatewayConfig,
    store: Store | None,
    settings: Settings,
    *,
    record: bool = True,
) -> Gateway:
    """``store`` None serves keys from the config file only and keeps no traffic log
    (``record`` False likewise): for trying a configuration, never for production."""
    from aisec.governance.audit.keys import load_or_create_signing_key
    from aisec.runtime.access.keys import KeyRing
    from aisec.runtime.audit.writer import TrafficLog
    from aisec.runtime.proxy.gateway import Gateway

    keyring = KeyRing(
        store.gateway_keys if store is not None else None, config_keys=list(config.keys)
    )
    log = None
    if store is not None and record:
        signing = load_or_create_signing_key(signing_key_path(store, settings))
        log = TrafficLog(
            store, stream=config.instance, spool_dir=config.audit.spool_dir, key=signing,
            checkpoint_every=config.audit.checkpoint_every,
            checkpoint_seconds=config.audit.checkpoint_seconds,
            separate_process=config.audit.writer == "process",
        )  # fmt: skip
    return Gateway(
        config, keyring=keyring, limiter=rate_limiter(config), log=log,
        digest_key=digest_key(config.audit.spool_dir), store=store,
        metrics_public=config.metrics_public,
    )  # fmt: skip
