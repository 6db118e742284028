"""Recording a finished scan in the store, without ever costing the scan its result.

Whether to record (docs/adr/0011): ``record_runs`` True always records (creating the
default store), False never does, and None (the default, "auto") records when a store is
configured (``--database``, ``AISEC_DATABASE_URL``, ``database_url``) or the default
``.aisec/aisec.db`` already exists under the working directory. Deciding that needs no
SQLAlchemy, so a scan that does not record pays nothing for the store (docs/adr/0005).

A store that cannot be used is a warning, not an error: the report is already written and
the exit code is the scan's, because a broken database must not turn a CI verdict into
"configuration error" nor hide the findings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aisec.core.errors import AisecError
from aisec.core.settings import Settings, hide_password

if TYPE_CHECKING:
    from aisec.core.run import Run
    from aisec.store.tracking import StoredRun

# The same as aisec.store.url's constants; repeated so that deciding costs no SQLAlchemy
# (a test holds them equal).
DATABASE_ENV = "AISEC_DATABASE_URL"
DEFAULT_DATABASE = Path(".aisec") / "aisec.db"


@dataclass(frozen=True)
class Recorded:
    """What recording did: the stored run, or why there is none (``warning``)."""

    run: StoredRun | None = None
    store: str = ""  # the database, without its password
    warning: str = ""


def store_configured(
    settings: Settings,
    url: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Whether a database was named: an explicit URL, the environment or the setting."""
    env = os.environ if environ is None else environ
    candidates = (url, env.get(DATABASE_ENV), settings.database_url)
    return any(c is not None and c.strip() for c in candidates)


def store_exists(
    settings: Settings,
    url: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> bool:
    """Whether there is a store to read: one configured, or the default file exists."""
    if store_configured(settings, url, environ=environ):
        return True
    return ((cwd or Path.cwd()) / DEFAULT_DATABASE).is_file()


def should_record(
    settings: Settings,
    url: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> bool:
    if settings.record_runs is not None:
        return settings.record_runs
    return store_exists(settings, url, environ=environ, cwd=cwd)


def record_run(
    run: Run,
    settings: Settings,
    *,
    exit_code: int,
    url: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Recorded:
    """Store ``run`` with the exit code the command gives; never raises for the store."""
    try:
        from aisec.store import open_store

        with open_store(url, settings=settings, environ=environ, cwd=cwd) as store:
            stored = store.runs.record(run, exit_code=exit_code)
            return Recorded(run=stored, store=store.url)
    except AisecError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        return Recorded(warning=f"run not recorded: [{exc.code}] {exc.message}{hint}")
    except Exception as exc:  # a bug in the store must not lose the report either
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        env = os.environ if environ is None else environ
        for candidate in (url, env.get(DATABASE_ENV), settings.database_url):
            if candidate:  # the driver's message may quote the URL it was given
                first = first.replace(candidate, hide_password(candidate))
        return Recorded(warning=f"run not recorded: {type(exc).__name__}: {first}")
