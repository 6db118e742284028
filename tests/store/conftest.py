"""Fixtures of the store suite: every test that takes ``database_url`` runs twice, on a
SQLite file and on PostgreSQL.

PostgreSQL isolation: each test gets a schema of its own (``search_path`` set through the
URL's ``options``), dropped afterwards, so tests see an empty database and leave nothing.
When the server cannot be reached the PostgreSQL half is skipped with the reason; CI
(.ci/run) starts one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from store_payloads import system_payload

from databases import drop_schema, new_schema_url, postgres_admin_engine


@pytest.fixture(scope="session")
def postgres_admin():
    """An engine on the test database, or a skip saying why there is none."""
    yield from postgres_admin_engine()


def _postgres_schema_url(admin) -> tuple[str, str]:
    return new_schema_url(admin)


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
        drop_schema(admin, schema)


@pytest.fixture(scope="session")
def postgres_store_url(postgres_admin):
    """A schema migrated once for the session; ``store`` empties it after each test
    (migrating a fresh schema per test would dominate the suite's time)."""
    from aisec.store import open_store

    url, schema = _postgres_schema_url(postgres_admin)
    open_store(url).close()
    yield url
    drop_schema(postgres_admin, schema)


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
