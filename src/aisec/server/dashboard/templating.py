"""Rendering pages: one Jinja environment over the package's templates, autoescaped,
with what every page needs (the user, their CSRF token, the navigation) in its context."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from aisec import __version__
from aisec.server.access.deps import authenticate
from aisec.server.access.roles import ROLE_TITLES, Permission

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

# (path, label, permission to see it)
NAVIGATION = (
    ("/", "Overview", Permission.READ),
    ("/systems", "Inventory", Permission.READ),
    ("/findings", "Findings", Permission.READ),
    ("/runs", "Runs", Permission.READ),
    ("/validation", "Validation", Permission.READ),
    ("/risks", "Risks", Permission.READ),
    ("/gates", "Gates & approvals", Permission.READ),
    ("/gateway", "Gateway", Permission.READ),
    ("/admin/users", "Users", Permission.USERS_MANAGE),
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["day"] = _day
    env.filters["segment"] = segment
    env.filters["ref"] = ref
    env.globals["version"] = __version__
    env.globals["role_titles"] = ROLE_TITLES
    return env


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    if principal is None:
        try:
            principal = authenticate(request)
        except Exception:  # a bad key on a page: render it as logged out
            principal = None
    nav = [
        (
            path,
            label,
            request.url.path == path or (path != "/" and request.url.path.startswith(path)),
        )
        for path, label, permission in NAVIGATION
        if principal is not None and principal.can(permission)
    ]
    page = (
        environment()
        .get_template(template)
        .render(
            request=request,
            user=principal,
            csrf_token=principal.csrf_token if principal is not None else "",
            nav=nav,
            **(context or {}),
        )
    )
    return HTMLResponse(page, status_code=status)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "—"


def _day(value: date | datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else "—"


def segment(value: object) -> str:
    """``value`` as one segment of a URL path: every reserved character escaped, ``/``
    too (Jinja's ``urlencode`` keeps it, letting a name step into another path)."""
    return quote(str(value), safe="")


def addressable(name: str) -> bool:
    """Whether ``name`` still reaches its page as a path segment once the router has
    decoded it: not ``.`` or ``..`` (which browsers resolve away) and without ``/``."""
    return name not in ("", ".", "..") and "/" not in name and "\\" not in name


def path_ref(name: str, ident: object) -> str:
    """The path segment that names an asset: its name when that is addressable, else its id."""
    return segment(name if addressable(name) else ident)


def ref(value: Any, ident: object = None) -> str:
    """An asset (anything with ``name`` and ``id``), or a name with ``ident`` its id, as
    the path segment of its pages (see :func:`path_ref`)."""
    if isinstance(value, str):
        return path_ref(value, ident) if ident is not None else segment(value)
    return path_ref(str(value.name), value.id)
