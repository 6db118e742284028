"""The gateway's traffic log over SQLAlchemy Core (docs/adr/0023; the hashing is
:mod:`aisec.runtime.audit.records`).

Unlike the governance log, nothing here numbers entries: each gateway process writes its
own stream and numbers it in memory (:mod:`aisec.runtime.audit.writer`), so inserts are
plain ``executemany`` batches with no lock. Reads page by ``(stream, seq)`` keys, never by
OFFSET and never holding a cursor open: a stream holds millions of rows, and a server-side
cursor would pin a connection (and on SQLite, a read snapshot) for the whole walk.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, Table, Text, case, cast, delete, func, literal, select, tuple_
from sqlalchemy.engine import Connection, Engine, RowMapping
from sqlalchemy.sql.elements import ColumnElement

from aisec.core.errors import ConfigError
from aisec.runtime.audit.records import TrafficCheckpoint, TrafficEntry
from aisec.store.models import GatewayCheckpoint, GatewayEntry
from aisec.store.session import Sessions

_ENTRIES: Table = GatewayEntry.__table__  # type: ignore[assignment]
_CHECKPOINTS: Table = GatewayCheckpoint.__table__  # type: ignore[assignment]
# The payload read as text and decoded here: a hand-edited row that is not JSON must show
# as an edited entry, not stop a verification or a dashboard with a decoding error.
_READ = [c for c in _ENTRIES.c if c.name != "payload"] + [
    cast(_ENTRIES.c.payload, Text).label("payload")
]
BATCH = 2000


class _HasEngine(Protocol):
    @property
    def engine(self) -> Engine: ...


def as_sessions(source: Sessions | Engine | _HasEngine) -> Sessions:
    """Sessions over a Sessions, an Engine, or anything holding one (a Store)."""
    if isinstance(source, Sessions):
        return source
    if isinstance(source, Engine):
        return Sessions(source)
    return Sessions(source.engine)


@dataclass(frozen=True, slots=True)
class Position:
    """Where a stream stands: its last seq (0 when empty) and the first one still stored
    (pruning removes the oldest)."""

    last_seq: int
    first_seq: int
    last_recorded_at: datetime | None


@dataclass(frozen=True, slots=True)
class Activity:
    model: str
    client: str
    action: str
    requests: int
    alerts: int  # the length of every payload's "alerts" list, summed


class SqlGatewayLog:
    def __init__(self, sessions: Sessions | Engine | _HasEngine) -> None:
        self._sessions = as_sessions(sessions)

    def engine_url(self) -> str:
        """The database's URL, password included: for the traffic log's own process.
        ConfigError for in-memory SQLite, which no second process can open."""
        url = self._sessions.engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            raise ConfigError(
                "the traffic log's writer process cannot open an in-memory SQLite database",
                hint="use a database file, or the writer thread (audit.writer: thread)",
            )
        return url.render_as_string(hide_password=False)

    # -- writes ---------------------------------------------------------------------
    def insert_batch(
        self,
        entries: Sequence[TrafficEntry],
        checkpoint: TrafficCheckpoint | None = None,
        *,
        skip_existing: bool = False,
    ) -> int:
        """Insert ``entries`` (and ``checkpoint``) in one transaction; returns how many rows
        went in. ``skip_existing`` (spool replay) leaves out the seqs already stored and a
        checkpoint whose id is, so replaying twice, or after a crash, adds nothing twice."""
        rows = [entry.row() for entry in entries]
        with self._sessions.write() as session:
            connection = session.connection()
            if skip_existing and rows:
                streams = {row["stream"] for row in rows}
                seqs = [row["seq"] for row in rows]
                present = {
                    (stream, seq)
                    for stream, seq in connection.execute(
                        select(_ENTRIES.c.stream, _ENTRIES.c.seq).where(
                            _ENTRIES.c.stream.in_(streams),
                            _ENTRIES.c.seq.between(min(seqs), max(seqs)),
                        )
                    )
                }
                rows = [row for row in rows if (row["stream"], row["seq"]) not in present]
            if rows and connection.dialect.name == "postgresql":
                _copy(connection, rows)
            elif rows:
                connection.execute(_ENTRIES.insert(), rows)
            if checkpoint is not None:
                exists = skip_existing and connection.scalar(
                    select(literal(1)).where(_CHECKPOINTS.c.id == checkpoint.id)
                )
                if not exists:
                    connection.execute(_CHECKPOINTS.insert(), [checkpoint.row()])
        return len(rows)

    def insert_checkpoint(
        self, checkpoint: TrafficCheckpoint, *, skip_existing: bool = False
    ) -> None:
        self.insert_batch((), checkpoint, skip_existing=skip_existing)

    def delete_through(self, stream: str, seq: int) -> int:
        """Delete the stream's entries up to and including ``seq`` (retention)."""
        with self._sessions.write() as session:
            result = session.connection().execute(
                delete(_ENTRIES).where(_ENTRIES.c.stream == stream, _ENTRIES.c.seq <= seq)
            )
            return int(result.rowcount or 0)

    # -- positions and checkpoints ---------------------------------------------------
    def streams(self) -> list[str]:
        with self._sessions.read() as session:
            query = select(_ENTRIES.c.stream).distinct().order_by(_ENTRIES.c.stream)
            return [str(name) for name in session.scalars(query)]

    def last_position(self, stream: str) -> Position:
        query = select(
            func.max(_ENTRIES.c.seq), func.min(_ENTRIES.c.seq), func.max(_ENTRIES.c.recorded_at)
        ).where(_ENTRIES.c.stream == stream)
        with self._sessions.read() as session:
            last, first, at = session.execute(query).one()
        if last is None:
            return Position(0, 0, None)
        return Position(int(last), int(first), at)  # max() keeps the column's UTC type

    def newest_checkpoint(self, stream: str) -> TrafficCheckpoint | None:
        query = (
            select(_CHECKPOINTS)
            .where(_CHECKPOINTS.c.stream == stream)
            .order_by(_CHECKPOINTS.c.tree_size.desc(), _CHECKPOINTS.c.created_at.desc())
            .limit(1)
        )
        with self._sessions.read() as session:
            row = session.execute(query).mappings().one_or_none()
        return None if row is None else _checkpoint(row)

    def checkpoints(self, stream: str) -> list[TrafficCheckpoint]:
        """Every checkpoint of the stream, smallest first (one per thousand entries or so:
        they fit in memory where the entries do not)."""
        query = (
            select(_CHECKPOINTS)
            .where(_CHECKPOINTS.c.stream == stream)
            .order_by(_CHECKPOINTS.c.tree_size, _CHECKPOINTS.c.created_at, _CHECKPOINTS.c.id)
        )
        with self._sessions.read() as session:
            return [_checkpoint(row) for row in session.execute(query).mappings()]

    def first_seq_since(self, stream: str, moment: datetime) -> int | None:
        """The smallest seq recorded at or after ``moment`` (None: every entry is older)."""
        query = select(func.min(_ENTRIES.c.seq)).where(
            _ENTRIES.c.stream == stream, _ENTRIES.c.recorded_at >= moment
        )
        with self._sessions.read() as session:
            found = session.scalar(query)
        return None if found is None else int(found)

    # -- reading ---------------------------------------------------------------------
    def iter_entries(
        self,
        stream: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        model: str | None = None,
        *,
        after_seq: int = 0,
        batch: int = BATCH,
    ) -> Iterator[TrafficEntry]:
        """Entries in (stream, seq) order, read ``batch`` rows per query, each in its own
        short read transaction: memory stays bounded however long the log."""
        where = _filters(stream, since, until, model)
        key: tuple[str, int] | None = None
        while True:
            query = select(*_READ).where(*where)
            if key is not None:
                query = query.where(tuple_(_ENTRIES.c.stream, _ENTRIES.c.seq) > tuple_(*key))
            elif after_seq:
                query = query.where(_ENTRIES.c.seq > after_seq)
            query = query.order_by(_ENTRIES.c.stream, _ENTRIES.c.seq).limit(batch)
            with self._sessions.read() as session:
                rows = [_entry(row) for row in session.execute(query).mappings()]
            yield from rows
            if len(rows) < batch:
                return
            key = (rows[-1].stream, rows[-1].seq)

    def recent(
        self, *, limit: int = 50, since: datetime | None = None, quiet: str = "allow"
    ) -> list[TrafficEntry]:
        """The newest entries whose action is not ``quiet`` (detections and refusals),
        newest first: what the dashboard lists as they happen."""
        where = [*_filters(None, since, None, None), _ENTRIES.c.action != quiet]
        query = select(*_READ).where(*where).order_by(_ENTRIES.c.recorded_at.desc()).limit(limit)
        with self._sessions.read() as session:
            return [_entry(row) for row in session.execute(query).mappings()]

    def count(
        self,
        stream: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        model: str | None = None,
    ) -> int:
        query = (
            select(func.count()).select_from(_ENTRIES).where(*_filters(stream, since, until, model))
        )
        with self._sessions.read() as session:
            return int(session.scalar(query) or 0)

    def activity(self, since: datetime, until: datetime | None = None) -> list[Activity]:
        """Requests and alerts per (model, client, action), counted in the database."""
        alerts = _alert_count(self._sessions.engine.dialect.name)
        query: Select[Any] = (
            select(
                _ENTRIES.c.model,
                _ENTRIES.c.client,
                _ENTRIES.c.action,
                func.count(),
                func.coalesce(func.sum(alerts), 0),
            )
            .where(*_filters(None, since, until, None))
            .group_by(_ENTRIES.c.model, _ENTRIES.c.client, _ENTRIES.c.action)
            .order_by(_ENTRIES.c.model, _ENTRIES.c.client, _ENTRIES.c.action)
        )
        with self._sessions.read() as session:
            return [
                Activity(str(m), str(c), str(a), int(n), int(k))
                for m, c, a, n, k in session.execute(query)
            ]


def _copy(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY, in the transaction's connection: psycopg's executemany sends one
    statement per row (pipelined), about three times slower for a batch of 500."""
    from psycopg.types.json import Json

    columns = list(rows[0])
    raw: Any = connection.connection.dbapi_connection
    statement = f"COPY {_ENTRIES.name} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([Json(v) if k == "payload" else v for k, v in row.items()])


def _filters(
    stream: str | None, since: datetime | None, until: datetime | None, model: str | None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if stream is not None:
        where.append(_ENTRIES.c.stream == stream)
    if since is not None:
        where.append(_ENTRIES.c.recorded_at >= since)
    if until is not None:
        where.append(_ENTRIES.c.recorded_at < until)
    if model is not None:
        where.append(_ENTRIES.c.model == model)
    return where


def _alert_count(dialect: str) -> ColumnElement[Any]:
    """The length of ``payload.alerts`` when it is an array, else 0. Written per dialect
    (JSON functions differ) and guarded so that a hand-edited row (not JSON, alerts not a
    list) counts 0 instead of failing the dashboard's query."""
    payload = _ENTRIES.c.payload
    if dialect == "postgresql":
        alerts = payload.op("->")(literal("alerts"))
        is_array = func.json_typeof(alerts) == "array"
        return case((is_array, func.json_array_length(alerts)), else_=0)
    # SQLite's CASE is lazy: json_type never sees text that is not JSON.
    is_array = func.json_type(payload, "$.alerts") == "array"
    inner = case((is_array, func.json_array_length(payload, "$.alerts")), else_=0)
    return case((func.json_valid(payload) == 1, inner), else_=0)


def _entry(row: RowMapping) -> TrafficEntry:
    return TrafficEntry(
        stream=row["stream"],
        seq=int(row["seq"]),
        recorded_at=row["recorded_at"],
        client=row["client"],
        model=row["model"],
        route=row["route"],
        action=row["action"],
        status=int(row["status"]),
        latency_ms=float(row["latency_ms"]),
        payload=_payload(row["payload"]),
        leaf_hash=row["leaf_hash"],
    )


def _payload(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        value = None
    # Anything but a JSON object was not written by the gateway: kept visible, and its
    # hash will not match.
    return value if isinstance(value, dict) else {"unreadable": str(text)[:200]}


def _checkpoint(row: RowMapping) -> TrafficCheckpoint:
    frontier = row["frontier"]
    return TrafficCheckpoint(
        id=row["id"],
        stream=row["stream"],
        tree_size=int(row["tree_size"]),
        root_hash=row["root_hash"],
        frontier=[str(p) for p in frontier] if isinstance(frontier, list) else [],
        created_at=row["created_at"],
        signature=row["signature"],
        key_id=row["key_id"],
    )
