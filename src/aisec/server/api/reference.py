"""The API reference at ``/api/docs``: the OpenAPI document rendered on the server as
one HTML page, so that it works offline and loads nothing from another origin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from aisec.server.access.deps import public

router = APIRouter(include_in_schema=False)

_METHODS = ("get", "post", "put", "patch", "delete")


@router.get("/api/docs", response_class=HTMLResponse, dependencies=[Depends(public)])
def api_docs(request: Request) -> HTMLResponse:
    from aisec.server.dashboard.templating import render

    schema = request.app.openapi()
    return render(request, "api_docs.html", {"schema": schema, "sections": sections(schema)})


def sections(schema: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The operations grouped by tag, in the order tags first appear."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            grouped.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p.get("name"),
                            "in": p.get("in"),
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _ref_name(operation.get("requestBody")),
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return list(grouped.items())


def _ref_name(body: dict[str, Any] | None) -> str | None:
    if not body:
        return None
    for media in body.get("content", {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        return str(ref).rsplit("/", 1)[-1] or "object"
    return None
