"""The first administrator. A server never starts with a default password: when the
store has no users, ``aisec serve`` takes the first administrator from
``AISEC_ADMIN_USERNAME`` and ``AISEC_ADMIN_PASSWORD``, or asks for one on a terminal,
and refuses to start otherwise."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from aisec.core.errors import ConfigError

if TYPE_CHECKING:
    from aisec.store.server_records import StoredUser
    from aisec.store.store import Store

USERNAME_ENV = "AISEC_ADMIN_USERNAME"
PASSWORD_ENV = "AISEC_ADMIN_PASSWORD"


def ensure_admin(
    store: Store,
    environ: Mapping[str, str],
    ask: Callable[[], tuple[str, str]] | None,
) -> StoredUser | None:
    """Create the first administrator if the store has no user; None when users exist.
    ``ask`` prompts on a terminal (None when there is none)."""
    from aisec.server.access.login import create_user

    if store.users.count_users() > 0:
        return None
    username = environ.get(USERNAME_ENV, "").strip()
    password = environ.get(PASSWORD_ENV, "")
    if username and password:
        return create_user(store, username, password, "admin", actor="aisec serve")
    if username or password:
        raise ConfigError(
            f"only one of {USERNAME_ENV} and {PASSWORD_ENV} is set",
            hint="set both to create the first administrator",
        )
    if ask is None:
        raise ConfigError(
            "the store has no users and there is no terminal to ask for the first one",
            hint=f"set {USERNAME_ENV} and {PASSWORD_ENV} (at least 12 characters)",
        )
    username, password = ask()
    return create_user(store, username, password, "admin", actor="aisec serve")
