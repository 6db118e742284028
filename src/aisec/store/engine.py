"""Engines for the store's database, and database errors turned into StoreError.

SQLite gets foreign keys (off by default there), WAL (readers do not block the writer) and
real transactions: the driver's own transaction handling is switched off and SQLAlchemy
emits BEGIN itself, so that DDL in a migration commits or rolls back as a whole, as it does
on PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from aisec.core.errors import StoreError
from aisec.store.url import (
    DEFAULT_DIRECTORY,
    DEFAULT_FILE,
    ENV_VAR,
    describe,
    is_memory,
    parse_url,
    resolve_url,
)

if TYPE_CHECKING:
    from aisec.core.settings import Settings

_CONNECT_TIMEOUT = 10  # seconds; an unreachable server must not hang a command
_INSTALL_HINT = "install the PostgreSQL driver: pip install 'aisec[postgres]'"


def create_store_engine(
    url: str | None = None,
    *,
    settings: Settings | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Engine:
    """An engine for the database that :func:`~aisec.store.url.resolve_url` picks; the
    default SQLite file (and its directory) is created here."""
    text = resolve_url(url, settings=settings, environ=environ)
    if text is None:
        path = default_database(cwd or Path.cwd())
        parsed = URL.create("sqlite", database=str(path))
    else:
        parsed = parse_url(text)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = _CONNECT_TIMEOUT
        # pre_ping: a long-lived process (the server) outlives idle connections.
        return create_engine(parsed, connect_args=connect_args, pool_pre_ping=True)
    except (ImportError, NoSuchModuleError):
        raise StoreError(
            f"cannot use {describe(parsed)}: the PostgreSQL driver (psycopg 3) is not installed",
            hint=_INSTALL_HINT,
        ) from None


def default_database(cwd: Path) -> Path:
    """``.aisec/aisec.db`` under ``cwd``, created if missing: the directory with mode
    0700 and the file 0600, because findings describe the organisation's weaknesses."""
    directory = cwd / DEFAULT_DIRECTORY
    path = directory / DEFAULT_FILE
    try:
        try:
            directory.mkdir(mode=0o700)
            os.chmod(directory, 0o700)  # mkdir's mode passes through the umask
        except FileExistsError:
            if not directory.is_dir():
                raise NotADirectoryError(f"{directory} exists and is not a directory") from None
        _create_private(path)
    except OSError as exc:
        raise StoreError(
            f"cannot create the store's database {path}: {exc.strerror or exc}",
            hint=f"run from a writable directory, or set {ENV_VAR}",
        ) from None
    return path


def _create_private(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _sqlite_engine(url: URL) -> Engine:
    if is_memory(url):
        # One connection shared by every thread: each new one would be an empty database.
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        if url.database and not Path(url.database).parent.is_dir():
            raise StoreError(
                f"cannot open {describe(url)}: directory {Path(url.database).parent} is missing",
                hint="create the directory, or correct the path in the URL",
            )
        if url.database:
            try:
                _create_private(Path(url.database))
            except OSError as exc:
                raise StoreError(
                    f"cannot create {describe(url)}: {exc.strerror or exc}",
                    hint="check that the directory is writable",
                ) from None
        engine = create_engine(url)
    wal = not is_memory(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers ask for IMMEDIATE: a deferred transaction that read first can fail with
        # SQLITE_BUSY when it tries to write after another writer committed.
        immediate = connection.get_execution_options().get("sqlite_begin") == "IMMEDIATE"
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def database_errors(engine: Engine) -> Iterator[None]:
    """Turn the driver's errors (server down, login refused, file unwritable) into a
    StoreError that names the database without its password."""
    try:
        yield
    except DBAPIError as exc:
        raise StoreError(
            f"cannot use the database {describe(engine.url)}: {_first_line(exc, engine.url)}",
            hint=_hint_for(engine.url),
        ) from None


def _first_line(exc: DBAPIError, url: URL) -> str:
    text = str(exc.orig if exc.orig is not None else exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    # Drivers do not echo passwords, but a message is no place to find out that one did.
    password = url.password
    return line.replace(password, "***") if isinstance(password, str) and password else line


def _hint_for(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return "check that the file and its directory are writable, and not used by another program"
    return "check that the server is running and reachable, and the user, password and database"
