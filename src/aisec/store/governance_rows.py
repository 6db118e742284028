"""Checks and helpers the governance repositories of revision 0007 share.

Every value is checked before the transaction opens, so a refused record leaves nothing
behind, and refused the same on both databases: what PostgreSQL's columns cannot hold
SQLite would keep, so the store refuses it first (as it does for assessments).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from aisec.core.errors import InvalidRecord
from aisec.store.session import clean, clean_data

# Assessments resolve a system by record, id or name, locking it for writers; so do these.
from aisec.store.sql_assessments import _system as system_row

__all__ = ["after_last", "aware", "day", "one_of", "system_row", "text", "texts"]

_TICK = timedelta(microseconds=1)  # the smallest step both databases keep


def text(record: str, what: str, value: object, limit: int | None = None, *,
         required: bool = True) -> str:  # fmt: skip
    if not isinstance(value, str):
        raise InvalidRecord(f"{record}'s {what} must be text, not {value!r}")
    cleaned = clean(value.strip())
    if required and not cleaned:
        raise InvalidRecord(f"{record} needs its {what}")
    if limit is not None and len(cleaned) > limit:
        # As stored: an escaped character counts as the four it becomes.
        raise InvalidRecord(f"{record}'s {what} is longer than {limit} characters")
    return cleaned


def texts(record: str, what: str, value: object) -> list[str]:
    # A lone string is a sequence too: stored as such it would read back letter by letter.
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | Collection):
        raise InvalidRecord(f"{record}'s {what} must be a list of text, not {value!r}")
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise InvalidRecord(f"{record}'s {what} must hold text only")
    cleaned: list[str] = clean_data(items)
    return cleaned


def one_of(record: str, what: str, value: object, allowed: Collection[str]) -> str:
    if value not in allowed:
        raise InvalidRecord(
            f"unknown {what} {value!r} for {record}", hint="use one of: " + ", ".join(allowed)
        )
    return str(value)


def aware(record: str, what: str, value: object, *, required: bool = True) -> datetime | None:
    """An aware datetime; a naive one is ambiguous (which day a deadline ends on depends on
    the zone), so it is refused rather than guessed."""
    if value is None and not required:
        return None
    if not isinstance(value, datetime):
        raise InvalidRecord(f"{record}'s {what} must be a datetime, not {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRecord(f"{record}'s {what} has no time zone", hint="give an aware datetime")
    return value


def day(record: str, what: str, value: object, *, required: bool = True) -> date | None:
    if value is None and not required:
        return None
    # A datetime is a date too, but a time of day would be silently dropped: refuse it.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidRecord(f"{record}'s {what} must be a date, not {value!r}")
    return value


def flag(record: str, what: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidRecord(f"{record}'s {what} must be true or false, not {value!r}")
    return value


def after_last(
    session: Session, column: InstrumentedAttribute[datetime], where: ColumnElement[bool],
    now: datetime,
) -> datetime:  # fmt: skip
    """``now``, or just after the newest ``column`` under ``where``: rows of one system
    recorded within the clock's resolution must still read back in the order they were
    made, and their ids are random."""
    last: Any = session.scalar(select(func.max(column)).where(where))
    return now if last is None or last < now else last + _TICK
