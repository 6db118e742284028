"""A test plan as users run it: ``aisec test PLAN`` and ``aisec.test_plan()`` share this.

The plan is checked in full before anything runs; the run record carries the plan as
configured (secrets in HTTP headers replaced), and the scan policy's suppressions apply
to its findings as to a scan's, so an accepted risk is accepted in both.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aisec.assurance.plans.result import PlanReport
from aisec.assurance.plans.runner import Progress
from aisec.assurance.plans.spec import Plan
from aisec.core.settings import Settings
from aisec.core.severity import Severity

_HIDDEN = "***"


def load(path: str | os.PathLike[str]) -> Plan:
    from aisec.assurance.plans.catalogue import KNOWN_TYPES
    from aisec.assurance.plans.spec import load_plan

    return load_plan(Path(path), known_types=KNOWN_TYPES)


def _redacted(target: Mapping[str, Any]) -> dict[str, Any]:
    """The target as configured, without the secrets an endpoint's URL and headers hold."""
    from aisec.assurance.targets.http_target import public_url

    out = dict(target)
    http = out.get("http")
    if isinstance(http, Mapping):
        shown = dict(http)
        if isinstance(http.get("headers"), Mapping):
            shown["headers"] = dict.fromkeys(http["headers"], _HIDDEN)
        if isinstance(http.get("url"), str):
            shown["url"] = public_url(http["url"])
        out["http"] = shown
    return out


def snapshot(plan: Plan, *, trust: bool, jobs: int | None, fail_on: Severity) -> dict[str, Any]:
    return {
        "plan": plan.source,
        "name": plan.name,
        "target": _redacted(plan.target),
        "data": dict(plan.data),
        "seed": plan.seed,
        "tests": [
            {
                "name": t.name,
                "type": t.type,
                "params": dict(t.params),
                "budget": t.budget,
                "thresholds": [th.describe() for th in t.thresholds],
            }
            for t in plan.tests
        ],
        "trust": trust,
        "jobs": jobs,
        "fail_on": fail_on.label,
    }


def run_plan(
    plan: Plan,
    settings: Settings | None = None,
    *,
    trust: bool = False,
    jobs: int | None = None,
    fail_on: Severity | None = None,
    progress: Progress | None = None,
) -> PlanReport:
    from aisec import __version__
    from aisec.assurance.plans.findings import KIND
    from aisec.assurance.plans.runner import run_plan as run
    from aisec.core.registry import default_registry
    from aisec.core.triage import apply_policy

    settings = settings or Settings()
    verdict = fail_on or plan.fail_on
    config = snapshot(plan, trust=trust, jobs=jobs, fail_on=verdict)
    report = run(
        plan, trust=trust, jobs=jobs, progress=progress, tool_version=__version__, config=config
    )
    checks = default_registry().for_kind(KIND)
    # Baselines are for scans of files; a test plan's verdict is its thresholds.
    apply_policy(report.run, settings, checks, read_configured=False)
    return report


def load_test_plan(path: str | os.PathLike[str]) -> Plan:
    """A test plan read and checked (``aisec.load_test_plan``)."""
    return load(path)


def run_test_plan(
    plan: Plan | str | os.PathLike[str],
    settings: Settings | None = None,
    *,
    trust: bool = False,
    jobs: int | None = None,
    fail_on: Severity | None = None,
    progress: Progress | None = None,
) -> PlanReport:
    """``aisec test`` from Python: a plan or its file, run; the report as the CLI has it
    (``report.run`` is the run record; render it with ``aisec.report.plan_*``)."""
    chosen = plan if isinstance(plan, Plan) else load(plan)
    return run_plan(chosen, settings, trust=trust, jobs=jobs, fail_on=fail_on, progress=progress)


def exit_code(report: PlanReport) -> int:
    """0 every test passed, 1 findings at or above the verdict's severity, 3 a test could
    not run (and nothing worse), as for scans."""
    fail_on = Severity.parse(str(report.run.config.get("fail_on", "high")))
    code: int = report.run.exit_code(fail_on)
    return code
