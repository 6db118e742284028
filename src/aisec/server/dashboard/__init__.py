"""The web dashboard: server-rendered pages over the same service functions as the CLI
and the API. Every page works without scripts and with the keyboard."""

from __future__ import annotations

from fastapi import APIRouter

from aisec.server.routes import include_modules

# Each module defines ``router``.
PAGES = (
    "pages",
    "overview",
    "inventory_pages",
    "findings_pages",
    "runs_pages",
    "validation_pages",
    "classification_pages",
    "risk_pages",
    "gate_pages",
    "gateway_pages",
    "admin_pages",
)


def dashboard_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    include_modules(router, __name__, PAGES)
    return router
