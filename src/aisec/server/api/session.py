"""Logging in through the API (a session cookie for the browser's scripts), who am I,
and logging out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from aisec.server.access.deps import client_of, cookie_name, public, require, store_of
from aisec.server.access.login import login, logout
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission, permissions_of
from aisec.server.api.models_common import ERRORS, Done

router = APIRouter(tags=["session"], responses=ERRORS)


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)


class Me(BaseModel):
    user_id: str
    username: str
    role: str
    via: str
    permissions: list[str]
    csrf_token: str | None = Field(
        None, description="send as X-CSRF-Token with state-changing requests on a session"
    )


def _me(principal: Principal) -> Me:
    return Me(
        user_id=principal.user_id,
        username=principal.username,
        role=principal.role,
        via=principal.via,
        permissions=sorted(p.value for p in permissions_of(principal.role)),
        csrf_token=principal.csrf_token,
    )


@router.post("/session", response_model=Me, dependencies=[Depends(public)])
def create_session(body: Credentials, request: Request, response: Response) -> Me:
    """Log in: sets the session cookie and returns the CSRF token to send with changes."""
    state = request.app.state
    done = login(
        store_of(request), state.config, state.throttle, body.username, body.password,
        client_of(request),
    )  # fmt: skip
    set_session_cookie(response, request, done.token)
    user, session = done.user, done.session
    return _me(
        Principal(user.id, user.username, user.role, "session", session.csrf_token, session.id)
    )


@router.get("/session", response_model=Me)
def who_am_i(principal: Annotated[Principal, Depends(require(Permission.READ))]) -> Me:
    return _me(principal)


@router.delete("/session", response_model=Done)
def delete_session(
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(require(Permission.READ))],
) -> Done:
    """Log out (a session; an API key is revoked on /api/v1/keys instead)."""
    name = cookie_name(request.app.state.config.secure_cookies)
    token = request.cookies.get(name)
    if token and principal.via == "session":
        logout(store_of(request), token, principal.username)
    response.delete_cookie(name, path="/")
    return Done()


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    config = request.app.state.config
    response.set_cookie(
        cookie_name(config.secure_cookies),
        token,
        max_age=int(config.session_hours * 3600),
        path="/",
        secure=config.secure_cookies,
        httponly=True,
        samesite="lax",
    )
