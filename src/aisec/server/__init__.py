"""The server: the REST API and the web dashboard over the same service functions as the
command line (docs/adr/0022). Needs ``pip install 'aisec[server]'``.

    from aisec.server import create_app
    from aisec.store import open_store
    app = create_app(open_store())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["ServerConfig", "create_app"]

if TYPE_CHECKING:
    from aisec.server.app import create_app
    from aisec.server.config import ServerConfig


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from aisec.server.app import create_app

        return create_app
    if name == "ServerConfig":
        from aisec.server.config import ServerConfig

        return ServerConfig
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
