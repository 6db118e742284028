"""Fixtures of the store suite: every test that takes ``database_url`` runs twice, on a
SQLite file and on PostgreSQL.

PostgreSQL isolation: each test gets a schema of its own (``search_path`` set through the
URL's ``options``), dropped afterwards, so tests see an empty database and leave nothing.
When the server cannot be reached the PostgreSQL half is skipped with the reason; CI
(.ci/run) starts one.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from store_payloads import system_payload

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
POSTGRES_URL = os.environ.get("AISEC_TEST_POSTGRES_URL") or DEFAULT_POSTGRES


@pytest.fixture(scope="session")
def postgres_admin():
    """An engine on the test database, or a skip saying why there is none."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL half skipped: psycopg is not installed (aisec[postgres])")
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        shown = make_url(POSTGRES_URL).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL half skipped: cannot reach {shown}: {first}")
    yield engine
    engine.dispose()


def _postgres_schema_url(admin) -> tuple[str, str]:
    schema = f"aisec_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The URL of an empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    admin = request.getfixturevalue("postgres_admin")
    url, schema = _postgres_schema_url(admin)
    try:
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


@pytest.fixture(scope="session")
def postgres_store_url(postgres_admin):
    """A schema migrated once for the session; ``store`` empties it after each test
    (migrating a fresh schema per test would dominate the suite's time)."""
    from aisec.store import open_store

    url, schema = _postgres_schema_url(postgres_admin)
    open_store(url).close()
    yield url
    with postgres_admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """An open store on an empty, migrated database."""
    from aisec.store import open_store
    from aisec.store.models import Base

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_store_url")
    with open_store(url) as opened:
        try:
            yield opened
        finally:
            if request.param == "postgresql":
                # DELETE, children first: TRUNCATE costs far more on tables this small.
                with opened.engine.begin() as connection:
                    for table in reversed(Base.metadata.sorted_tables):
                        connection.execute(table.delete())


# -- a model directory with a harmless malicious pickle ----------------------------------


@pytest.fixture
def model_dir(tmp_path) -> Path:
    directory = tmp_path / "models"
    directory.mkdir()
    (directory / "evil.pkl").write_bytes(system_payload())
    (directory / "notes.txt").write_text("a text file, recognised as data\n")
    return directory
