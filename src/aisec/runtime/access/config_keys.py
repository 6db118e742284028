"""Keys declared in the gateway's YAML file, for setups without a store::

    keys:
      - name: fraud-app
        sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
        models: [fraud]          # optional; empty or absent: every model
        routes: [predict]        # optional; empty or absent: every route kind
        rate: 5                  # optional, requests per second
        burst: 20                # optional
        daily_quota: 10000       # optional

Only the SHA-256 of a key goes in a file (``printf %s "$KEY" | sha256sum``): a
configuration file is copied, versioned and read by many. A field
holding the key itself is refused, and so is any field the gateway does not know, so
that a misspelt scope cannot silently widen a key to every model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from aisec.core.errors import AisecError, ConfigError
from aisec.runtime.access.principal import Principal

_FIELDS = {"name", "sha256", "models", "routes", "rate", "burst", "daily_quota"}
_SECRETS = {"key", "secret", "token", "api_key"}
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def parse_config_keys(items: object) -> dict[str, Principal]:
    """Principals by key hash; ConfigError naming the entry that is wrong."""
    from aisec.store.sql_gateway_keys import check_burst, check_name, check_quota, check_rate

    if items is None:
        return {}
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise ConfigError("the gateway config's keys must be a list")
    found: dict[str, Principal] = {}
    names: set[str] = set()
    for index, item in enumerate(items):
        where = f"keys[{index}]"
        if not isinstance(item, Mapping):
            raise ConfigError(f"{where} must be a mapping with name and sha256")
        _refuse_fields(where, item)
        try:
            name = check_name(item.get("name"))
            digest = _digest(where, item.get("sha256"))
            principal = Principal(
                name=name, key_id=f"config:{name}",
                models=_names(where, "models", item.get("models")),
                routes=_names(where, "routes", item.get("routes")),
                rate=check_rate(item.get("rate")), burst=check_burst(item.get("burst")),
                daily_quota=check_quota(item.get("daily_quota")),
            )  # fmt: skip
        except ConfigError:
            raise
        except AisecError as exc:  # the store's validation speaks of records
            raise ConfigError(f"{where}: {exc.message}", hint=exc.hint) from None
        if name in names or digest in found:
            raise ConfigError(f"{where} repeats the key name {name!r} or its sha256")
        names.add(name)
        found[digest] = principal
    return found


def _refuse_fields(where: str, item: Mapping[Any, Any]) -> None:
    leaked = _SECRETS & set(item)
    if leaked:
        raise ConfigError(
            f"{where} holds a key itself ({', '.join(sorted(map(str, leaked)))})",
            hint="put only its SHA-256 in the file (sha256:) and rotate the key: it is exposed",
        )
    unknown = set(item) - _FIELDS
    if unknown:
        raise ConfigError(
            f"{where} has unknown fields: {', '.join(sorted(map(str, unknown)))}",
            hint="a key takes: " + ", ".join(sorted(_FIELDS)),
        )


def _digest(where: str, value: object) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value.strip()):
        raise ConfigError(f"{where}'s sha256 must be 64 hex digits")
    return value.strip().lower()


def _names(where: str, what: str, value: object) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ConfigError(f"{where}'s {what} must be a list of names")
    if not all(isinstance(v, str) and v.strip() and len(v) <= 100 for v in value):
        raise ConfigError(f"{where}'s {what} must be names of 1-100 characters")
    return frozenset(v.strip() for v in value)
