"""Recording a finished scan in the store, without ever costing the scan its result.

Whether to record (docs/adr/0011): ``record_runs`` True always records (creating the
default store), False never does, and None (the default, "auto") records when a store is
configured (``--database``, ``AISEC_DATABASE_URL``, ``database_url``) or the default
``.aisec/aisec.db`` already exists under the working directory. Deciding that needs no
SQLAlchemy, so a scan that does not record pays nothing for the store (docs/adr/0005).

A store that cannot be used is a warning, not an error: the report is already written and
the exit code is the scan's, because a broken database must not turn a CI verdict into
"configuration error" nor hide the findings.

``system`` links the recorded run to an AI system of the inventory (``--system``), so that
``aisec gate`` can judge the system on it. A system the inventory lacks is a warning and
creates nothing: the run is still recorded (its evidence is not lost to a typo), and it
can be linked later with ``store.runs.link_system``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    """What recording did: the stored run, or why there is none (``warning``), and the
    system it was linked to ("" when none was asked for or it could not be linked)."""

    run: StoredRun | None = None
    store: str = ""  # the database, without its password
    warning: str = ""
    system: str = ""


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
    system: str | None = None,
) -> Recorded:
    """Store ``run`` with the exit code the command gives, linked to ``system`` when one is
    named; never raises for the store."""
    try:
        from aisec.store import open_store

        with open_store(url, settings=settings, environ=environ, cwd=cwd) as store:
            stored = store.runs.record(run, exit_code=exit_code)
            if not system:
                return Recorded(run=stored, store=store.url)
            return _linked(store, stored, system)
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


def _login() -> str:
    """Who ran the scan, for the ``run.linked`` audit entry: the login name, as an audit
    trail must name a person where it can ("aisec" names no one)."""
    import getpass

    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no USER/LOGNAME and no passwd entry (a bare container)
        return "unknown"


def _linked(store: Any, stored: StoredRun, system: str) -> Recorded:
    """The run is already kept: a link that fails only warns, so that nothing is lost."""
    from aisec.core.errors import RecordNotFound

    try:
        store.runs.link_system(stored.id, system, actor=_login())
    except RecordNotFound:
        return Recorded(
            run=stored,
            store=store.url,
            warning=f"run {stored.id} recorded but not linked: no AI system named "
            f"{system!r} in the inventory (add it with aisec inventory add system --name "
            f"{system!r}, then link the run)",
        )
    return Recorded(run=stored, store=store.url, system=system)
