"""Real failures for the gateway's fault tests: a TCP proxy that can cut a database off
(its listening socket closed and every open connection aborted, as a network partition
or a crashed server looks from the client's side) and let it back; a PostgreSQL database
of its own per test; Redis or a skip; and a reader of the gateway's /metrics text."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

REDIS_URL = "redis://127.0.0.1:6379/15"
_CHUNK = 1 << 16


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``target``, on an event loop of its own thread.

    ``cut()`` closes the listening socket (new connections are refused) and aborts every
    open connection (a RST to both sides); ``restore()`` listens again on the same port.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.accepted = 0  # connections forwarded, over the proxy's life
        self.aborted = 0  # connections cut
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="aisec-test-tcp-proxy")  # fmt: skip
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.Transport] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._up = False

    def __enter__(self) -> TcpProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def __exit__(self, *_exc: object) -> None:
        with contextlib.suppress(Exception):
            self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def cut(self) -> int:
        """Cut the target off; returns how many open connections were aborted."""
        return int(self._call(self._cut()))

    def restore(self) -> None:
        self._call(self._listen())

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _listen(self) -> None:
        # reuse_address: the port is bound again at once, whatever TIME_WAIT the cut left.
        self._server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        self._up = True

    async def _cut(self) -> int:
        self._up = False
        server, self._server = self._server, None
        if server is not None:
            server.close()
        cut = list(self._open)
        for transport in cut:
            transport.abort()
        self._open.clear()
        self.aborted += len(cut)
        if server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.wait_closed(), 5)
        return len(cut)

    async def _shutdown(self) -> None:
        await self._cut()
        # The handlers end once their transports are aborted: let them, before the loop
        # stops, rather than leave pending tasks behind.
        pending = {task for task in self._tasks if not task.done()}
        if pending:
            await asyncio.wait(pending, timeout=5)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        client = writer.transport
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client.abort()
            return
        if not self._up:  # cut while the target's connection was being made
            client.abort()
            up_writer.transport.abort()
            return
        self.accepted += 1
        pair = {client, up_writer.transport}
        self._open |= pair
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            for transport in pair:
                transport.abort()
            self._open -= pair


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(_CHUNK):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.transport.abort()  # one side gone: the other goes too, as a proxy does


@contextmanager
def postgres_database() -> Iterator[tuple[Any, str]]:
    """A new PostgreSQL database (skip when the server cannot be reached): yields an
    admin engine (AUTOCOMMIT) and the database's name; dropped WITH (FORCE) afterwards."""
    from sqlalchemy import text

    from databases import postgres_admin_engine

    for engine in postgres_admin_engine():
        admin = engine.execution_options(isolation_level="AUTOCOMMIT")
        name = f"gwfault_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin, name
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def postgres_url(name: str, port: int | None = None) -> str:
    from sqlalchemy.engine import make_url

    from databases import POSTGRES_URL

    url = make_url(POSTGRES_URL).set(database=name)
    if port is not None:
        url = url.set(host="127.0.0.1", port=port)
    return url.render_as_string(hide_password=False)


def redis_or_skip(url: str = REDIS_URL) -> Any:
    """A client of the test Redis database, or a skip saying why there is none."""
    try:
        import redis
    except ImportError:
        pytest.skip("redis (the Python client) is not installed")
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as exc:
        client.close()
        pytest.skip(f"Redis is not reachable at {url}: {exc}")
    return client


def delete_keys(client: Any, pattern: str) -> int:
    names = list(client.scan_iter(match=pattern, count=1000))
    return int(client.delete(*names)) if names else 0


def wait_until(condition: Callable[[], bool], timeout: float = 60.0, step: float = 0.1) -> bool:
    """Poll ``condition``: the timeout only bounds a hang, nothing is asserted on time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def metric(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels``."""
    from prometheus_client.parser import text_string_to_metric_families

    total, found = 0.0, False
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
                found = True
    if not found:
        raise KeyError(f"no sample {name}{labels} in the metrics")
    return total
