"""The ``--database`` option of the store's commands, and opening the store for them.

Commands that only read do not create the default database: running ``aisec findings
list`` in a directory must not leave a ``.aisec/`` there, which would also switch on the
recording of every later scan run from it (docs/adr/0011).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from aisec.store.store import Store

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="URL",
        help="The store (sqlite:///PATH or postgresql+psycopg://...) [default:"
        " AISEC_DATABASE_URL, database_url, or .aisec/aisec.db].",
    ),
]


@contextmanager
def opened(database: str | None, *, create: bool = True) -> Iterator[Store | None]:
    """The configured store, or None when ``create`` is false and there is none yet."""
    from aisec.core.settings import load_settings
    from aisec.services.recording import store_exists

    settings = load_settings()
    if not create and not store_exists(settings, database):
        yield None
        return
    from aisec.store import open_store

    with open_store(database, settings=settings) as store:
        yield store
