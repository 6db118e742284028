"""Fixtures of the AI-BOM tests: fresh databases (SQLite files, and PostgreSQL schemas when
a server is reachable) and the inventory the round trip starts from."""

from __future__ import annotations

import os
import uuid

import pytest

POSTGRES_URL = os.environ.get("AISEC_TEST_POSTGRES_URL") or (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch):
    # A fixed BOM timestamp, so that two exports can be compared byte for byte.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="session")
def bom_postgres_admin():
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL half skipped: psycopg is not installed (aisec[postgres])")
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        pytest.skip(f"PostgreSQL half skipped: cannot reach the server: {type(exc).__name__}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request, tmp_path):
    """A factory of URLs of empty databases of one kind; all are dropped afterwards."""
    schemas: list[str] = []
    admin = request.getfixturevalue("bom_postgres_admin") if request.param != "sqlite" else None

    def make() -> str:
        if admin is None:
            return f"sqlite:///{tmp_path / f'store-{uuid.uuid4().hex[:8]}.db'}"
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        schema = f"aisec_bom_{uuid.uuid4().hex[:12]}"
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        schemas.append(schema)
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    yield make
    if admin is not None:
        from sqlalchemy import text

        with admin.begin() as connection:
            for schema in schemas:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
