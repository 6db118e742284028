"""What the detector-validation pages show of a stored ``validate`` run: one row per
detector it validated, read from the run's configuration, measurements and findings.

A run names its detectors in ``config["detectors"]`` and tags every measurement with the
test that made it (``params["test"]``): the detector's own name for the operating points,
``NAME over time`` for the windows and ``NAME under rewrites`` / ``NAME under evasion``
for robustness. The dataset is known by the digest the run recorded
(``config["data_sha256"]``); runs made before it was recorded are known by their data
file's name only, which :attr:`Dataset.by_name` says.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from aisec.core.run import Measurement
from aisec.store.tracking import StoredFinding, StoredRun

KIND = "validate"
HEADLINE_FPRS = (0.01, 0.001)
# The checks that answer for a stated requirement; drift is the tool's own test, shown
# in its own column.
REQUIREMENT_CHECKS = ("assurance.detector.accuracy", "assurance.detector.robustness")
ROBUSTNESS_TESTS = ("under rewrites", "under evasion")


@dataclass(frozen=True)
class Figure:
    value: float
    low: float | None
    high: float | None
    n: int

    @classmethod
    def of(cls, m: Measurement) -> Figure:
        return cls(m.value, m.ci_low, m.ci_high, m.n)


@dataclass(frozen=True)
class Dataset:
    key: str  # the digest, or the file name when no digest was recorded
    name: str
    digest: str | None

    @property
    def by_name(self) -> bool:
        return self.digest is None


@dataclass(frozen=True)
class DetectorRow:
    run: StoredRun
    detector: str
    kind: str  # column, model, builtin, command, http
    artefact: str | None  # the detector file's sha256, where there is one
    dataset: Dataset
    detection: tuple[Figure | None, ...]  # at HEADLINE_FPRS, in order
    roc_auc: Figure | None
    alerts_per_day: Figure | None  # at the first headline FPR
    drift: str  # degraded, stable, or "" when not measured
    worst_evasion: tuple[str, Figure] | None  # (family or attack, its evasion rate)
    requirements: str  # failed, unjudged, met, none stated, none failed
    failures: int


def dataset_of(run: StoredRun) -> Dataset:
    config = run.config
    path = str(config.get("data") or "")
    name = PurePath(path).name or path or "unknown data"
    digest = config.get("data_sha256")
    if isinstance(digest, str) and digest:
        return Dataset(digest.lower(), name, digest.lower())
    return Dataset(name, name, None)


def detectors_of(run: StoredRun) -> list[Mapping[str, Any]]:
    described = run.config.get("detectors")
    if isinstance(described, list) and described:
        return [d for d in described if isinstance(d, Mapping) and d.get("name")]
    return [{"name": t} for t in run.targets]


def detector_rows(
    run: StoredRun, measurements: Sequence[Measurement], findings: Iterable[StoredFinding]
) -> list[DetectorRow]:
    dataset = dataset_of(run)
    failed = [f for f in findings if f.check_id in REQUIREMENT_CHECKS]
    return [_row(run, d, dataset, measurements, failed) for d in detectors_of(run)]


def _row(
    run: StoredRun, described: Mapping[str, Any], dataset: Dataset,
    measurements: Sequence[Measurement], failed: Sequence[StoredFinding],
) -> DetectorRow:  # fmt: skip
    name = str(described["name"])
    mine = [m for m in measurements if m.params.get("test") == name]
    digest = described.get("sha256")
    tests = {name, f"{name} over time", *(f"{name} {s}" for s in ROBUSTNESS_TESTS)}
    failures = sum(1 for f in failed if f.evidence.get("test") in tests)
    return DetectorRow(
        run=run, detector=name, kind=str(described.get("kind", "")),
        artefact=digest if isinstance(digest, str) and digest else None, dataset=dataset,
        detection=tuple(_at(mine, "detection_rate", fpr) for fpr in HEADLINE_FPRS),
        roc_auc=_first(mine, "roc_auc"),
        alerts_per_day=_at(mine, "alerts_per_day", HEADLINE_FPRS[0]),
        drift=_drift(measurements, f"{name} over time"),
        worst_evasion=_worst_evasion(measurements, name),
        requirements=_requirements(run, failures), failures=failures,
    )  # fmt: skip


def _first(measurements: Iterable[Measurement], name: str) -> Figure | None:
    return next((Figure.of(m) for m in measurements if m.name == name), None)


def _at(measurements: Iterable[Measurement], name: str, fpr: float) -> Figure | None:
    return _first((m for m in measurements if _same(m.params.get("fpr"), fpr)), name)


def _same(value: object, wanted: float) -> bool:
    return isinstance(value, int | float) and math.isclose(value, wanted, rel_tol=1e-9)


def _drift(measurements: Iterable[Measurement], test: str) -> str:
    for m in measurements:
        if m.name == "degraded" and m.params.get("test") == test:
            return "degraded" if m.value > 0 else "stable"
    return ""


def _worst_evasion(measurements: Iterable[Measurement], name: str) -> tuple[str, Figure] | None:
    tests = {f"{name} {suffix}" for suffix in ROBUSTNESS_TESTS}
    rates = [m for m in measurements if m.name == "evasion_rate" and m.params.get("test") in tests]
    if not rates:
        return None
    worst = max(rates, key=lambda m: m.value)
    params = worst.params
    label = str(params.get("family") or "")
    if not label:
        label = f"{params.get('attack', 'attack')} ε={params.get('epsilon', '?')}"
    return label, Figure.of(worst)


def _requirements(run: StoredRun, failures: int) -> str:
    """A run that stated none cannot have met one: the two differ only where the run
    recorded its requirements (``config["requirements"]``)."""
    if failures:
        return "failed"
    if any(e.startswith("--require") for e in run.errors):
        return "unjudged"
    stated = run.config.get("requirements")
    if isinstance(stated, list):
        return "met" if stated else "none stated"
    return "none failed"


def rank_key(row: DetectorRow) -> tuple[float, float, float]:
    """Best first when sorted: the lower bound of the detection rate at 1% FPR (a
    detector ranks high only when the data show it is good), then its value, then AUC."""
    first = row.detection[0]
    low = first.low if first is not None and first.low is not None else -1.0
    value = first.value if first is not None else -1.0
    auc = row.roc_auc.value if row.roc_auc is not None else -1.0
    return (-low, -value, -auc)
