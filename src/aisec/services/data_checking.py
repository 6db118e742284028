"""``aisec data check`` as a run: quality and poisoning indicators judged by the checks.

The indicators (:mod:`aisec.data.quality`) are computed as before; each becomes a
:class:`~aisec.data.subjects.DatasetIndicator` that the registry's ``dataset-indicator``
checks judge, so an indicator that fired is a finding with framework refs, the
statistics are measurements, and the run can be recorded and linked to an AI system like
a scan. Input that cannot be analysed (a malformed file, a line over its cap) is not an
exception here but the run's error, so that the gap is evidence too (exit code 3).
Usage errors (a missing path, an unknown label column) still raise.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aisec import __version__
from aisec.core.errors import AisecError, AnalysisError
from aisec.core.finding import Location
from aisec.core.run import Artefact, ArtefactStatus, Measurement, Run
from aisec.core.settings import Settings
from aisec.data.subjects import DatasetIndicator

if TYPE_CHECKING:
    from aisec.core.registry import Registry
    from aisec.data.quality import CheckOptions, Indicator, QualityReport

KIND = "data-check"
SUBJECT_KIND = "dataset-indicator"


@dataclass
class DataCheck:
    """The run, and the indicators' report (None when the input could not be analysed)."""

    run: Run
    report: QualityReport | None


def check_data(
    train: Path,
    *,
    test: Path | None = None,
    reference: Path | None = None,
    options: CheckOptions | None = None,
    settings: Settings | None = None,
    registry: Registry | None = None,
) -> DataCheck:
    """Check ``train`` (against ``test`` and ``reference`` when given) and judge the
    indicators with the registry's checks."""
    from aisec.core.registry import default_registry
    from aisec.data.quality import CheckOptions, check_dataset

    options = options or CheckOptions()
    settings = settings or Settings()
    registry = registry or default_registry()
    paths = {"train": train, "test": test, "reference": reference}
    config = settings.to_dict() | {
        "data_check": asdict(options) | {k: str(v) for k, v in paths.items() if v is not None}
    }
    run = Run(KIND, [str(p) for p in paths.values() if p is not None], __version__, config)
    try:
        report = check_dataset(train, test=test, reference=reference, options=options)
    except AnalysisError as exc:
        run.errors.append(f"[{exc.code}] {exc.message}")
        run.artefacts += [_artefact(p, ArtefactStatus.SKIPPED, exc.message) for p in _given(paths)]
        run.record_checks(())
        run.finish()
        return DataCheck(run, None)
    run.artefacts += [_artefact(p) for p in _given(paths)]
    run.measurements += [m for i in report.indicators if (m := measurement(i)) is not None]
    run.warnings += [f"indicator {s.id} not computed: {s.reason}" for s in report.skipped]
    run.warnings += report.notes
    _judge(run, report, paths, registry)
    run.finish()
    return DataCheck(run, report)


def subjects(report: QualityReport, paths: dict[str, Path | None]) -> list[DatasetIndicator]:
    """One subject per indicator, located at the training data; an indicator that compared
    it with the test set or the reference names that file too."""
    out = []
    for ind in report.indicators:
        other = paths["test"] if ind.id.startswith("train-test") else None
        if ind.id in ("schema-change", "class-balance-shift", "feature-shift"):
            other = paths["reference"]
        out.append(DatasetIndicator(Location(report.path), ind, str(other) if other else ""))
    return out


def measurement(ind: Indicator) -> Measurement | None:
    """The indicator's statistic as a measurement (None when it has none, or no number)."""
    stat = ind.statistic
    if stat is None or not math.isfinite(stat.value):
        return None
    params: dict[str, Any] = {"statistic": stat.name, "fired": ind.fired, "count": ind.count}
    if stat.p_value is not None and math.isfinite(stat.p_value):
        params["p_value"] = stat.p_value
    if stat.method:
        params["method"] = stat.method
    unit = "share" if stat.name.startswith("share") else ""
    return Measurement(
        f"data.quality.{ind.id}", stat.value, stat.ci_low, stat.ci_high, ind.total, unit, params
    )


def _judge(
    run: Run, report: QualityReport, paths: dict[str, Path | None], registry: Registry
) -> None:
    computed = {i.id for i in report.indicators}
    applied: list[str] = []
    items = subjects(report, paths)
    for check_class in registry.for_kind(SUBJECT_KIND):
        claimed = getattr(check_class, "indicator_id", "")
        if claimed and claimed not in computed:
            continue  # its indicator did not run on these inputs: it judged nothing
        applied.append(check_class.id)
        check = check_class()
        for subject in items:
            try:
                run.findings.extend(check.run(subject))
            except Exception as exc:  # one broken plugin must not cost the others
                run.errors.append(f"check {check_class.id} failed: {type(exc).__name__}")
                break
    run.record_checks(applied)


def _given(paths: dict[str, Path | None]) -> list[Path]:
    return [p for p in paths.values() if p is not None]


def _artefact(
    path: Path, status: ArtefactStatus = ArtefactStatus.ANALYSED, reason: str = ""
) -> Artefact:
    from aisec.data.quality.table import detect_format

    try:
        size: int | None = path.stat().st_size
        fmt = detect_format(path)
    except (OSError, AisecError):
        size, fmt = None, "unknown"
    return Artefact(Location(str(path)), fmt, size, status, reason)
