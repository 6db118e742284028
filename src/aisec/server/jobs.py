"""Scans and tests launched through the API run in the background, through a pool of
``job_workers`` threads; the work inside fans out through aisec's one executor
(``settings.executor``: processes or Dask) as it does for the command line. A job is a row
in the store (queued, running, done or failed, and the run it recorded), so that any
server process answers for it; a restart marks the jobs it interrupted as failed.

Paths are the server's own files: a job may read only under ``scan_roots``, resolved
(symbolic links included) before the check, so that the API cannot be used to read the
host. Plans never run with ``--trust``: pickled models are not loaded by the server.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisec.core.errors import AisecError, InvalidRecord

if TYPE_CHECKING:
    from aisec.assurance.plans.spec import Plan
    from aisec.core.run import Run
    from aisec.core.settings import Settings
    from aisec.server.config import ServerConfig
    from aisec.store.server_records import StoredJob
    from aisec.store.store import Store

log = logging.getLogger("aisec.server.jobs")
MAX_PATHS = 100


class JobRunner:
    def __init__(
        self, store: Store, config: ServerConfig, settings: Settings | None = None
    ) -> None:
        from aisec.core.settings import load_settings

        self._store, self._config = store, config
        self._settings = settings or load_settings()
        self._pool: ThreadPoolExecutor | None = None

    def start(self) -> None:
        interrupted = self._store.jobs.fail_unfinished("the server stopped before it finished")
        if interrupted:
            log.warning("%d jobs were interrupted by a restart and marked failed", interrupted)
        self._pool = ThreadPoolExecutor(self._config.job_workers, thread_name_prefix="aisec-job")

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def allowed_path(self, text: str) -> Path:
        """``text`` resolved, if it lies under a scan root; InvalidRecord otherwise (the
        message names the roots, never what is or is not on the disk outside them)."""
        if not text or "\x00" in text or len(text) > 4096:
            raise InvalidRecord("a path is 1-4096 characters without NUL")
        try:
            path = Path(text).expanduser()
        except RuntimeError:  # "~user" of no user
            raise InvalidRecord(f"{text!r} names no home directory") from None
        if not path.is_absolute():
            path = self._config.scan_roots[0] / path
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            raise InvalidRecord(f"{text!r} cannot be resolved") from None
        if not any(resolved.is_relative_to(root) for root in self._config.scan_roots):
            roots = ", ".join(str(r) for r in self._config.scan_roots)
            raise InvalidRecord(
                f"{text!r} is outside the directories this server may scan",
                hint=f"give a path under: {roots} (aisec serve --scan-root)",
            )
        return resolved

    def submit(self, kind: str, params: dict[str, Any], actor: str) -> StoredJob:
        """Queue a ``scan`` (params: paths, system) or ``test`` (params: plan, system)."""
        if self._pool is None:  # not started (an app used without its lifespan)
            raise InvalidRecord("the server is not running jobs", hint="start it with aisec serve")
        if kind == "scan":
            paths = params.get("paths") or []
            if not paths or len(paths) > MAX_PATHS:
                raise InvalidRecord(f"a scan job needs 1 to {MAX_PATHS} paths")
            params = {**params, "paths": [str(self.allowed_path(p)) for p in paths]}
        elif kind == "test":
            params = {**params, "plan": str(self.allowed_path(str(params.get("plan", ""))))}
            rooted_plan(params["plan"], self._config.scan_roots)  # refused now, not later
        else:
            raise InvalidRecord(f"unknown kind of job {kind!r}", hint="scan or test")
        system = params.get("system")
        if system:
            from aisec.services.inventory import resolve
            from aisec.store.records import SystemAsset

            params["system"] = resolve(self._store.inventory, SystemAsset, str(system)).name
        with self._store.transaction():
            job = self._store.jobs.create(kind, params, actor)
            self._store.audit.append(actor, "job.created", "job", job.id, {"kind": kind, **params})
        self._pool.submit(self._run, job.id)
        return job

    def _run(self, job_id: str) -> None:
        store = self._store
        job = store.jobs.get(job_id)
        if job is None:
            return
        store.jobs.start(job_id)
        try:
            run, exit_code = _execute(job.kind, job.params, self._settings, self._config)
            stored = store.runs.record(run, exit_code=exit_code)
            if job.params.get("system"):
                store.runs.link_system(stored.id, job.params["system"], actor=job.created_by)
            store.jobs.finish(job_id, run_id=stored.id, exit_code=exit_code)
        except AisecError as exc:
            store.jobs.finish(job_id, error=f"[{exc.code}] {exc}")
        except Exception as exc:  # a bug must not kill the worker thread silently
            log.exception("job %s failed", job_id)
            store.jobs.finish(job_id, error=f"internal error: {type(exc).__name__}")


def rooted_plan(path: str, roots: tuple[Path, ...]) -> Plan:
    """The plan at ``path``, read so that every file it names (data, schema, model,
    predictions) must lie under ``roots``, and refused if its target is an HTTP endpoint:
    a plan sits among the files being tested and could name anything on the host, or
    make the server send requests on the network it sits in."""
    from dataclasses import dataclass, fields

    from aisec.assurance.plans.spec import Plan
    from aisec.services.testing import load_test_plan

    plan = load_test_plan(path)
    if "http" in plan.target:
        raise InvalidRecord(
            "a test job cannot target an HTTP endpoint",
            hint="run plans with an http target from the command line: aisec test PLAN",
        )

    @dataclass(frozen=True, slots=True)
    class Rooted(Plan):
        def resolve(self, name: str) -> Path:
            found = Plan.resolve(self, name).resolve()
            if not any(found.is_relative_to(root) for root in roots):
                raise InvalidRecord(
                    f"the plan names {name!r}, outside the directories this server may read"
                )
            return found

    return Rooted(**{f.name: getattr(plan, f.name) for f in fields(Plan)})


def _execute(
    kind: str, params: Mapping[str, Any], settings: Settings, config: ServerConfig
) -> tuple[Run, int]:
    if kind == "scan":
        from aisec.services.scanning import scan

        run = scan(params["paths"], settings)
        return run, run.exit_code(settings.fail_on)
    from aisec.services.testing import exit_code, run_test_plan

    plan = rooted_plan(params["plan"], config.scan_roots)
    report = run_test_plan(plan, settings, trust=False)
    return report.run, exit_code(report)
