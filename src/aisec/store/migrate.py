"""Schema migrations, run from code: the migrations ship inside the package and users keep
no ``alembic.ini``.

Opening a store costs one query when the schema is current: the version is read directly
and Alembic (its script directory, the revision files) is only loaded when there is
something to do. The version table has a name of its own so that aisec can share a
database with another application that uses Alembic.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from aisec.core.errors import StoreError
from aisec.store.engine import database_errors

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0009"  # the newest revision in migrations/versions (a test holds them equal)
VERSION_TABLE = "aisec_schema_version"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Concurrent first use on PostgreSQL: one process migrates, the others wait for it.
_ADVISORY_LOCK = 0x61697365_6301


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision``; nothing to do costs one query."""
    with database_errors(engine):
        if revision in ("head", HEAD):
            with engine.connect() as connection:
                if current_revision(connection) == HEAD:
                    return
        _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate down to ``revision``; ``base`` drops every table aisec created."""
    with database_errors(engine):
        _run(engine, "downgrade", revision)


def upgrade_sql(dialect_url: str, revision: str = "head") -> str:
    """The SQL that upgrading an empty database of this kind would run, for a reviewer
    who applies schema changes by hand (``postgresql+psycopg://`` or ``sqlite://``)."""
    from alembic import command

    buffer = io.StringIO()
    config = _config(output_buffer=buffer)
    config.set_main_option("sqlalchemy.url", dialect_url)
    _translate(lambda: command.upgrade(config, revision, sql=True))
    return buffer.getvalue()


def _run(engine: Engine, direction: str, revision: str) -> None:
    from alembic import command

    # IMMEDIATE: on SQLite, take the write lock before reading the version, so that two
    # processes opening a new store do not both decide to create it.
    with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
        config = _config(connection=connection)
        step = command.upgrade if direction == "upgrade" else command.downgrade
        _translate(lambda: step(config, revision))
        if direction == "downgrade" and revision == "base":
            # Alembic keeps its (now empty) version table; base means nothing of aisec's.
            connection.execute(text(f"DROP TABLE IF EXISTS {VERSION_TABLE}"))


def _config(
    *, connection: Connection | None = None, output_buffer: io.StringIO | None = None
) -> Config:
    from alembic.config import Config

    config = Config(output_buffer=output_buffer)
    # ConfigParser interpolates %: a path containing one must be escaped.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def _translate(step: Callable[[], None]) -> None:
    from alembic.util import CommandError

    try:
        step()
    except CommandError as exc:
        # The usual cause: a revision this aisec does not know, written by a newer one.
        raise StoreError(
            f"cannot migrate the store's database: {exc}",
            hint="upgrade aisec to the version that last used this database",
        ) from None
