"""The application factory: one FastAPI app over one store, with the API under
``/api/v1``, its reference at ``/api/docs``, and the dashboard everywhere else."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware

from aisec import __version__
from aisec.server import errors
from aisec.server.access.login import LoginThrottle
from aisec.server.config import ServerConfig
from aisec.server.headers import SecurityHeaders
from aisec.server.limits import BodyLimit

if TYPE_CHECKING:
    from aisec.core.settings import Settings
    from aisec.store.store import Store

STATIC = Path(__file__).resolve().parent / "static"


def _no_telemetry() -> dict[str, Any]:
    """Newer FastAPI records OpenTelemetry data, and exports it when the environment asks
    (FASTAPI_OTEL_AUTO_CONFIGURE): aisec sends nothing anywhere, so all of it is off."""
    import inspect

    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    off = ("tracing", "metrics", "logs", "operation_spans", "auto_configure")
    return {"telemetry": dict.fromkeys(off, False)}


def create_app(
    store: Store, config: ServerConfig | None = None, settings: Settings | None = None
) -> FastAPI:
    """The server's ASGI app. The caller keeps ``store`` open while the app serves and
    closes it afterwards; background jobs are shut down with the app."""
    from contextlib import asynccontextmanager

    from aisec.core.settings import load_settings
    from aisec.server.api import api_router
    from aisec.server.dashboard import dashboard_router
    from aisec.server.jobs import JobRunner

    config = config or ServerConfig()
    settings = settings or load_settings()
    jobs = JobRunner(store, config, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        jobs.start()
        try:
            yield
        finally:
            jobs.shutdown()

    app = FastAPI(
        title="aisec",
        version=__version__,
        description="The aisec REST API: inventory, runs, findings and triage, background "
        "scans and tests, governance, and the checks catalogue. Authenticate with "
        "`Authorization: Bearer aisec_...` (an API key from /account) or a session.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
        **_no_telemetry(),
    )
    app.state.store = store
    app.state.config = config
    app.state.settings = settings
    app.state.jobs = jobs
    app.state.throttle = LoginThrottle(config.login_attempts, config.login_lockout_seconds)
    errors.install(app)
    # Starlette runs the middleware added last first: hosts, then the body bound, then
    # the headers on whatever answers.
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=config.max_body_bytes)
    if "*" not in config.allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api_router())
    app.include_router(dashboard_router())
    return app
