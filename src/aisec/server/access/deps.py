"""The dependencies every route declares: exactly one of ``require(permission)`` or
``public``. The access-matrix test walks the app's routes and fails on a route with
neither, so that no route is reachable by accident.

A request proves who it is with an API key (``Authorization: Bearer aisec_...`` or
``X-API-Key``) or a session cookie. A state-changing request that rides on the cookie
must also carry the session's CSRF token (form field ``csrf_token`` or header
``X-CSRF-Token``): a browser sends the cookie with a forged cross-site form, but the
forger cannot read the token. Key-authenticated requests need none: nothing sends the key
on its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fastapi import Request

from aisec.core.errors import AccessDenied, AccessError, AuthRequired
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission, allowed
from aisec.server.access.secrets import KEY_PREFIX, same, token_hash

if TYPE_CHECKING:
    from aisec.store.store import Store

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "__Host-aisec_session"
PLAIN_SESSION_COOKIE = "aisec_session"  # without Secure, where __Host- is not allowed


def cookie_name(secure: bool) -> str:
    return SESSION_COOKIE if secure else PLAIN_SESSION_COOKIE


def authenticate(request: Request) -> Principal | None:
    """The principal the request proves, or None; cached on the request."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    principal = _from_key(request) or _from_cookie(request)
    request.state.principal = principal
    return principal


def _from_key(request: Request) -> Principal | None:
    header = request.headers.get("authorization", "")
    key = header[7:].strip() if header[:7].lower() == "bearer " else ""
    key = key or request.headers.get("x-api-key", "").strip()
    if not key:
        return None
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        raise AuthRequired("the API key is not an aisec key", hint="keys start with aisec_")
    found = store_of(request).users.key_by_hash(token_hash(key))
    if found is None:
        raise AuthRequired(
            "the API key is unknown, revoked or expired", hint="create a new key on /account"
        )
    _, user = found
    return Principal(user.id, user.username, user.role, "key")


def _from_cookie(request: Request) -> Principal | None:
    token = request.cookies.get(cookie_name(request.app.state.config.secure_cookies))
    if not token or len(token) > 200:
        return None
    found = store_of(request).users.session_by_hash(token_hash(token), datetime.now(UTC))
    if found is None:
        return None
    session, user = found
    return Principal(user.id, user.username, user.role, "session", session.csrf_token, session.id)


async def _check_csrf(request: Request, principal: Principal) -> None:
    if principal.via != "session" or request.method in SAFE_METHODS:
        return
    sent = request.headers.get("x-csrf-token", "")
    if not sent and _is_form(request):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else ""
    if not sent or principal.csrf_token is None or not same(sent, principal.csrf_token):
        raise AccessError(
            "the request carries no valid CSRF token",
            hint="reload the page and send the form again",
        )


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


RouteGuard = Callable[[Request], Awaitable[Principal]]


def require(permission: Permission) -> RouteGuard:
    """A dependency that yields the principal if it may ``permission``; 401 without
    credentials, 403 for a role without it or a state change without its CSRF token."""

    async def guard(request: Request) -> Principal:
        principal = authenticate(request)
        if principal is None:
            raise AuthRequired("log in or send an API key", hint="POST /api/v1/session, or /login")
        if not allowed(principal.role, permission):
            raise AccessDenied(
                f"the role {principal.role!r} may not {permission.value}",
                hint="ask an administrator for a role that holds it",
            )
        await _check_csrf(request, principal)
        return principal

    guard.permission = permission  # type: ignore[attr-defined]
    return guard


async def public(request: Request) -> None:
    """The marker of routes anyone may call: the login form, static files, health."""


public.public = True  # type: ignore[attr-defined]


def client_of(request: Request) -> str:
    """The address a request came from (the socket's peer: a proxy in front is one
    client to the login throttle unless it is trusted with --forwarded-allow-ips)."""
    return request.client.host if request.client is not None else ""


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store
