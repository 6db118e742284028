"""Units of work for the repositories, and what may be written into a column.

Every repository call is one transaction: committed when the call returns, rolled back
when it raises; a call made inside another's write (or inside ``Store.transaction()``)
joins it. Text from artefacts is attacker-influenced and can hold what a database
refuses: lone surrogates from undecodable file names (neither SQLite's driver nor
PostgreSQL will encode them) and NUL characters (PostgreSQL's text type has none). They are
stored as the visible escapes the reports use, so the store never fails on a hostile name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from aisec.core.errors import InvalidRecord
from aisec.report import safe_text
from aisec.report.json_report import jsonable
from aisec.store.engine import database_errors

# The write transaction open in this thread (or task), and the Sessions it belongs to.
_WRITING: ContextVar[tuple[Sessions, Session] | None] = ContextVar("aisec_writing", default=None)


class Sessions:
    """Read and write transactions over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        # Writers take SQLite's write lock up front (see engine._sqlite_engine).
        writer = engine.execution_options(sqlite_begin="IMMEDIATE")
        self._write = sessionmaker(writer, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with database_errors(self.engine), self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction, or the caller's if one is open on this engine in this
        thread: so that two changes that belong together (an assessment and its audit
        entry) commit together or not at all."""
        joined = _WRITING.get()
        if joined is not None and joined[0] is self:
            yield joined[1]  # the outer write commits or rolls back
            return
        with database_errors(self.engine):
            try:
                with self._write.begin() as session:
                    token = _WRITING.set((self, session))
                    try:
                        yield session
                    finally:
                        _WRITING.reset(token)
            except IntegrityError:
                # Repositories check keys before writing; this is another writer's race.
                raise InvalidRecord(
                    "the record conflicts with one stored at the same time", hint="try again"
                ) from None


def clean(text: str) -> str:
    """``text`` as every database accepts it."""
    return safe_text(text).replace("\x00", "\\x00")


def clean_data(value: Any) -> Any:
    """``value`` as plain JSON data (JSON escapes NUL, so only surrogates need care)."""
    return jsonable(value)
