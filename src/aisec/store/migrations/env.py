"""Alembic's environment for the store, run by :mod:`aisec.store.migrate`.

Online, the connection (already in a transaction) comes from ``config.attributes``; offline
(``upgrade_sql``), a URL names the dialect whose SQL is written out.
"""

from __future__ import annotations

from typing import Any

from alembic import context

from aisec.store.migrate import VERSION_TABLE
from aisec.store.models import Base


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        # SQLite alters a table by copying it; later revisions get that for free.
        render_as_batch=True,
        compare_type=True,
        **kwargs,
    )


def _main() -> None:
    if context.is_offline_mode():
        _configure(url=context.config.get_main_option("sqlalchemy.url"), literal_binds=True)
    else:
        connection = context.config.attributes.get("connection")
        if connection is None:
            raise RuntimeError("run migrations through aisec.store.migrate, not the alembic CLI")
        _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


_main()
