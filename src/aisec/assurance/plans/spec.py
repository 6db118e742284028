"""A test plan as data: what model, what data, which tests with budgets and thresholds.

Plans are YAML (or JSON, a subset) read with ``yaml.safe_load``; every mistake is a
``PlanError`` (a ConfigError, exit 2) naming the place in the plan, before anything runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aisec.core.errors import ConfigError
from aisec.core.severity import Severity

TARGET_KINDS = ("train", "model", "onnx", "http", "predictions")
JUDGED_ON = ("value", "ci_low", "ci_high")


class PlanError(ConfigError):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(
            f"test plan, {where}: {message}",
            hint="see docs/test-plans.md for the plan format",
        )


@dataclass(frozen=True, slots=True)
class Threshold:
    metric: str
    where: Mapping[str, Any] = field(default_factory=dict)
    min: float | None = None
    max: float | None = None
    judge_on: str = "value"
    severity: Severity | None = None  # None: the check's own severity

    def describe(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.where.items())
        name = f"{self.metric}[{where}]" if where else self.metric
        on = "" if self.judge_on == "value" else f" ({self.judge_on})"
        bounds = []
        if self.min is not None:
            bounds.append(f">= {self.min:g}")
        if self.max is not None:
            bounds.append(f"<= {self.max:g}")
        return f"{name}{on} {' and '.join(bounds)}"


@dataclass(frozen=True, slots=True)
class TestSpec:
    name: str
    type: str
    params: Mapping[str, Any] = field(default_factory=dict)
    budget: int | None = None  # queries (rows) the test may send to the target
    thresholds: tuple[Threshold, ...] = ()

    __test__ = False


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    target: Mapping[str, Any]
    data: Mapping[str, Any]
    tests: tuple[TestSpec, ...]
    seed: int = 0
    fail_on: Severity = Severity.HIGH
    base: Path = Path(".")  # relative paths in the plan are relative to the plan file
    source: str = "<mapping>"

    def resolve(self, path: str) -> Path:
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else self.base / candidate


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PlanError(where, f"must be a mapping, got {type(value).__name__}")
    return value


def _int(value: Any, where: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise PlanError(where, f"must be an integer >= {minimum}, got {value!r}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PlanError(where, f"must be a finite number, got {value!r}")
    return float(value)


def _threshold(raw: Any, where: str) -> Threshold:
    spec = _mapping(raw, where)
    unknown = set(spec) - {"metric", "where", "min", "max", "judge_on", "severity"}
    if unknown:
        raise PlanError(where, f"unknown keys {sorted(unknown)}")
    metric = spec.get("metric")
    if not isinstance(metric, str) or not metric.strip():
        raise PlanError(where, "needs a metric name")
    low = None if spec.get("min") is None else _number(spec["min"], f"{where}.min")
    high = None if spec.get("max") is None else _number(spec["max"], f"{where}.max")
    if low is None and high is None:
        raise PlanError(where, "needs min, max or both")
    judge_on = spec.get("judge_on", "value")
    if judge_on not in JUDGED_ON:
        raise PlanError(f"{where}.judge_on", f"must be one of {', '.join(JUDGED_ON)}")
    severity = None
    if spec.get("severity") is not None:
        try:
            severity = Severity.parse(str(spec["severity"]))
        except Exception as exc:
            raise PlanError(f"{where}.severity", str(exc)) from None
    match = dict(_mapping(spec.get("where", {}), f"{where}.where"))
    return Threshold(metric.strip(), match, low, high, str(judge_on), severity)


def _test(raw: Any, where: str, known: frozenset[str]) -> TestSpec:
    spec = _mapping(raw, where)
    unknown = set(spec) - {"name", "type", "params", "budget", "thresholds"}
    if unknown:
        raise PlanError(where, f"unknown keys {sorted(unknown)}")
    kind = spec.get("type")
    if kind not in known:
        raise PlanError(f"{where}.type", f"{kind!r} is not one of {', '.join(sorted(known))}")
    name = spec.get("name", kind)
    if not isinstance(name, str) or not name.strip():
        raise PlanError(f"{where}.name", "must be a non-empty string")
    params = dict(_mapping(spec.get("params", {}), f"{where}.params"))
    budget = None if spec.get("budget") is None else _int(spec["budget"], f"{where}.budget", 1)
    raw_thresholds = spec.get("thresholds", [])
    if not isinstance(raw_thresholds, list):
        raise PlanError(f"{where}.thresholds", "must be a list")
    thresholds = tuple(
        _threshold(t, f"{where}.thresholds[{i}]") for i, t in enumerate(raw_thresholds)
    )
    return TestSpec(name.strip(), str(kind), params, budget, thresholds)


def plan_from_mapping(
    raw: Any, *, known_types: frozenset[str], base: Path = Path("."), source: str = "<mapping>"
) -> Plan:
    spec = _mapping(raw, "top level")
    unknown = set(spec) - {"name", "target", "data", "tests", "seed", "fail_on"}
    if unknown:
        raise PlanError("top level", f"unknown keys {sorted(unknown)}")
    target = _mapping(spec.get("target"), "target")
    kinds = [k for k in TARGET_KINDS if k in target]
    if len(kinds) != 1:
        raise PlanError("target", f"needs exactly one of {', '.join(TARGET_KINDS)}")
    data = _mapping(spec.get("data"), "data")
    raw_tests = spec.get("tests")
    if not isinstance(raw_tests, list) or not raw_tests:
        raise PlanError("tests", "must be a non-empty list")
    tests = tuple(_test(t, f"tests[{i}]", known_types) for i, t in enumerate(raw_tests))
    names = [t.name for t in tests]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise PlanError("tests", f"test names must be unique: {duplicates}")
    try:
        fail_on = Severity.parse(str(spec.get("fail_on", "high")))
    except Exception as exc:
        raise PlanError("fail_on", str(exc)) from None
    name = spec.get("name", source)
    seed = _int(spec.get("seed", 0), "seed")
    if seed >= 2**32:  # numpy and scikit-learn seeds are 32-bit
        raise PlanError("seed", f"must be below 2**32, got {seed}")
    return Plan(str(name), target, data, tests, seed, fail_on, base, source)


def load_plan(path: str | Path, *, known_types: frozenset[str]) -> Plan:
    from aisec.assurance.plans.yaml_file import read_yaml

    file = Path(path)
    try:
        raw = read_yaml(file, "test plan")
    except ConfigError as exc:
        raise PlanError(str(file), exc.message) from None
    return plan_from_mapping(
        raw, known_types=known_types, base=file.resolve().parent, source=str(file)
    )
