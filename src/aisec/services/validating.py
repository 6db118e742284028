"""``aisec validate``: a security detector evaluated on labelled data (docs/adr/0024).

The result is a plan report (the structure ``aisec test`` gives), one outcome per detector
and per question asked of it: ``detector_validation`` (operating points, curves,
calibration, categories), ``detector_drift`` (time windows) and ``detector_robustness``
(text rewrites, constrained tabular evasion). So the same JSON, HTML, JUnit and console
reports, thresholds, findings, recording and governance evidence apply; the run's kind is
``validate``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aisec.core.errors import ConfigError, InputError
from aisec.core.run import Measurement
from aisec.validation.evaluate import Estimate, Evaluation, Options, evaluate
from aisec.validation.labels import is_missing, label_column
from aisec.validation.tabular_evasion import DEFAULT_EPSILONS, Constraints

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]

    from aisec.assurance.plans.result import PlanReport, TestOutcome
    from aisec.assurance.plans.spec import Threshold
    from aisec.validation.sources import ScoreSource
    from aisec.validation.windows import TimeAnalysis

KIND = "validate"
TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
# Numeric times above this, read as seconds, lie after the year 5000: milliseconds or finer.
_SECONDS_CEILING = 1e11


@dataclass
class TimeSpec:
    column: str
    windows: int | None = None
    window_seconds: float | None = None
    fpr: float | None = None  # default: the first operating FPR
    unit: str = "s"  # what a numeric time counts: s, ms, us or ns (dates need none)

    def __post_init__(self) -> None:
        if self.unit not in TIME_UNITS:
            raise ConfigError(f"time unit {self.unit!r}: expected one of {', '.join(TIME_UNITS)}")


@dataclass
class ValidationSpec:
    data: Path
    label: str
    sources: Sequence[ScoreSource]
    positive: str | None = None
    category: str | None = None
    time: TimeSpec | None = None
    options: Options = field(default_factory=Options)
    thresholds: Sequence[Threshold] = ()
    name: str = ""
    max_rows: int = 5_000_000
    rewrites: bool = False  # text detectors: evasion per rewrite family
    evasion: Constraints | None = None  # model-file detectors: constrained evasion
    epsilons: tuple[float, ...] = DEFAULT_EPSILONS


def validate(spec: ValidationSpec) -> PlanReport:
    from aisec import __version__
    from aisec.assurance.plans.result import PlanReport
    from aisec.core.run import Run
    from aisec.data.quality.table import ReadCaps, read_table

    if not spec.sources:
        raise ConfigError("nothing to validate: give a score column, a model or a detector")
    table = read_table(spec.data, caps=ReadCaps(max_rows=spec.max_rows))
    frame = table.frame
    labels = label_column(frame, spec.label, spec.positive)
    categories = _categories(frame, spec.category)
    run = Run(kind=KIND, targets=[s.name for s in spec.sources], tool_version=__version__,
              config=_config(spec))  # fmt: skip
    # The dashboard's leaderboard ranks detectors on exactly the same data.
    run.config["data_sha256"] = table.sha256
    run.config["requirements"] = [t.describe() for t in spec.thresholds]
    times = None
    if spec.time is not None:
        times = _times(frame, spec.time.column, spec.time.unit, run.warnings)
    if table.truncated:
        run.warnings.append(
            f"{spec.data} holds more than {spec.max_rows} rows (or 256 MB of them): "
            "only the first were read"
        )
    outcomes: list[TestOutcome] = []
    for source in spec.sources:
        outcomes.extend(_validate_one(source, frame, labels, categories, times, spec))
    # Described again once scored: a trained detector knows its training data only then.
    run.config["detectors"] = [s.describe() for s in spec.sources]
    run.errors.extend(_judge(outcomes, spec.thresholds))
    for outcome in outcomes:
        run.measurements.extend(outcome.measurements)
        run.warnings.extend(f"{outcome.name}: {note}" for note in outcome.notes)
    from aisec.assurance.plans.findings import outcome_findings

    for outcome in outcomes:
        run.findings.extend(outcome_findings(outcome))
    run.finish()
    report = PlanReport(
        plan=spec.name or f"validate {spec.data.name}", source=str(spec.data),
        target=", ".join(s.name for s in spec.sources),
        data={"name": spec.data.name, "rows": len(frame), "sha256": table.sha256,
              "positives": int(labels.sum()), "negatives": int((~labels).sum()),
              "label": spec.label, "truncated": table.truncated},
        run=run, outcomes=outcomes,
    )  # fmt: skip
    return report


def _categories(frame: pd.DataFrame, column: str | None) -> list[str | None] | None:
    if column is None:
        return None
    if column not in frame.columns:
        raise InputError(f"no category column {column!r}")
    return [None if is_missing(v) or str(v) == "" else _text(v) for v in frame[column]]


def _text(value: Any) -> str:
    """A category as written: 3.0 (a number column with blanks, read as floats) is 3."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _times(frame: pd.DataFrame, column: str, unit: str, warnings: list[str]) -> np.ndarray:
    """Seconds: a numeric column in ``unit``, or dates and times read as UTC."""
    import pandas as pd

    if column not in frame.columns:
        raise InputError(f"no time column {column!r}")
    numbers = pd.to_numeric(frame[column], errors="coerce")
    if numbers.notna().all():
        seconds = numbers.to_numpy(dtype=np.float64) * TIME_UNITS[unit]
        if unit == "s" and seconds.size and float(np.nanmax(np.abs(seconds))) > _SECONDS_CEILING:
            warnings.append(
                f"time column {column!r} read as seconds reaches {np.nanmax(seconds):.3g}, "
                "after the year 5000: if it counts milliseconds or finer, say so with "
                "--time-unit ms (or us, ns)"
            )
        return np.asarray(seconds, dtype=np.float64)
    moments = pd.to_datetime(frame[column], errors="coerce", utc=True)
    if moments.isna().any():
        row = int(np.flatnonzero(moments.isna().to_numpy())[0])
        raise InputError(
            f"time column {column!r}: row {row + 1} is neither a number of seconds nor a "
            f"date ({str(frame[column].iloc[row])[:40]!r})"
        )
    # Seconds since the epoch whatever unit pandas stored the moments in (ns or µs).
    seconds = (moments - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    return np.asarray(seconds.to_numpy(dtype=np.float64), dtype=np.float64)


def _validate_one(
    source: ScoreSource, frame: pd.DataFrame, labels: np.ndarray,
    categories: list[str | None] | None, times: np.ndarray | None, spec: ValidationSpec,
) -> list[TestOutcome]:  # fmt: skip
    from aisec.assurance.plans.result import Status, TestOutcome

    started = time.perf_counter()
    scores = source.score(frame)
    scored = time.perf_counter() - started
    evaluation = evaluate(scores, labels, categories=categories, options=spec.options)
    described = source.describe()
    outcome = TestOutcome(
        name=source.name, type="detector_validation", target=source.name,
        status=Status.PASSED, params=_params(spec.options), seconds=0.0, queries=len(frame),
        measurements=_measurements(evaluation, source.name),
        details={"detector": described, "evaluation": evaluation.as_json(),
                 "roc": {"fpr": evaluation.curves["fpr"], "tpr": evaluation.curves["tpr"]},
                 "pr": {"recall": evaluation.curves["recall"],
                        "precision": evaluation.curves["precision"]},
                 **({"reliability": evaluation.calibration["reliability"]}
                    if evaluation.calibration else {}),
                 "scoring_seconds": scored},
        notes=[*getattr(source, "notes", []), *evaluation.warnings],
    )  # fmt: skip
    outcome.seconds = time.perf_counter() - started
    outcomes = [outcome]
    if times is not None and spec.time is not None:
        outcomes.append(_over_time(source, scores, labels, times, spec))
    if spec.rewrites:
        robust = _rewritten(source, frame, scores, labels, evaluation, spec)
        if robust is not None:
            outcomes.append(robust)
        else:
            outcome.notes.append("rewrite families apply to text detectors only: skipped")
    if spec.evasion is not None:
        attacked = _evaded(source, frame, labels, evaluation, spec)
        if attacked is not None:
            outcomes.append(attacked)
        else:
            outcome.notes.append("constrained evasion applies to model files only: skipped")
    return outcomes


def _evaded(
    source: ScoreSource, frame: pd.DataFrame, labels: np.ndarray, evaluation: Evaluation,
    spec: ValidationSpec,
) -> TestOutcome | None:  # fmt: skip
    from aisec.assurance.plans.result import Status, TestOutcome
    from aisec.validation.sources import ModelScores
    from aisec.validation.tabular_evasion import tabular_evasion

    if not isinstance(source, ModelScores) or spec.evasion is None:
        return None
    point = evaluation.operating[0]
    with source.scorer() as score:
        found = tabular_evasion(
            score, source.rows(frame), labels, source.features, threshold=point.threshold,
            fpr=point.target, constraints=spec.evasion, epsilons=spec.epsilons,
            seed=spec.options.seed,
        )  # fmt: skip
    name = f"{source.name} under evasion"
    measurements = [
        m for r in found.results
        if (m := _measure("evasion_rate", r.evasion_rate, r.attacked, name, "rate",
                          attack="square", epsilon=r.epsilon, fpr=point.target)) is not None
    ]  # fmt: skip
    return TestOutcome(
        name=name, type="detector_robustness", target=source.name, status=Status.PASSED,
        params={"fpr": point.target, "threshold": point.threshold, "caught": found.caught},
        measurements=measurements, details={"evasion": found.as_json()},
        queries=sum(r.queries for r in found.results),
    )  # fmt: skip


def _rewritten(
    source: ScoreSource, frame: pd.DataFrame, scores: np.ndarray, labels: np.ndarray,
    evaluation: Evaluation, spec: ValidationSpec,
) -> TestOutcome | None:  # fmt: skip
    from aisec.assurance.plans.result import Status, TestOutcome
    from aisec.validation.robustness import text_robustness
    from aisec.validation.sources import source_texts, text_scorer

    scorer = text_scorer(source)
    if scorer is None:
        return None
    point = evaluation.operating[0]
    texts = [t for t, bad in zip(source_texts(source, frame), labels, strict=True) if bad]
    found = text_robustness(scorer, texts, scores[labels], threshold=point.threshold,
                            fpr=point.target, seed=spec.options.seed)  # fmt: skip
    name = f"{source.name} under rewrites"
    measurements = [
        m for f in found.families
        if (m := _measure("evasion_rate", f.evasion_rate, f.rewritten, name, "rate",
                          family=f.family, fpr=point.target)) is not None
    ]  # fmt: skip
    return TestOutcome(
        name=name, type="detector_robustness", target=source.name, status=Status.PASSED,
        params={"fpr": point.target, "threshold": point.threshold, "caught": found.caught},
        measurements=measurements, details={"rewrites": found.as_json()},
    )  # fmt: skip


def _over_time(
    source: ScoreSource, scores: np.ndarray, labels: np.ndarray, times: np.ndarray,
    spec: ValidationSpec,
) -> TestOutcome:  # fmt: skip
    from aisec.assurance.plans.result import Status, TestOutcome
    from aisec.validation.windows import over_time

    assert spec.time is not None
    fpr = spec.time.fpr or spec.options.fprs[0]
    found = over_time(scores, labels, times, fpr=fpr, windows=spec.time.windows,
                      window_seconds=spec.time.window_seconds)  # fmt: skip
    name = f"{source.name} over time"
    return TestOutcome(
        name=name, type="detector_drift", target=source.name, status=Status.PASSED,
        params={"fpr": fpr, "windows": spec.time.windows,
                "window_seconds": spec.time.window_seconds, "time": spec.time.column},
        measurements=_window_measurements(found, name),
        details={"time": found.as_json()}, notes=list(found.warnings),
    )  # fmt: skip


def _params(options: Options) -> dict[str, Any]:
    return {"fprs": list(options.fprs), "bootstrap": options.n_boot,
            "confidence": options.confidence, "seed": options.seed,
            "alerts_per_day": options.alerts_per_day,
            "requests_per_day": options.requests_per_day,
            "prevalence": options.prevalence}  # fmt: skip


def _measure(name: str, estimate: Estimate, n: int, test: str, unit: str = "",
             **params: Any) -> Measurement | None:  # fmt: skip
    if estimate.value is None or math.isnan(estimate.value):
        return None
    return Measurement(name, float(estimate.value), estimate.low, estimate.high, n, unit,
                       {"test": test, **params})  # fmt: skip


def _measurements(found: Evaluation, test: str) -> list[Measurement]:
    out: list[Measurement | None] = [
        _measure("roc_auc", found.roc_auc, found.rows, test),
        _measure("average_precision", found.average_precision, found.rows, test),
    ]
    for point in found.operating:
        key = "fpr" if point.chosen_by == "fpr" else "alerts_per_day"
        where: dict[str, Any] = {key: point.target}
        out += [
            _measure("detection_rate", point.detection_rate, found.positives, test, "rate",
                     **where),
            _measure("false_positive_rate", point.false_positive_rate, found.negatives, test,
                     "rate", **where),
            _measure("precision", point.precision, found.rows, test, "rate", **where),
        ]  # fmt: skip
        if point.alerts_per_day is not None:
            out.append(_measure("alerts_per_day", point.alerts_per_day, found.rows, test,
                                "alerts/day", **where))  # fmt: skip
    if found.calibration is not None:
        ece = found.calibration["ece"]
        out.append(_measure("ece", Estimate(ece["value"], ece["ci_low"], ece["ci_high"]),
                            found.rows, test))  # fmt: skip
        out.append(_measure("brier", Estimate(found.calibration["brier"]), found.rows, test))
    first = found.operating[0]
    for category in found.categories:
        out.append(_measure("category_detection_rate", category.detection_rate,
                            category.positives, test, "rate", category=category.category,
                            fpr=first.target))  # fmt: skip
    return [m for m in out if m is not None]


def _window_measurements(found: TimeAnalysis, test: str) -> list[Measurement]:
    out: list[Measurement | None] = []
    for w in found.windows:
        out.append(_measure("window_detection_rate", w.detection_rate, w.positives, test,
                            "rate", window=w.index))  # fmt: skip
        out.append(_measure("window_false_positive_rate", w.false_positive_rate, w.negatives,
                            test, "rate", window=w.index))  # fmt: skip
        if w.alerts_per_day is not None:
            out.append(_measure("window_alerts_per_day", Estimate(w.alerts_per_day), w.rows,
                                test, "alerts/day", window=w.index))  # fmt: skip
    rows = sum(w.rows for w in found.windows)
    out.append(_measure("degraded", Estimate(float(found.degraded)), rows, test))
    return [m for m in out if m is not None]


def _judge(outcomes: list[TestOutcome], thresholds: Sequence[Threshold]) -> list[str]:
    """The user's thresholds on every detector's outcomes, and one of the tool's own: a
    detector that degraded significantly over time fails its drift outcome. A threshold
    no outcome measured (a misspelt metric, calibration of scores that are not
    probabilities) is an error, as in a test plan: a requirement must not pass unjudged.
    Returns the errors."""
    from dataclasses import replace

    from aisec.assurance.plans.findings import default_severity
    from aisec.assurance.plans.result import Status
    from aisec.assurance.plans.spec import Threshold
    from aisec.assurance.plans.thresholds import judge

    degraded = Threshold(metric="degraded", max=0.0)
    errors = []
    for threshold in thresholds:
        if outcomes and not any(_applies(threshold, o) for o in outcomes):
            measured = sorted({m.name for o in outcomes for m in o.measurements})
            first = outcomes[0]
            first.judgements.extend(judge(threshold, [], default_severity(first.type)))
            first.status, first.error = Status.ERROR, "a requirement matched no measurement"
            errors.append(f"--require {threshold.describe()}: nothing of that name was "
                          f"measured (measured: {', '.join(measured)})")  # fmt: skip
    for outcome in outcomes:
        mine = [t for t in thresholds if _applies(t, outcome)]
        if outcome.type == "detector_drift":
            mine.append(degraded)
        severity = default_severity(outcome.type)
        for threshold in mine:
            judged = judge(replace(threshold), outcome.measurements, severity)
            outcome.judgements.extend(judged)
            if any(j.measurement is None for j in judged):
                # Measured, but not where it asks (an FPR not given with --fpr, a category
                # that is not in the data): unjudged is an error, not a pass.
                outcome.status, outcome.error = Status.ERROR, "a requirement matched nothing"
                places = _where(outcome, threshold.metric)
                errors.append(f"--require {threshold.describe()}: {outcome.name} measured "
                              f"{threshold.metric} only at {places}")  # fmt: skip
        if outcome.status is Status.PASSED and any(not j.passed for j in outcome.judgements):
            outcome.status = Status.FAILED
    return errors


def _where(outcome: TestOutcome, metric: str) -> str:
    places = [
        ", ".join(f"{k}={v}" for k, v in sorted(m.params.items()) if k != "test") or "-"
        for m in outcome.measurements
        if m.name == metric
    ]
    return "; ".join(places[:8]) + (" …" if len(places) > 8 else "")


def _applies(threshold: Threshold, outcome: TestOutcome) -> bool:
    """A threshold applies where its metric was measured (operating-point metrics to the
    validation outcome, window metrics to the drift outcome)."""
    return any(m.name == threshold.metric for m in outcome.measurements)


def _config(spec: ValidationSpec) -> dict[str, Any]:
    return {
        "data": str(spec.data),
        "label": spec.label,
        "positive": spec.positive,
        "category": spec.category,
        "time": None if spec.time is None else vars(spec.time),
        "detectors": [s.describe() for s in spec.sources],
        # As a plan's tests are: governance coverage credits a run by its test types.
        "tests": [{"name": s.name, "type": "detector_validation"} for s in spec.sources]
        + ([{"name": f"{s.name} over time", "type": "detector_drift"} for s in spec.sources]
           if spec.time is not None else [])
        + ([{"name": f"{s.name} under rewrites", "type": "detector_robustness"}
            for s in spec.sources] if spec.rewrites else [])
        + ([{"name": f"{s.name} under evasion", "type": "detector_robustness"}
            for s in spec.sources] if spec.evasion is not None else []),
        **_params(spec.options),
    }  # fmt: skip


def exit_code(report: PlanReport, fail_on: Any = None) -> int:
    from aisec.core.severity import Severity

    return int(report.run.exit_code(fail_on or Severity.HIGH))
