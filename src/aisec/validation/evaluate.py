"""A detector's scores on labelled data, evaluated the way a security team runs it: the
detection rate at fixed false-positive rates, precision at an alert budget, ROC and PR
curves, calibration and per-category detection, each with a stratified bootstrap
interval (docs/adr/0024)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aisec.assurance.stats import wilson
from aisec.validation import calibration, operating
from aisec.validation.cells import Cells, FloatArray, Sample, build, resamples

DEFAULT_FPRS = (0.01, 0.001)
MIN_FALSE_POSITIVES = 10  # below this, "the threshold at FPR x" rests on a handful of rows


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None = None
    high: float | None = None

    def as_json(self) -> dict[str, float | None]:
        return {"value": self.value, "ci_low": self.low, "ci_high": self.high}


@dataclass(frozen=True)
class Options:
    fprs: tuple[float, ...] = DEFAULT_FPRS
    alerts_per_day: float | None = None  # with requests_per_day: precision at that budget
    requests_per_day: float | None = None
    prevalence: float | None = None  # of malicious traffic in production; default: the data's
    n_boot: int = 1000
    confidence: float = 0.95
    seed: int = 0
    calibration_bins: int = 10

    def __post_init__(self) -> None:
        if not self.fprs or any(not 0 < f < 1 for f in self.fprs):
            raise ValueError("false-positive rates must be between 0 and 1")
        if not 0 < self.confidence < 1:
            raise ValueError("the confidence must be between 0 and 1")
        if self.n_boot < 0:
            raise ValueError("n_boot must not be negative")
        if (self.alerts_per_day is None) != (self.requests_per_day is None):
            raise ValueError("an alert budget needs both alerts and requests per day")


@dataclass(frozen=True)
class Operating:
    """One operating point: how it was chosen, the threshold, and the rates there."""

    chosen_by: str  # "fpr" or "budget"
    target: float  # the FPR asked for, or the alerts per day
    threshold: float  # on the data; +inf when nothing can be flagged
    detection_rate: Estimate
    false_positive_rate: Estimate
    precision: Estimate
    alerts_per_day: Estimate | None = None
    resolvable: bool = True  # enough negatives to measure this FPR

    def as_json(self) -> dict[str, Any]:
        return {
            "chosen_by": self.chosen_by,
            "target": self.target,
            "threshold": _finite(self.threshold),
            "detection_rate": self.detection_rate.as_json(),
            "false_positive_rate": self.false_positive_rate.as_json(),
            "precision": self.precision.as_json(),
            "alerts_per_day": None
            if self.alerts_per_day is None
            else self.alerts_per_day.as_json(),
            "resolvable": self.resolvable,
        }


@dataclass(frozen=True)
class CategoryDetection:
    category: str
    positives: int
    detection_rate: Estimate  # at the first operating point's threshold

    def as_json(self) -> dict[str, Any]:
        return {"category": self.category, "positives": self.positives,
                "detection_rate": self.detection_rate.as_json()}  # fmt: skip


@dataclass
class Evaluation:
    rows: int
    positives: int
    negatives: int
    roc_auc: Estimate
    average_precision: Estimate
    operating: list[Operating]
    curves: dict[str, list[float]]
    calibration: dict[str, Any] | None = None
    categories: list[CategoryDetection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows, "positives": self.positives, "negatives": self.negatives,
            "roc_auc": self.roc_auc.as_json(),
            "average_precision": self.average_precision.as_json(),
            "operating_points": [o.as_json() for o in self.operating],
            "calibration": self.calibration,
            "categories": [c.as_json() for c in self.categories],
            "warnings": list(self.warnings),
        }  # fmt: skip


def evaluate(
    scores: Any, labels: Any, *, categories: Sequence[str | None] | None = None,
    options: Options | None = None,
) -> Evaluation:  # fmt: skip
    """Evaluate ``scores`` (higher: more likely malicious) against boolean ``labels``."""
    opts = options or Options()
    s = np.asarray(scores, dtype=np.float64).reshape(-1)
    y = np.asarray(labels).astype(bool).reshape(-1)
    if s.size != y.size:
        raise ValueError(f"{s.size} scores but {y.size} labels")
    if not np.isfinite(s).all():
        raise ValueError("every score must be a finite number")
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError(f"both classes are needed: {n_pos} malicious, {n_neg} benign rows")
    cells = build(s, y)
    point = cells.point()
    draws = _draw(cells, opts)
    result = Evaluation(
        rows=int(s.size), positives=n_pos, negatives=n_neg,
        roc_auc=_estimate(operating.roc_auc(cells, point), draws.auc, opts),
        average_precision=_estimate(operating.average_precision(cells, point), draws.ap, opts),
        operating=[_at_fpr(cells, point, draws.at_fpr[fpr], fpr, opts) for fpr in opts.fprs],
        curves=operating.curves(cells),
    )  # fmt: skip
    result.warnings = _resolution_warnings(result.operating, n_neg, n_pos)
    if opts.alerts_per_day is not None and opts.requests_per_day is not None:
        result.operating.append(_at_budget(cells, point, draws.budget, opts))
    if calibration.probabilities(s):
        result.calibration = _calibration(s, y, opts)
    if categories is not None:
        first = result.operating[0]
        chosen = draws.at_fpr[first.target] if first.chosen_by == "fpr" else draws.budget
        thresholds = [p.threshold for p in chosen]
        result.categories = _categories(s, y, categories, thresholds, first, opts)
    return result


@dataclass
class _Draws:
    """Per bootstrap chunk, what each metric gave: small arrays, so memory stays that of
    one chunk of resamples however many chunks there are."""

    auc: list[FloatArray] = field(default_factory=list)
    ap: list[FloatArray] = field(default_factory=list)
    at_fpr: dict[float, list[operating.OperatingPoint]] = field(default_factory=dict)
    budget: list[operating.OperatingPoint] = field(default_factory=list)


def _draw(cells: Cells, opts: Options) -> _Draws:
    found = _Draws(at_fpr={fpr: [] for fpr in opts.fprs})
    budget = opts.alerts_per_day is not None and opts.requests_per_day is not None
    for sample in resamples(cells, opts.n_boot, np.random.default_rng(opts.seed)):
        found.auc.append(operating.roc_auc(cells, sample))
        found.ap.append(operating.average_precision(cells, sample))
        for fpr in opts.fprs:
            found.at_fpr[fpr].append(operating.at_fpr(cells, sample, fpr, opts.prevalence))
        if budget:
            found.budget.append(operating.at_budget(
                cells, sample, opts.alerts_per_day or 0.0, opts.requests_per_day or 1.0,
                opts.prevalence,
            ))  # fmt: skip
    return found


def _estimate(point: FloatArray, draws: list[FloatArray], opts: Options) -> Estimate:
    value = float(point[0])
    if not draws:
        return Estimate(value)
    return _interval(value, np.concatenate(draws), opts)


def _interval(value: float | None, values: FloatArray, opts: Options) -> Estimate:
    defined = values[~np.isnan(values)]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        value = None
    if defined.size == 0:
        return Estimate(value)
    alpha = 1 - opts.confidence
    low, high = np.quantile(defined, [alpha / 2, 1 - alpha / 2])
    return Estimate(value, float(low), float(high))


def _at_fpr(
    cells: Cells, point: Sample, there: list[operating.OperatingPoint], fpr: float,
    opts: Options,
) -> Operating:  # fmt: skip
    here = operating.at_fpr(cells, point, fpr, opts.prevalence)
    return _operating("fpr", fpr, here, there, opts, fpr * cells.n_neg >= 1)


def _at_budget(
    cells: Cells, point: Sample, there: list[operating.OperatingPoint], opts: Options
) -> Operating:
    assert opts.alerts_per_day is not None
    assert opts.requests_per_day is not None
    budget = (opts.alerts_per_day, opts.requests_per_day)
    here = operating.at_budget(cells, point, *budget, prevalence=opts.prevalence)
    return _operating("budget", opts.alerts_per_day, here, there, opts, True)


def _operating(
    chosen_by: str, target: float, here: operating.OperatingPoint,
    there: list[operating.OperatingPoint], opts: Options, resolvable: bool,
) -> Operating:  # fmt: skip
    def pick(name: str) -> Estimate:
        value = float(getattr(here, name)[0])
        if not there:
            return Estimate(None if math.isnan(value) else value)
        return _interval(value, np.concatenate([getattr(t, name) for t in there]), opts)

    alerts = None
    if opts.requests_per_day is not None:
        flagged = pick("flagged_rate")
        scale = opts.requests_per_day
        alerts = Estimate(*(None if v is None else v * scale
                            for v in (flagged.value, flagged.low, flagged.high)))  # fmt: skip
    return Operating(
        chosen_by=chosen_by, target=target, threshold=float(here.threshold[0]),
        detection_rate=pick("tpr"), false_positive_rate=pick("fpr"),
        precision=pick("precision"), alerts_per_day=alerts, resolvable=resolvable,
    )  # fmt: skip


def _resolution_warnings(points: Sequence[Operating], n_neg: int, n_pos: int) -> list[str]:
    """What the data cannot resolve: an FPR below one benign row, or a threshold that
    rests on fewer than MIN_FALSE_POSITIVES benign rows above it (counted, not assumed:
    tied or coarse scores can leave far fewer than fpr x benign rows)."""
    warnings = []
    for point in points:
        if point.chosen_by != "fpr":
            continue
        fpr = point.target
        above = round((point.false_positive_rate.value or 0.0) * n_neg)
        if fpr * n_neg < 1:
            warnings.append(
                f"FPR {fpr:g} cannot be measured: {n_neg} benign rows give a resolution of "
                f"{1 / n_neg:.2g}; at least {math.ceil(1 / fpr)} are needed, and "
                f"{math.ceil(MIN_FALSE_POSITIVES / fpr)} for a stable threshold"
            )
        elif above < MIN_FALSE_POSITIVES:
            warnings.append(
                f"FPR {fpr:g}: the threshold rests on {above} benign rows above it ({n_neg} "
                "benign in all): the detection rate there is uncertain beyond its interval; "
                f"{math.ceil(MIN_FALSE_POSITIVES / fpr)} benign rows would resolve it"
            )
    if n_pos < 30:
        warnings.append(f"only {n_pos} malicious rows: every detection rate is coarse")
    return warnings


def _calibration(s: FloatArray, y: Any, opts: Options) -> dict[str, Any]:
    cells = calibration.build(s, y, opts.calibration_bins)
    value = calibration.ece(cells)
    draws = calibration.ece_resamples(cells, opts.n_boot, np.random.default_rng(opts.seed + 1))
    ece = _interval(value, draws, opts) if opts.n_boot else Estimate(value)
    return {
        "ece": ece.as_json(),
        "brier": calibration.brier(s, y),
        "bins": opts.calibration_bins,
        "reliability": calibration.reliability(cells),
    }


def _categories(
    s: FloatArray, y: Any, categories: Sequence[str | None], thresholds: list[FloatArray],
    first: Operating, opts: Options,
) -> list[CategoryDetection]:  # fmt: skip
    """Detection per attack category at the first operating point. In a resample the
    threshold is that resample's own, so its uncertainty is in the interval too. The
    interval is widened to the Wilson interval where that is wider: a percentile
    bootstrap of a few rows all caught (or all missed) collapses to a point."""
    names = np.asarray([("" if c is None else str(c)) for c in categories], dtype=object)
    if names.size != s.size:
        raise ValueError(f"{names.size} categories for {s.size} rows")
    rng = np.random.default_rng(opts.seed + 2)
    found = []
    for name in sorted({str(n) for n in names[y] if n}):
        mine = np.sort(s[y & (names == name)])[::-1]
        value = float((mine >= first.threshold).mean())
        if not thresholds:
            found.append(CategoryDetection(name, int(mine.size), Estimate(value)))
            continue
        distinct, counts = np.unique(mine, return_counts=True)
        distinct, counts = distinct[::-1], counts[::-1]
        rates = []
        for threshold in thresholds:
            drawn = rng.multinomial(mine.size, counts / mine.size, size=threshold.size)
            flagged = np.cumsum(drawn, axis=1)
            upto = np.searchsorted(-distinct, -threshold, side="right") - 1
            hits = np.where(upto >= 0, flagged[np.arange(threshold.size), np.maximum(upto, 0)], 0)
            rates.append(hits / mine.size)
        boot = _interval(value, np.concatenate(rates), opts)
        caught = int((mine >= first.threshold).sum())
        low, high = wilson(caught, int(mine.size), opts.confidence)
        estimate = Estimate(value, _lower(boot.low, low), _upper(boot.high, high))
        found.append(CategoryDetection(name, int(mine.size), estimate))
    return found


def _lower(a: float | None, b: float | None) -> float | None:
    return min(x for x in (a, b) if x is not None) if a is not None or b is not None else None


def _upper(a: float | None, b: float | None) -> float | None:
    return max(x for x in (a, b) if x is not None) if a is not None or b is not None else None


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
