"""Fixtures of the server suite: an app over a store on SQLite or PostgreSQL, one user of
every role with an API key, and clients through the ASGI app (no socket).

``server_store`` runs each test that takes it (or ``app``/``client``) on both databases;
``sqlite_client`` is for tests where the database makes no difference."""

from __future__ import annotations

import pytest
from server_accounts import make_accounts, make_app

from databases import drop_schema, new_schema_url, postgres_admin_engine

pytest.importorskip("fastapi", reason="the server extra is not installed")


@pytest.fixture(scope="session")
def server_postgres_admin():
    yield from postgres_admin_engine()


@pytest.fixture(params=["sqlite", "postgresql"])
def server_store(request, tmp_path):
    from aisec.store import open_store

    if request.param == "sqlite":
        with open_store(f"sqlite:///{tmp_path / 'server.db'}") as store:
            yield store
        return
    admin = request.getfixturevalue("server_postgres_admin")
    url, schema = new_schema_url(admin, "aisec_server")
    try:
        with open_store(url) as store:
            yield store
    finally:
        drop_schema(admin, schema)


@pytest.fixture
def sqlite_store(tmp_path):
    from aisec.store import open_store

    with open_store(f"sqlite:///{tmp_path / 'server.db'}") as store:
        yield store


@pytest.fixture
def accounts(server_store):
    return make_accounts(server_store)


@pytest.fixture
def client(server_store, accounts, tmp_path):
    """A client on the app over ``server_store`` (lifespan run: jobs work)."""
    from fastapi.testclient import TestClient

    with TestClient(make_app(server_store, tmp_path), base_url="https://testserver") as c:
        yield c


@pytest.fixture
def sqlite_accounts(sqlite_store):
    return make_accounts(sqlite_store)


@pytest.fixture
def sqlite_client(sqlite_store, sqlite_accounts, tmp_path):
    from fastapi.testclient import TestClient

    with TestClient(make_app(sqlite_store, tmp_path), base_url="https://testserver") as c:
        yield c
