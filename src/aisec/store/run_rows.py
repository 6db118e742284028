"""How runs map onto rows: the run record kept as a ``scan_runs`` row, its measurements as
``run_measurements`` rows, and both read back."""

from __future__ import annotations

import math
import numbers
import operator
import uuid
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aisec.core.errors import InvalidRecord
from aisec.core.run import Measurement, Run
from aisec.core.severity import Severity
from aisec.store.models import RunFinding, RunMeasurement, ScanRun
from aisec.store.session import clean, clean_data
from aisec.store.tracking import StoredRun

# The key of the counts that holds Run.checks_applied.
CHECKS_APPLIED = "checks_applied"


def run_id(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except (ValueError, TypeError, AttributeError):
        raise InvalidRecord(f"run id {text!r} is not a UUID") from None


def fail_on(run: Run) -> Severity:
    try:
        return Severity.parse(str(run.config.get("fail_on", "high")))
    except Exception:  # a hand-made config: the verdict then uses the default threshold
        return Severity.HIGH


def run_row(run: Run, run_id: str, exit_code: int) -> ScanRun:
    counts: dict[str, object] = {
        "artefacts": len(run.artefacts),
        "incomplete": len(run.incomplete) - len(run.skipped),
        "skipped": len(run.skipped),
        "findings": run.counts(),
        **run.not_counted(),
    }
    if run.checks_applied is not None:
        # Kept with the counts (a JSON column) rather than a column of its own: runs stored
        # before it was recorded read back as None, "not recorded", with no migration.
        counts[CHECKS_APPLIED] = list(run.checks_applied)
    skipped = [
        {"location": a.location.display(), "format": a.format, "reason": a.reason}
        for a in run.skipped
    ]
    return ScanRun(
        id=run_id,
        kind=clean(run.kind),
        targets=clean_data(run.targets),
        tool_version=clean(run.tool_version),
        config=clean_data(run.config),
        started_at=run.started_at,
        finished_at=run.ended_at,
        exit_code=exit_code,
        counts=clean_data(counts),
        errors=clean_data(run.errors),
        warnings=clean_data(run.warnings),
        skipped=clean_data(skipped),
    )


def _checks_applied(counts: Mapping[str, Any]) -> tuple[str, ...] | None:
    found = counts.get(CHECKS_APPLIED)
    if not isinstance(found, list):
        return None
    return tuple(str(c) for c in found)


def stored_run(session: Session, row: ScanRun) -> StoredRun:
    return stored_runs(session, [row])[0]


def stored_runs(session: Session, rows: Sequence[ScanRun]) -> list[StoredRun]:
    """The runs of ``rows`` with their finding and measurement counts, read in two grouped
    queries whatever the number of runs (a page of runs is not a query per run)."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    findings = _counts(session, RunFinding.run_id, ids)
    measurements = _counts(session, RunMeasurement.run_id, ids)
    return [_stored(row, findings.get(row.id, 0), measurements.get(row.id, 0)) for row in rows]


def _counts(session: Session, column: Any, ids: Sequence[str]) -> dict[str, int]:
    query = select(column, func.count()).where(column.in_(ids)).group_by(column)
    return {run_id: int(count) for run_id, count in session.execute(query)}


def _stored(row: ScanRun, finding_count: int, measurement_count: int) -> StoredRun:
    return StoredRun(
        id=row.id,
        kind=row.kind,
        targets=tuple(row.targets),
        tool_version=row.tool_version,
        config=row.config,
        started_at=row.started_at,
        finished_at=row.finished_at,
        exit_code=row.exit_code,
        counts={k: v for k, v in row.counts.items() if k != CHECKS_APPLIED},
        checks_applied=_checks_applied(row.counts),
        errors=tuple(row.errors),
        warnings=tuple(row.warnings),
        skipped=tuple(row.skipped),
        finding_count=finding_count,
        measurement_count=measurement_count,
    )


# -- measurements --------------------------------------------------------------------------

# Limits the columns have (String(200), String(40), Integer): PostgreSQL refuses more and
# SQLite would keep it, so the store refuses it first, the same on both.
_NAME_MAX = 200
_UNIT_MAX = 40
_INT_RANGE = (-(2**31), 2**31 - 1)
_MAX_DEPTH = 32  # as deep as clean_data goes; deeper values are cut off there anyway


def measurement_rows(run: Run, run_id: str) -> list[RunMeasurement]:
    """The run's measurements as rows, in order; InvalidRecord if one cannot be stored."""
    return [_measurement_row(m, run_id, i) for i, m in enumerate(run.measurements)]


def _measurement_row(measurement: Measurement, run_id: str, position: int) -> RunMeasurement:
    name = clean(measurement.name)
    where = f"run {run_id}: measurement {name!r}"
    unit = clean(measurement.unit)
    for what, text, limit in (("name", name, _NAME_MAX), ("unit", unit, _UNIT_MAX)):
        if len(text) > limit:
            raise InvalidRecord(f"{where}: the {what} is longer than {limit} characters")
    try:
        n = operator.index(measurement.n)
    except TypeError:
        raise InvalidRecord(f"{where}: n {measurement.n!r} is not a whole number") from None
    if not _INT_RANGE[0] <= n <= _INT_RANGE[1]:
        raise InvalidRecord(f"{where}: n {n} is out of range")
    return RunMeasurement(
        run_id=run_id,
        position=position,
        name=name,
        value=_number(measurement.value, where, "value"),
        ci_low=_number(measurement.ci_low, where, "ci_low"),
        ci_high=_number(measurement.ci_high, where, "ci_high"),
        n=n,
        unit=unit,
        params=clean_data(_finite(measurement.params, 0)),
    )


def _number(value: float | None, where: str, what: str) -> float | None:
    """``value`` as a column keeps it: NaN as NULL (SQLite has no NaN), infinities as is."""
    if value is None:
        return None
    if isinstance(value, str | bytes | bytearray):  # float() would parse "1e3"; not a number
        raise InvalidRecord(f"{where}: {what} {value!r} is not a number")
    try:
        number = float(value)
    except OverflowError:  # an int beyond float's range: its infinity
        number = math.inf if value > 0 else -math.inf
    except (TypeError, ValueError):
        raise InvalidRecord(f"{where}: {what} {value!r} is not a number") from None
    return None if math.isnan(number) else number


def _finite(value: object, depth: int) -> object:
    """``value`` with every non-finite number replaced by None: JSON has no NaN or infinity,
    and None reads as "no number" where clean_data's "nan" would be a string in a number's
    place. NumPy scalars become plain numbers on the way (clean_data would repr them)."""
    # An enum stays itself: clean_data shows it by name or value (a Severity as its label).
    if isinstance(value, bool | Enum) or depth > _MAX_DEPTH:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        try:
            number = float(value)
        except OverflowError:  # a Fraction beyond float's range: no finite number either
            return None
        return number if math.isfinite(number) else None
    if isinstance(value, Mapping):
        return {k: _finite(v, depth + 1) for k, v in value.items()}
    # Plain containers of the same kind: a set's items must stay hashable (a tuple in a set).
    if isinstance(value, tuple):
        return tuple(_finite(v, depth + 1) for v in value)
    if isinstance(value, list):
        return [_finite(v, depth + 1) for v in value]
    if isinstance(value, frozenset):
        return frozenset(_finite(v, depth + 1) for v in value)
    if isinstance(value, set):
        return {_finite(v, depth + 1) for v in value}
    return value


def measurement(row: RunMeasurement) -> Measurement:
    return Measurement(
        name=row.name,
        # A measurement always has a value: NULL is the NaN stored (see RunMeasurement).
        value=math.nan if row.value is None else row.value,
        ci_low=row.ci_low,
        ci_high=row.ci_high,
        n=row.n,
        unit=row.unit,
        params=dict(row.params),
    )
