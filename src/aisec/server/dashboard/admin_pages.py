"""User administration (administrators) and one's own account: API keys and password.

Every change is an audit entry in the transaction that makes it. An administrator may
not demote or deactivate themself: the last administrator doing so would lock everyone
out of administration. A new API key is shown on the page that creates it and never again.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aisec.core.errors import AisecError, AuthRequired, InvalidRecord, RecordNotFound
from aisec.server.access.deps import client_of, require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import ROLE_TITLES, Permission
from aisec.server.dashboard.templating import render
from aisec.store.models.access import ROLES

router = APIRouter()
Field = Annotated[str, Form(max_length=200)]
Secret = Annotated[str, Form(max_length=1024)]
Admin = Annotated[Principal, Depends(require(Permission.USERS_MANAGE))]
Own = Annotated[Principal, Depends(require(Permission.KEYS_OWN))]
Code = Annotated[str, Query(max_length=40)]
# The notices a redirect may ask for, by code: the query string never carries their text
# (a link could otherwise show words of its author's choosing on a trusted page).
NOTICES = {
    "user-created": "The user is created.",
    "role-changed": "The role is changed.",
    "user-deactivated": "The user is deactivated; their sessions ended.",
    "user-reactivated": "The user is reactivated.",
    "password-reset": "The password is reset; the user's sessions ended.",
    "key-revoked": "The API key is revoked.",
}


def _back(path: str, code: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?notice={code}", status_code=303)


def _users_page(
    request: Request,
    *,
    notice: str = "",
    error: str = "",
    kept: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "admin/users.html",
        {
            "users": store_of(request).users.list_users(),
            "roles": [(r, ROLE_TITLES.get(r, r)) for r in ROLES],
            "notice": notice,
            "error": error,
            "kept": kept or {"role": "auditor"},
        },
        status=status,
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, principal: Admin, notice: Code = "") -> HTMLResponse:
    return _users_page(request, notice=NOTICES.get(notice, ""))


@router.post("/admin/users")
def create(
    request: Request,
    principal: Admin,
    username: Field = "",
    display_name: Field = "",
    role: Field = "auditor",
    password: Secret = "",
) -> Response:
    from aisec.server.access.login import create_user

    try:
        create_user(store_of(request), username, password, role,
                    actor=principal.username, display_name=display_name.strip())  # fmt: skip
    except AisecError as exc:
        kept = {"username": username, "display_name": display_name, "role": role}
        return _users_page(request, error=exc.message, kept=kept, status=409)
    return _back("/admin/users", "user-created")


def _other(request: Request, principal: Principal, user_id: str, what: str) -> Any:
    user = store_of(request).users.get_user(user_id)
    if user is None:
        raise RecordNotFound(f"no user with the id {user_id!r}")
    if what and user.id == principal.user_id:
        raise InvalidRecord(f"you cannot {what} yourself", hint="ask another administrator")
    return user


@router.post("/admin/users/{user_id}/role")
def change_role(request: Request, user_id: str, principal: Admin, role: Field = "") -> Response:
    store = store_of(request)
    try:
        user = _other(request, principal, user_id, "change the role of")
        with store.transaction():
            store.users.set_role(user.id, role)
            change = {"username": user.username, "from": user.role, "to": role}
            store.audit.append(principal.username, "user.role-changed", "user", user.id, change)
    except (InvalidRecord, RecordNotFound) as exc:
        return _users_page(request, error=exc.message, status=409)
    return _back("/admin/users", "role-changed")


@router.post("/admin/users/{user_id}/active")
def change_active(request: Request, user_id: str, principal: Admin, active: Field = "") -> Response:
    store = store_of(request)
    on = active == "true"
    try:
        user = _other(request, principal, user_id, "" if on else "deactivate")
        with store.transaction():
            store.users.set_active(user.id, on)
            if not on:  # a deactivated user's open sessions end now, not at their expiry
                store.users.delete_user_sessions(user.id)
            action = "user.reactivated" if on else "user.deactivated"
            store.audit.append(principal.username, action, "user", user.id,
                               {"username": user.username})  # fmt: skip
    except (InvalidRecord, RecordNotFound) as exc:
        return _users_page(request, error=exc.message, status=409)
    return _back("/admin/users", "user-reactivated" if on else "user-deactivated")


@router.post("/admin/users/{user_id}/password")
def reset_password(
    request: Request, user_id: str, principal: Admin, password: Secret = ""
) -> Response:
    from aisec.server.access.login import set_password

    try:
        user = _other(request, principal, user_id, "")
        set_password(store_of(request), user, password, actor=principal.username, revoke_keys=True)
    except (InvalidRecord, RecordNotFound) as exc:
        return _users_page(request, error=exc.message, status=409)
    return _back("/admin/users", "password-reset")


def _account_page(
    request: Request,
    principal: Principal,
    *,
    notice: str = "",
    error: str = "",
    new_key: str = "",
    kept_name: str = "",
    status: int = 200,
) -> HTMLResponse:
    response = render(
        request,
        "admin/account.html",
        {
            "keys": list(reversed(store_of(request).users.list_keys(principal.user_id))),
            "now": datetime.now(UTC),
            "notice": notice,
            "error": error,
            "new_key": new_key,
            "kept_name": kept_name,
        },
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"  # the one page that may hold a key
    return response


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, principal: Own, notice: Code = "") -> HTMLResponse:
    return _account_page(request, principal, notice=NOTICES.get(notice, ""))


@router.post("/account/keys", response_class=HTMLResponse)
def create_own_key(
    request: Request, principal: Own, name: Field = "", expires_on: Field = ""
) -> Response:
    from datetime import date

    from aisec.server.access.keys import create_key

    try:
        try:
            day = date.fromisoformat(expires_on) if expires_on.strip() else None
        except ValueError:
            raise InvalidRecord("the expiry must be a date YYYY-MM-DD") from None
        expires = datetime.combine(day, time.max, UTC) if day is not None else None
        if expires is not None and expires <= datetime.now(UTC):
            raise InvalidRecord("the expiry must be a day to come")
        key, stored = create_key(store_of(request), principal.user_id, name,
                                 actor=principal.username, expires_at=expires)  # fmt: skip
    except AisecError as exc:
        return _account_page(request, principal, error=exc.message, kept_name=name, status=409)
    # Rendered, not redirected: the key is in this response and in no URL or later page.
    return _account_page(request, principal, new_key=key,
                         notice=f"Key {stored.name} created; copy it now.")  # fmt: skip


@router.post("/account/keys/{key_id}/revoke")
def revoke_own_key(request: Request, key_id: str, principal: Own) -> Response:
    from aisec.server.access.keys import revoke_key

    store = store_of(request)
    key = store.users.get_key(key_id)
    if key is None or key.user_id != principal.user_id:  # others' keys are not on this page
        raise RecordNotFound(f"you have no API key {key_id!r}")
    revoke_key(store, key_id, principal)
    return _back("/account", "key-revoked")


@router.post("/account/password")
def change_own_password(
    request: Request,
    principal: Own,
    current: Secret = "",
    new: Secret = "",
    confirm: Secret = "",
) -> Response:
    from aisec.server.access.login import set_password
    from aisec.server.access.secrets import decoy_hash, verify_password

    store = store_of(request)
    user = store.users.get_user(principal.user_id)
    if user is None:
        raise RecordNotFound("your user record is gone")
    stored_hash = store.users.password_hash(user.id)
    throttle, client = request.app.state.throttle, client_of(request)
    try:
        throttle.begin(principal.username, client)  # guessing the current password
        if not verify_password(stored_hash or decoy_hash(), current) or stored_hash is None:
            raise InvalidRecord("the current password is wrong")
        throttle.succeeded(principal.username, client)
        if new != confirm:
            raise InvalidRecord("the new password and its confirmation differ")
        set_password(store, user, new, actor=principal.username)
    except (InvalidRecord, AuthRequired) as exc:
        return _account_page(request, principal, error=exc.message, status=409)
    # set_password ends every session of the user, this one too: log in again.
    return RedirectResponse("/login", status_code=303)
