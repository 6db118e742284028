"""Fixtures of the discovery tests: the realistic repository (discovery_repo.py), and the
databases (a SQLite file, and PostgreSQL when reachable) that recording is tested on."""

from __future__ import annotations

from pathlib import Path

import pytest
from discovery_repo import build_repository

from databases import drop_schema, new_schema_url, postgres_admin_engine


@pytest.fixture
def repository(tmp_path) -> Path:
    return build_repository(tmp_path / "repo")


@pytest.fixture(scope="session")
def postgres_admin():
    yield from postgres_admin_engine()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The URL of an empty database; on PostgreSQL a schema of its own, dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    admin = request.getfixturevalue("postgres_admin")
    url, schema = new_schema_url(admin, "aisec_disc")
    try:
        yield url
    finally:
        drop_schema(admin, schema)
