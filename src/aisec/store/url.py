"""Which database the store uses, and reading its URL safely.

Precedence: an explicit URL > ``AISEC_DATABASE_URL`` > the ``database_url`` setting > the
SQLite file ``.aisec/aisec.db`` under the working directory. Only SQLite and PostgreSQL
through psycopg 3 are accepted, because only they are tested; ``postgresql://`` and
``postgres://`` are read as ``postgresql+psycopg://`` (the form hosting services hand out).
A password never reaches a message: URLs are shown with it replaced by ``***``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from aisec.core.errors import StoreError
from aisec.core.settings import Settings, hide_password

__all__ = ["describe", "hide_password", "is_memory", "parse_url", "resolve_url"]

ENV_VAR = "AISEC_DATABASE_URL"
DEFAULT_DIRECTORY = ".aisec"
DEFAULT_FILE = "aisec.db"

POSTGRES_DRIVER = "postgresql+psycopg"
_SQLITE_DRIVERS = frozenset({"sqlite", "sqlite+pysqlite"})
_POSTGRES_ALIASES = frozenset({"postgresql", "postgres", POSTGRES_DRIVER})
_HINT = "use sqlite:///PATH or postgresql+psycopg://USER@HOST[:PORT]/DATABASE"


def resolve_url(
    url: str | None = None,
    *,
    settings: Settings | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """The URL that wins, or None for the default SQLite file. Empty values do not count:
    ``AISEC_DATABASE_URL=`` falls through, as every ``AISEC_*`` variable does."""
    env = os.environ if environ is None else environ
    for candidate in (url, env.get(ENV_VAR), settings.database_url if settings else None):
        if candidate is not None and candidate.strip():
            return candidate.strip()
    return None


def parse_url(text: str) -> URL:
    """``text`` as a SQLAlchemy URL of a supported database; StoreError otherwise."""
    shown = hide_password(text)
    try:
        url = make_url(text)
    except (ArgumentError, ValueError, TypeError):
        raise StoreError(f"malformed database URL {shown!r}", hint=_HINT) from None
    if "@" in (url.host or ""):
        # An unencoded @ in the password: the rest of it would be taken for the host name.
        raise StoreError(
            f"malformed database URL {shown!r}",
            hint="percent-encode @ and other special characters in the password (%40)",
        )
    if url.drivername in _POSTGRES_ALIASES:
        return url.set(drivername=POSTGRES_DRIVER)
    if url.drivername in _SQLITE_DRIVERS:
        if url.host or url.username or url.password or url.port:
            # sqlite://host/x.db would silently be read as a file named x.db.
            raise StoreError(f"malformed SQLite URL {shown!r}", hint=_HINT)
        return url
    if url.get_backend_name() == "postgresql":
        raise StoreError(
            f"unsupported PostgreSQL driver {url.get_driver_name()!r} in {shown!r}",
            hint="use postgresql+psycopg://... (pip install 'aisec[postgres]')",
        )
    raise StoreError(
        f"unsupported database {url.get_backend_name()!r} in {shown!r}",
        hint="aisec stores its data in SQLite or PostgreSQL; " + _HINT,
    )


def describe(url: URL) -> str:
    """``url`` fit to print."""
    return hide_password(url.render_as_string(hide_password=True))


def is_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
