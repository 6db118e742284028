"""The REST API under ``/api/v1``: one router per area, each route guarded by one
permission (aisec.server.access.deps)."""

from __future__ import annotations

from fastapi import APIRouter

from aisec.server.routes import include_modules

# Each module defines ``router``; the order is the order of the reference's sections.
AREAS = (
    "session",
    "inventory",
    "runs",
    "findings",
    "jobs",
    "governance_systems",
    "governance_registers",
    "governance_gates",
    "catalogue",
    "users",
    "audit",
    "gateway",
)


def api_router() -> APIRouter:
    from aisec.server.api import reference  # after the areas: /api/docs is not versioned

    router = APIRouter()
    versioned = APIRouter(prefix="/api/v1")
    include_modules(versioned, __name__, AREAS)
    router.include_router(versioned)
    router.include_router(reference.router)
    return router
