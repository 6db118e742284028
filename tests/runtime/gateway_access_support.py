"""Shared by the tests of the gateway's access control: stores on SQLite and on a fresh
PostgreSQL database, and a Redis namespace of the test's own."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from databases import POSTGRES_URL

REDIS_URL = os.environ.get("AISEC_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


def gateway_keys(store: Any) -> Any:
    """The repository as the Store will hold it: the store's sessions and audit log, so
    that a key and its audit entry share one transaction."""
    from aisec.store.sql_gateway_keys import SqlGatewayKeyRepository

    return SqlGatewayKeyRepository(store._sessions, audit=store.audit)


@contextmanager
def postgres_store() -> Iterator[Any]:
    """A store on a database created for the test and dropped after it; skips when no
    PostgreSQL server answers."""
    pytest.importorskip("psycopg", reason="PostgreSQL half skipped: psycopg is not installed")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from aisec.store import open_store

    admin = create_engine(
        POSTGRES_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    name = f"aisec_gwkeys_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL half skipped: {str(exc).strip().splitlines()[0]}")
    try:
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        with open_store(url) as store:
            yield store
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def redis_prefix() -> str:
    return f"aisec:gw:test-{uuid.uuid4().hex[:12]}:"


def redis_or_skip() -> None:
    pytest.importorskip("redis", reason="redis is not installed (the gateway extra)")
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis half skipped: cannot reach {REDIS_URL}: {exc}")
    finally:
        client.close()


def redis_cleanup(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        names = list(client.scan_iter(match=prefix + "*", count=500))
        if names:
            client.delete(*names)
    finally:
        client.close()


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
