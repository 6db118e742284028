"""One JSON error envelope for every API error, and the pages a browser gets instead.

    {"error": {"status": 404, "code": "AISEC-E601", "message": "...", "hint": "...",
               "details": null}}

aisec's own errors keep their documented codes; request validation is a usage error
(``AISEC-E101``) with the offending fields as details; anything unexpected is a 500 with
no detail (the log has it) so that no internal text, path or value leaks to a client.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from aisec.core.errors import (
    AccessError,
    AisecError,
    AuthRequired,
    ConfigError,
    InvalidRecord,
    RecordNotFound,
)

log = logging.getLogger("aisec.server")


def status_of(exc: AisecError) -> int:
    if isinstance(exc, AccessError):
        return int(getattr(exc, "status", 403))
    if isinstance(exc, RecordNotFound):
        return 404
    if isinstance(exc, InvalidRecord):
        return 409
    if isinstance(exc, ConfigError):
        return 400
    return 422


def envelope(
    status: int, code: str, message: str, hint: str | None = None, details: Any = None
) -> dict[str, Any]:
    return {
        "error": {
            "status": status,
            "code": code,
            "message": message,
            "hint": hint,
            "details": details,
        }
    }


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    app.add_exception_handler(AisecError, _aisec_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


async def _aisec_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AisecError)
    status = status_of(exc)
    if _wants_html(request):
        if isinstance(exc, AuthRequired):
            return RedirectResponse(f"/login?next={_next(request)}", status_code=303)
        from aisec.server.dashboard.pages import error_page

        return error_page(request, status, exc.message, exc.hint)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = envelope(status, exc.code, exc.message, exc.hint)
    return JSONResponse(body, status_code=status, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": e.get("type"),
        }
        for e in exc.errors()
    ]
    message = "the request is invalid: " + "; ".join(
        f"{'.'.join(d['loc'])}: {d['msg']}" for d in details[:5]
    )
    if _wants_html(request):
        from aisec.server.dashboard.pages import error_page

        return error_page(request, 422, message, "correct the form and send it again")
    body = envelope(422, "AISEC-E101", message, "see the API reference at /api/docs", details)
    return JSONResponse(body, status_code=422)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail) if exc.detail else "request refused"
    if _wants_html(request):
        from aisec.server.dashboard.pages import error_page

        return error_page(request, exc.status_code, message, None)
    body = envelope(exc.status_code, f"HTTP-{exc.status_code}", message)
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s %s", request.method, request.url.path)
    message = "internal error; the server log has the details"
    if _wants_html(request):
        from aisec.server.dashboard.pages import error_page

        return error_page(request, 500, message, None)
    return JSONResponse(envelope(500, "AISEC-E000", message), status_code=500)


def _next(request: Request) -> str:
    from urllib.parse import quote

    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return quote(target, safe="")
