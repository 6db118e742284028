"""Running a plan: data, target, every test (in parallel where the target allows),
thresholds judged, findings made by the ``assurance.*`` checks, one run record.

A test that fails to run is an outcome with status "error" (or "skipped" when the target
lacks a capability the test needs); it never stops the other tests.
"""

from __future__ import annotations

import copy
import inspect
import os
import pickle
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aisec.assurance.outcome import AssuranceData, TestResult, class_indices
from aisec.assurance.plans import catalogue
from aisec.assurance.plans.datasets import PreparedData, prepare
from aisec.assurance.plans.result import PlanReport, Status, TestOutcome
from aisec.assurance.plans.spec import Plan, PlanError, TestSpec
from aisec.assurance.plans.targets import BuiltTarget, build_target
from aisec.assurance.plans.thresholds import judge
from aisec.assurance.targets.base import QueryBudget, Target
from aisec.assurance.targets.errors import CapabilityMissing
from aisec.core.errors import AisecError, ConfigError
from aisec.core.run import Measurement, Run
from aisec.core.severity import Severity

Progress = Callable[[TestOutcome, int, int], None]


@dataclass
class _Job:
    spec: TestSpec
    target: Target
    data: AssuranceData
    factory: Callable[[], Any] | None
    seed: int
    where: str


def _assurance_data(prepared: PreparedData, target: Target) -> AssuranceData:
    return AssuranceData(
        x_test=prepared.x_test,
        y_test=class_indices(target, prepared.y_test),
        x_train=prepared.x_train,
        y_train=class_indices(target, prepared.y_train),
        feature_names=prepared.feature_names,
        schema=prepared.schema,
        sensitive=prepared.sensitive_test,
        sensitive_train=prepared.sensitive_train,
        name=str(prepared.description.get("name", "data")),
    )


def _call(job: _Job) -> TestResult:
    kind = catalogue.TEST_KINDS[job.spec.type]
    fn = kind.load()
    params = dict(job.spec.params)
    accepted = inspect.signature(fn).parameters
    if "seed" in accepted and "seed" not in params:
        params["seed"] = job.seed
    if kind.factory_param and job.factory is not None and kind.factory_param not in params:
        params[kind.factory_param] = job.factory
    result: TestResult = fn(job.target, job.data, **params)
    return result


def run_test(job: _Job) -> TestOutcome:
    """One test, whatever happens: an outcome with its status and timing."""
    spec = job.spec
    outcome = TestOutcome(spec.name, spec.type, job.where, Status.PASSED, params=dict(spec.params))
    started = time.perf_counter()
    try:
        result = _call(job)
    except CapabilityMissing as exc:
        outcome.status, outcome.error = Status.SKIPPED, exc.message
    except AisecError as exc:
        outcome.status, outcome.error = Status.ERROR, f"[{exc.code}] {exc.message}"
    except Exception as exc:  # a bug or a library failure must not lose the other tests
        first = (str(exc).strip().splitlines() or [""])[0][:500]
        outcome.status, outcome.error = Status.ERROR, f"{type(exc).__name__}: {first}"
    else:
        outcome.measurements = [_tagged(m, spec.name) for m in result.measurements]
        outcome.details, outcome.notes = result.details, list(result.notes)
    outcome.seconds = time.perf_counter() - started
    outcome.queries = job.target.budget.used
    return outcome


def _tagged(m: Measurement, test: str) -> Measurement:
    # The run holds every test's measurements together: the test name tells them apart.
    return Measurement(m.name, m.value, m.ci_low, m.ci_high, m.n, m.unit, {"test": test} | m.params)


def _judge(outcome: TestOutcome, spec: TestSpec, severity: Callable[[str], Severity]) -> None:
    if outcome.status is not Status.PASSED:
        return
    for threshold in spec.thresholds:
        outcome.judgements.extend(judge(threshold, outcome.measurements, severity(spec.type)))
    if any(j.measurement is None for j in outcome.judgements):
        outcome.status = Status.ERROR
        outcome.error = "a threshold matched no measurement"
    elif outcome.failed:
        outcome.status = Status.FAILED


# Rows a test may send to a remote endpoint when the plan sets no budget: someone else's
# service is not queried without limit by default.
DEFAULT_REMOTE_BUDGET = 100_000
# Targets whose tests may run in parallel processes: in-memory models only. An endpoint's
# rate limit is per process (N workers would send N times the rate), a pickled model
# lives in its own worker process, and torch's thread pools do not survive fork reliably.
_PARALLEL_SAFE = frozenset({"SklearnTarget", "PredictionsFileTarget", "CallableTarget"})


def _copy_for_test(target: Target, budget: int | None) -> Target:
    # Each test gets its own query budget; the model itself is shared, not copied.
    fresh = copy.copy(target)
    fresh.budget = QueryBudget(budget)
    return fresh


def _budget(target: Target, spec: TestSpec) -> int | None:
    if spec.budget is None and type(target).__name__ == "HttpTarget":
        return DEFAULT_REMOTE_BUDGET
    return spec.budget


def _parallel(target: Target, jobs: int, tests: int) -> int:
    if jobs <= 1 or tests <= 1 or type(target).__name__ not in _PARALLEL_SAFE:
        return 1
    try:
        pickle.dumps(target)
    except Exception:  # a live process or connection inside: run the tests in turn
        return 1
    return min(jobs, tests)


class MissingExtra(ConfigError):
    def __init__(self, module: str) -> None:
        super().__init__(
            f"the test plan needs {module}, which is not installed",
            hint="pip install 'aisec[assurance]' (and 'aisec[torch]' for torch models)",
        )


def prepare_plan(plan: Plan, *, trust: bool = False) -> tuple[PreparedData, BuiltTarget]:
    """The plan's data and target, as a test run prepares them (the gateway's reference
    statistics are built from the same ones)."""
    prepared, built, _ = _prepared(plan, trust)
    return prepared, built


def _prepared(plan: Plan, trust: bool) -> tuple[PreparedData, BuiltTarget, AssuranceData]:
    """Data and target, with every library failure turned into a plan error (exit 2):
    nothing has run yet, so nothing is lost by stopping here."""
    try:
        prepared = prepare(plan)
        built = build_target(plan, prepared, trust=trust)
        return prepared, built, _assurance_data(prepared, built.target)
    except AisecError:
        raise
    except ImportError as exc:  # an optional extra is not installed: say which
        raise MissingExtra(exc.name or str(exc)) from None
    except Exception as exc:  # scikit-learn, pandas, onnxruntime, torch: any of them
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        raise PlanError("target/data", f"cannot prepare: {type(exc).__name__}: {first}") from None


def _outcomes(work: list[_Job], workers: int) -> Iterator[TestOutcome]:
    """Each job's outcome in plan order. When the pool breaks (a worker killed by the
    kernel, a native crash), every test not yet returned runs again in a pool of its own,
    so a test that kills its process loses itself, never the others or the main process."""
    from concurrent.futures.process import BrokenProcessPool

    from aisec.core.executor import make_executor

    executor = make_executor(workers)
    done = 0
    try:
        for outcome in executor.map(run_test, work):
            done += 1
            yield outcome
    except BrokenProcessPool:
        for job in work[done:]:
            yield _isolated(job)
    finally:
        executor.close()


def _isolated(job: _Job) -> TestOutcome:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            outcome = pool.submit(run_test, job).result()
        except BrokenProcessPool:
            outcome = TestOutcome(
                job.spec.name, job.spec.type, job.where, Status.ERROR, dict(job.spec.params)
            )
            outcome.error = "the test's process died (out of memory, or a crash in a library)"
            return outcome
    outcome.notes.append("run again in a process of its own after a worker process died")
    return outcome


def run_plan(
    plan: Plan,
    *,
    trust: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    tool_version: str = "",
    config: dict[str, Any] | None = None,
) -> PlanReport:
    from aisec.assurance.plans.findings import default_severity, outcome_findings

    try:
        for i, spec in enumerate(plan.tests):
            catalogue.check_params(f"tests[{i}]", spec.type, spec.params)
    except ImportError as exc:  # a test's module needs an extra that is not installed
        raise MissingExtra(exc.name or str(exc)) from None
    prepared, built, data = _prepared(plan, trust)
    where = built.description
    work = [
        _Job(
            spec,
            _copy_for_test(built.target, _budget(built.target, spec)),
            data,
            built.factory,
            plan.seed,
            where,
        )
        for spec in plan.tests
    ]
    workers = _parallel(built.target, jobs or os.cpu_count() or 1, len(work))
    run = Run(kind="test", targets=[where], tool_version=tool_version, config=config or {})
    report = PlanReport(plan.name, plan.source, where, prepared.description, run)
    outcomes = _outcomes(work, workers)
    for done, (spec, outcome) in enumerate(zip(plan.tests, outcomes, strict=True), 1):
        _judge(outcome, spec, default_severity)
        report.outcomes.append(outcome)
        run.measurements.extend(outcome.measurements)
        if outcome.status is Status.ERROR:
            run.errors.append(f"{outcome.name}: {outcome.error}")
        if outcome.status is Status.SKIPPED:
            run.warnings.append(f"{outcome.name} skipped: {outcome.error}")
        run.findings.extend(outcome_findings(outcome))
        if progress is not None:
            progress(outcome, done, len(work))
    run.finish()
    return report
