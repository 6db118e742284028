"""The pages every visitor meets: log in, log out, and errors.

The login form is protected against login CSRF (a forged form logging the victim into the
forger's account) with a double-submit token: a cookie set with the form and a hidden
field that must match it. ``next`` only ever leads to a path on this site.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aisec.core.errors import AccessError, AuthRequired
from aisec.server.access.deps import client_of, cookie_name, public, require, store_of
from aisec.server.access.login import login, logout
from aisec.server.access.principal import Principal
from aisec.server.access.roles import Permission
from aisec.server.access.secrets import new_token, same
from aisec.server.api.session import set_session_cookie
from aisec.server.dashboard.templating import render

router = APIRouter()
LOGIN_COOKIE = "aisec_login"


def error_page(request: Request, status: int, message: str, hint: str | None) -> HTMLResponse:
    return render(
        request, "error.html", {"status": status, "message": message, "hint": hint}, status=status
    )


def safe_next(target: str | None) -> str:
    """A local path to go to after logging in; anything else goes to the overview."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(c in target for c in "\r\n\\") or len(target) > 2000:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse, dependencies=[Depends(public)])
def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, next)


def _login_page(request: Request, next: str, error: str = "", status: int = 200) -> Response:
    """The login form with a fresh login token. ``error`` is only ever the server's own
    reason for a failed login, never text from the query string (which anyone can write)."""
    token = new_token()
    response = render(
        request,
        "login.html",
        {"next": safe_next(next), "login_token": token, "error": error},
        status=status,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        path="/login",
        secure=request.app.state.config.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    return response


@router.post("/login", dependencies=[Depends(public)])
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1024)],
    login_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not login_token or not same(cookie, login_token):
        raise AccessError("the login form has expired", hint="load the login page again")
    state = request.app.state
    try:
        done = login(
            store_of(request), state.config, state.throttle, username, password,
            client_of(request),
        )  # fmt: skip
    except AuthRequired as exc:
        return _login_page(request, next, error=exc.message, status=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, request, done.token)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout_submit(
    request: Request, principal: Annotated[Principal, Depends(require(Permission.READ))]
) -> Response:
    name = cookie_name(request.app.state.config.secure_cookies)
    token = request.cookies.get(name)
    if token and principal.via == "session":
        logout(store_of(request), token, principal.username)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(name, path="/")
    return response


@router.get("/healthz", dependencies=[Depends(public)])
def health() -> dict[str, str]:
    return {"status": "ok"}
