"""Users (administrators), one's own API keys, and one's own password. A key is shown
once, as it is made; afterwards only its prefix. Every change is an audit entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Query, Request

from aisec.core.errors import AccessDenied, InvalidRecord, RecordNotFound
from aisec.server.access.deps import client_of, require, store_of
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.api.models_common import CONFLICT, ERRORS, NOT_FOUND, Done
from aisec.server.api.models_core import (
    CreatedKey,
    KeyOut,
    NewKey,
    NewUser,
    PasswordChange,
    PasswordReset,
    UserChange,
    UserOut,
    key_out,
    user_out,
)
from aisec.server.api.pagination import Page, PagingDep

if TYPE_CHECKING:
    from aisec.store.server_records import StoredUser
    from aisec.store.store import Store

router = APIRouter(tags=["users"], responses=ERRORS)
Admin = Annotated[Principal, Depends(require(Permission.USERS_MANAGE))]
Owner = Annotated[Principal, Depends(require(Permission.KEYS_OWN))]


@router.get("/users", response_model=Page[UserOut])
def list_users(request: Request, paging: PagingDep, _: Admin) -> Page[UserOut]:
    return paging.slice([user_out(u) for u in store_of(request).users.list_users()])


@router.post("/users", response_model=UserOut, status_code=201, responses=CONFLICT)
def add_user(body: NewUser, request: Request, principal: Admin) -> UserOut:
    """A new user (409 for a taken name or a password the policy refuses)."""
    from aisec.server.access.login import create_user

    user = create_user(
        store_of(request), body.username, body.password, body.role,
        actor=principal.username, display_name=body.display_name,
    )  # fmt: skip
    return user_out(user)


@router.patch("/users/{user_id}", response_model=UserOut, responses=NOT_FOUND | CONFLICT)
def change_user(user_id: str, body: UserChange, request: Request, principal: Admin) -> UserOut:
    """Change a user's role or deactivate them (their sessions end; their keys stop
    working). Administrators cannot demote or deactivate themselves."""
    store = store_of(request)
    user = _user(store, user_id)
    if user.id == principal.user_id and (
        body.active is False or (body.role is not None and body.role != user.role)
    ):
        raise InvalidRecord(
            "administrators cannot demote or deactivate themselves",
            hint="another administrator can",
        )
    changes: dict[str, object] = {}
    with store.transaction():
        if body.role is not None and body.role != user.role:
            user = store.users.set_role(user.id, body.role)
            changes["role"] = body.role
        if body.display_name is not None and body.display_name != user.display_name:
            user = store.users.set_display_name(user.id, body.display_name)
            changes["display_name"] = body.display_name
        if body.active is not None and body.active != user.active:
            user = store.users.set_active(user.id, body.active)
            changes["active"] = body.active
            if not body.active:
                store.users.delete_user_sessions(user.id)
        store.audit.append(principal.username, "user.updated", "user", user.id, changes)
    return user_out(user)


@router.post("/users/{user_id}/password", response_model=Done, responses=NOT_FOUND | CONFLICT)
def reset_password(user_id: str, body: PasswordReset, request: Request, principal: Admin) -> Done:
    """Set a user's password (their sessions end)."""
    from aisec.server.access.login import set_password

    store = store_of(request)
    set_password(
        store, _user(store, user_id), body.password, actor=principal.username, revoke_keys=True
    )
    return Done()


@router.post("/account/password", response_model=Done, responses=CONFLICT)
def change_own_password(body: PasswordChange, request: Request, principal: Owner) -> Done:
    """Change one's own password, giving the current one; every session of the user ends
    (this one too: log in again)."""
    from aisec.server.access.login import set_password
    from aisec.server.access.secrets import verify_password

    store, throttle = store_of(request), request.app.state.throttle
    client = client_of(request)
    throttle.begin(principal.username, client)
    user = _user(store, principal.user_id)
    stored = store.users.password_hash(user.id)
    if stored is None or not verify_password(stored, body.current_password):
        raise AccessDenied("the current password is wrong")
    throttle.succeeded(principal.username, client)
    set_password(store, user, body.new_password, actor=principal.username)
    return Done()


@router.get("/keys", response_model=Page[KeyOut])
def list_keys(
    request: Request,
    paging: PagingDep,
    principal: Owner,
    user: Annotated[
        str | None, Query(max_length=64, description="another user's id (administrators)")
    ] = None,
) -> Page[KeyOut]:
    """One's own API keys (their prefixes, never the keys), oldest first."""
    owner = user or principal.user_id
    if owner != principal.user_id and not principal.can(Permission.USERS_MANAGE):
        raise AccessDenied("only administrators may list another user's keys")
    return paging.slice([key_out(k) for k in store_of(request).users.list_keys(owner)])


@router.post("/keys", response_model=CreatedKey, status_code=201, responses=CONFLICT)
def add_key(body: NewKey, request: Request, principal: Owner) -> CreatedKey:
    """A new API key with one's own role. The key is in this response only: keep it."""
    from aisec.server.access.keys import create_key

    expires = (
        datetime.now(UTC) + timedelta(days=body.expires_in_days)
        if body.expires_in_days is not None
        else None
    )
    key, stored = create_key(
        store_of(request), principal.user_id, body.name, actor=principal.username,
        expires_at=expires,
    )  # fmt: skip
    return CreatedKey(**key_out(stored).model_dump(), key=key)


@router.delete("/keys/{key_id}", response_model=Done, responses=NOT_FOUND)
def delete_key(key_id: str, request: Request, principal: Owner) -> Done:
    """Revoke one's own key (administrators: anyone's)."""
    from aisec.server.access.keys import revoke_key

    revoke_key(store_of(request), key_id, principal)
    return Done()


def _user(store: Store, user_id: str) -> StoredUser:
    user = store.users.get_user(user_id) if len(user_id) <= 64 else None
    if user is None:
        raise RecordNotFound(f"no user with the id {user_id!r}")
    return user
