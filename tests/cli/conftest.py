"""Fixtures shared by the command tests."""

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A store URL to record runs in: an SQLite file, then a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'runs.db'}"
        return
    from databases import drop_schema, new_schema_url, postgres_admin_engine

    engines = postgres_admin_engine()
    admin = next(engines)
    url, schema = new_schema_url(admin, "aisec_cli")
    try:
        yield url
    finally:
        drop_schema(admin, schema)
        engines.close()
