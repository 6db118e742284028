"""Fixtures of the discovery tests: the realistic repository (discovery_repo.py), and the
databases (a SQLite file, and PostgreSQL when reachable) that recording is tested on."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from discovery_repo import build_repository

POSTGRES_URL = os.environ.get("AISEC_TEST_POSTGRES_URL") or (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def repository(tmp_path) -> Path:
    return build_repository(tmp_path / "repo")


@pytest.fixture(scope="session")
def postgres_admin():
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
def database_url(request, tmp_path):
    """The URL of an empty database; on PostgreSQL a schema of its own, dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin = request.getfixturevalue("postgres_admin")
    schema = f"aisec_disc_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
