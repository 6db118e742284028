"""Conditions on what scans, signing and assurance tests left: findings, signatures and
measurements. Each returns a Verdict whose reason names the evidence or its absence."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from aisec.assurance.plans.spec import Threshold
from aisec.assurance.plans.thresholds import judge, matching
from aisec.core.run import Measurement
from aisec.core.severity import Severity
from aisec.governance.gates.result import Verdict
from aisec.governance.gates.state import (
    FindingRecord,
    MeasurementRecord,
    ScanRecord,
    SystemState,
)


def listing(items: Sequence[str], limit: int = 5) -> str:
    """``a, b and c``; past ``limit`` items, ``a, b, c, d, e and 3 more``."""
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _severity(record: FindingRecord) -> Severity:
    try:
        return Severity.parse(record.severity)
    except Exception:  # an unknown label counts as the worst (fail closed)
        return Severity.CRITICAL


def _scan_text(scan: ScanRecord) -> str:
    targets = f": {', '.join(scan.targets)}" if scan.targets else ""
    return f"run {scan.run_id} of {scan.run_date}{targets}"


def _scan(state: SystemState, max_age: int | None) -> Verdict | None:
    """A failing verdict when there is no (recent enough) scan to take findings from."""
    if not state.scans:
        return Verdict(
            False, f"no scan of {state.system} is recorded, so the absence of findings is not shown"
        )
    if max_age is None:
        return None
    # Every target's latest scan must be recent: a target scanned long ago and not since
    # still counts (its findings stand), so its age counts too.
    stale = [s for s in state.scans if (state.today - s.run_date).days > max_age]
    if stale:
        names = [
            f"the latest scan ({_scan_text(s)}) is {(state.today - s.run_date).days} days old, "
            f"more than {max_age}"
            for s in stale
        ]
        return Verdict(False, "; ".join(names), tuple(f"run:{s.run_id}" for s in stale))
    return None


def _finding_text(f: FindingRecord) -> str:
    title = f" ({f.title})" if f.title else ""
    return f"{f.check_id}{title} [{f.severity}, {f.fingerprint[:12]}]"


def _findings(state: SystemState, found: Sequence[FindingRecord], what: str) -> Verdict:
    assert state.scans
    runs = "; ".join(_scan_text(s) for s in state.scans)
    evidence = (
        *(f"run:{s.run_id}" for s in state.scans),
        *(f"finding:{f.fingerprint}" for f in found),
    )
    if found:
        names = listing([_finding_text(f) for f in found])
        return Verdict(
            False, f"{plural(len(found), 'open finding')} {what}: {names} ({runs})", evidence
        )
    return Verdict(
        True, f"no open findings {what} in the latest scan of each target ({runs})", evidence
    )


def no_open_findings(params: Mapping[str, Any], state: SystemState) -> Verdict:
    level: Severity = params["at_or_above"]
    stale = _scan(state, params["max_scan_age_days"])
    if stale is not None:
        return stale
    found = [f for f in state.findings if _severity(f) >= level]
    found.sort(key=lambda f: -_severity(f))
    return _findings(state, found, f"at or above {level.label}")


def findings_absent(params: Mapping[str, Any], state: SystemState) -> Verdict:
    stale = _scan(state, params["max_scan_age_days"])
    if stale is not None:
        return stale
    check: str = params["check"]
    found = [f for f in state.findings if fnmatch.fnmatchcase(f.check_id, check)]
    return _findings(state, found, f"of {check}")


def signatures_verified(params: Mapping[str, Any], state: SystemState) -> Verdict:
    if not state.signatures:
        return Verdict(False, f"no model signature status is recorded for {state.system}")
    evidence = tuple(f"model:{s.model}" for s in state.signatures)
    bad = [s for s in state.signatures if s.status != "verified"]
    if bad:
        names = [f"{s.model} is {s.status}" + (f" ({s.detail})" if s.detail else "") for s in bad]
        return Verdict(False, f"signature not verified: {listing(names)}", evidence)
    signed = listing([s.model for s in state.signatures])
    return Verdict(
        True, f"{plural(len(state.signatures), 'model')} signed and verified: {signed}", evidence
    )


def _as_measurement(record: MeasurementRecord) -> Measurement:
    return Measurement(
        record.name,
        record.value,
        record.ci_low,
        record.ci_high,
        record.n,
        params=dict(record.params),
    )


def _run(record: MeasurementRecord) -> str:
    when = f", {record.run_date}" if record.run_date else ", undated"
    return f"run {record.run_id or '?'}{when}"


def _fresh(record: MeasurementRecord, today: date, max_age: int | None) -> bool:
    if max_age is None:
        return True
    return record.run_date is not None and (today - record.run_date).days <= max_age


def measurement(params: Mapping[str, Any], state: SystemState) -> Verdict:
    threshold: Threshold = params["threshold"]
    max_age: int | None = params["max_age_days"]
    by_id: dict[int, tuple[Measurement, MeasurementRecord]] = {}
    for record in state.measurements:
        m = _as_measurement(record)
        by_id[id(m)] = (m, record)
    matched = [id(m) for m in matching(threshold, [m for m, _ in by_id.values()])]
    if not matched:
        return Verdict(False, f"no measurement of {threshold.describe()} found")
    records = [by_id[i][1] for i in matched]
    fresh = [by_id[i][0] for i in matched if _fresh(by_id[i][1], state.today, max_age)]
    if not fresh:
        latest = max(records, key=lambda r: r.run_date or date.min)
        return Verdict(
            False,
            f"the latest measurement of {threshold.metric} ({_run(latest)}) "
            f"is older than {max_age} days",
            _evidence(records),
        )
    judgements = judge(threshold, fresh, Severity.HIGH)
    parts: list[str] = []
    failed = 0
    for j in judgements:
        record = by_id[id(j.measurement)][1]
        value = "undefined" if j.judged_value is None else f"{j.judged_value:.4g}"
        line = f"{j.description}: {j.judged_on} {value} ({_run(record)})"
        if not j.passed:
            failed += 1
            line += f", failed: {j.reason}"
        parts.append(line)
    ignored = len(records) - len(fresh)
    tail = f"; {plural(ignored, 'older measurement')} ignored" if ignored else ""
    used = _evidence(by_id[id(m)][1] for m in fresh)
    return Verdict(failed == 0, "; ".join(parts) + tail, used)


def _evidence(records: Iterable[MeasurementRecord]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"measurement:{r.run_id}/{r.name}" for r in records))
