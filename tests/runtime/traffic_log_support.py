"""Databases for the traffic log tests, and real ways of making them fail.

``gw_db`` runs a test on a SQLite file and on a PostgreSQL database of its own (``CREATE
DATABASE gwlog_<random>``, dropped afterwards; skipped when no server answers). A database
of its own, not a schema, so that a test can refuse every connection to it
(``ALLOW_CONNECTIONS false`` and its backends terminated): the outage the writer must
survive, made by the server, not by a mock. SQLite's outage is another connection holding
the write lock (``BEGIN EXCLUSIVE``) while the store's connections wait at most 0.2 s.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from databases import POSTGRES_URL, postgres_admin_engine


@dataclass
class GatewayDatabase:
    kind: str
    url: str
    path: Path | None = None  # SQLite
    name: str = ""  # PostgreSQL database
    admin: Any = None
    _holder: sqlite3.Connection | None = field(default=None, repr=False)

    def open(self) -> Any:
        from aisec.store import open_store

        return open_store(self.url)

    def break_it(self) -> None:
        """Make every write fail, for real."""
        if self.kind == "sqlite":
            self._holder = sqlite3.connect(self.path, isolation_level=None, timeout=5)
            self._holder.execute("BEGIN EXCLUSIVE")
            return
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false'))
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": self.name},
            )

    def mend(self) -> None:
        if self.kind == "sqlite":
            assert self._holder is not None
            self._holder.execute("ROLLBACK")
            self._holder.close()
            self._holder = None
            return
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true'))


@pytest.fixture(scope="session")
def gw_postgres_admin():
    for engine in postgres_admin_engine():
        yield engine.execution_options(isolation_level="AUTOCOMMIT")


@pytest.fixture(params=["sqlite", "postgresql"])
def gw_db(request, tmp_path) -> Iterator[GatewayDatabase]:
    if request.param == "sqlite":
        path = tmp_path / "gateway.db"
        yield GatewayDatabase("sqlite", f"sqlite:///{path}?timeout=0.2", path=path)
        return
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    admin = request.getfixturevalue("gw_postgres_admin")
    name = f"gwlog_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    db = GatewayDatabase("postgresql", url, name=name, admin=admin)
    try:
        yield db
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    """Poll ``condition`` (no timing is asserted: the timeout only bounds a hang)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def record_many(log: Any, n: int, *, start: int = 0) -> list[int]:
    return [
        log.record(
            f"client-{i % 7}",
            "fraud-model",
            "predict",
            "block" if i % 50 == 0 else "allow",
            403 if i % 50 == 0 else 200,
            0.5 + i / 3,
            {"input_sha256": f"{i:064x}", "scores": {"ood": i / 7}, "alerts": ["ood"] * (i % 3)},
        )
        for i in range(start, start + n)
    ]
