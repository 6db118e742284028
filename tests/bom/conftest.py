"""Fixtures of the AI-BOM tests: fresh databases (SQLite files, and PostgreSQL schemas when
a server is reachable) and the inventory the round trip starts from."""

from __future__ import annotations

import uuid

import pytest

from databases import drop_schema, new_schema_url, postgres_admin_engine


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch):
    # A fixed BOM timestamp, so that two exports can be compared byte for byte.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="session")
def bom_postgres_admin():
    yield from postgres_admin_engine()


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request, tmp_path):
    """A factory of URLs of empty databases of one kind; all are dropped afterwards."""
    schemas: list[str] = []
    admin = request.getfixturevalue("bom_postgres_admin") if request.param != "sqlite" else None

    def make() -> str:
        if admin is None:
            return f"sqlite:///{tmp_path / f'store-{uuid.uuid4().hex[:8]}.db'}"
        url, schema = new_schema_url(admin, "aisec_bom")
        schemas.append(schema)
        return url

    yield make
    for schema in schemas:
        drop_schema(admin, schema)
