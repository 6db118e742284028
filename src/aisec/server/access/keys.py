"""API keys: made here, shown once, stored as their hash, revoked by their owner or an
administrator; every change is an audit entry."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from aisec.core.errors import AccessDenied, InvalidRecord, RecordNotFound
from aisec.server.access.roles import Permission
from aisec.server.access.secrets import key_prefix, new_api_key, token_hash

if TYPE_CHECKING:
    from aisec.server.access.principal import Principal
    from aisec.store.server_records import StoredApiKey
    from aisec.store.store import Store


def create_key(
    store: Store, user_id: str, name: str, *, actor: str, expires_at: datetime | None = None
) -> tuple[str, StoredApiKey]:
    """The new key (to show once) and its stored record."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidRecord("an API key needs a name of 1-200 characters")
    key = new_api_key()
    with store.transaction():
        stored = store.users.add_key(user_id, name, key_prefix(key), token_hash(key), expires_at)
        store.audit.append(
            actor, "api-key.created", "api-key", stored.id, {"user_id": user_id, "name": name}
        )
    return key, stored


def revoke_key(store: Store, key_id: str, principal: Principal) -> None:
    """Revoke a key of one's own, or (administrators) anyone's."""
    key = store.users.get_key(key_id)
    if key is None:
        raise RecordNotFound(f"no API key {key_id!r}")
    if key.user_id != principal.user_id and not principal.can(Permission.USERS_MANAGE):
        raise AccessDenied("only its owner or an administrator may revoke a key")
    with store.transaction():
        store.users.revoke_key(key_id)
        store.audit.append(principal.username, "api-key.revoked", "api-key", key_id, {})
