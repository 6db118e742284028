"""The test databases shared by every suite that touches the store: a SQLite file, and a
PostgreSQL schema of its own per use (``search_path`` set through the URL's ``options``),
dropped afterwards. When no server can be reached the PostgreSQL half is skipped with the
reason; CI (.ci/run) starts one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

POSTGRES_URL = os.environ.get("AISEC_TEST_POSTGRES_URL") or (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_admin_engine() -> Iterator[Any]:
    """An engine on the test database, or a skip saying why there is none (a generator,
    for session fixtures to ``yield from``)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL half skipped: psycopg is not installed (aisec[postgres])")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

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


def new_schema_url(admin: Any, prefix: str = "aisec_test") -> tuple[str, str]:
    """The URL of a new, empty schema, and the schema's name."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), schema


def drop_schema(admin: Any, schema: str) -> None:
    from sqlalchemy import text

    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
