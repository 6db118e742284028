"""A real server on a loopback port, in a thread of the test process, for the browser
tests: uvicorn serving the app over a store the test prepared."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(store, scan_root: Path) -> Iterator[str]:
    """The base URL of a server over ``store`` until the block ends."""
    import uvicorn
    from server_accounts import make_app

    port = free_port()
    config = uvicorn.Config(
        make_app(store, scan_root), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
