"""Every endpoint of an app, with its full path: what the access-matrix test walks.

FastAPI 0.116+ keeps included routers as branches resolved on first use instead of
copying their routes into the app; both layouts are walked here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    route: APIRoute


def endpoints(app: FastAPI) -> list[Endpoint]:
    found: list[Endpoint] = []
    for path, route in _walk(app.routes):
        for method in sorted((route.methods or set()) - {"HEAD"}):
            found.append(Endpoint(method, path, route))
    return found


def _walk(routes: Iterable[Any]) -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route.path, route
        elif hasattr(route, "effective_route_contexts"):
            for context in route.effective_route_contexts():
                original = getattr(context, "original_route", None)
                if isinstance(original, APIRoute):
                    yield str(context.path), original


def include_modules(router: APIRouter, package: str, names: Iterable[str]) -> None:
    """Include the ``router`` of each module ``package.name``, in order."""
    import importlib

    for name in names:
        router.include_router(importlib.import_module(f"{package}.{name}").router)
