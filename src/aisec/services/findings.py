"""Findings over time as ``aisec findings`` and Python callers use them: listed with
filters, found by a fingerprint or an unambiguous prefix of one, their history of runs
and decisions, and triage with the actor defaulting to the user running the command.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from aisec.core.errors import InvalidRecord, RecordNotFound, UsageError
from aisec.store.tracking import FindingFilter, StoredFinding, TriageEntry, TriageState

if TYPE_CHECKING:
    from aisec.store.repositories import FindingRepository, RunRepository
    from aisec.store.tracking import StoredRun

MIN_PREFIX = 6  # shorter prefixes would match by accident as the store grows


@dataclass(frozen=True)
class FindingHistory:
    """A finding with every run that saw it (oldest first) and every triage decision."""

    finding: StoredFinding
    runs: tuple[StoredRun, ...]
    triage: tuple[TriageEntry, ...]


def resolve(
    findings: FindingRepository, fingerprint: str, *, today: date | None = None
) -> StoredFinding:
    """The finding with this fingerprint, or the only one it is a prefix of (as the
    console list shows them)."""
    text = fingerprint.strip()
    found = findings.get(text, today=today) if text else None
    if found is not None:
        return found
    if len(text) < MIN_PREFIX:
        raise RecordNotFound(
            f"no finding with fingerprint {text!r}",
            hint=f"give the fingerprint, or at least {MIN_PREFIX} of its first characters",
        )
    matches = [f for f in findings.list(today=today) if f.fingerprint.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InvalidRecord(
            f"{text!r} starts {len(matches)} fingerprints", hint="give more characters"
        )
    raise RecordNotFound(
        f"no finding with fingerprint {text!r}", hint="list them with: aisec findings list"
    )


def history(
    findings: FindingRepository,
    runs: RunRepository,
    fingerprint: str,
    *,
    today: date | None = None,
) -> FindingHistory:
    finding = resolve(findings, fingerprint, today=today)
    seen = [runs.get(run_id) for run_id in findings.runs(finding.fingerprint)]
    return FindingHistory(
        finding=finding,
        runs=tuple(r for r in seen if r is not None),
        triage=tuple(findings.history(finding.fingerprint)),
    )


def triage(
    findings: FindingRepository,
    fingerprint: str,
    state: TriageState | str,
    *,
    justification: str = "",
    expires: date | None = None,
    actor: str | None = None,
) -> tuple[StoredFinding, TriageEntry]:
    """Record a decision; ``actor`` defaults to the operating-system user."""
    finding = resolve(findings, fingerprint)
    entry = findings.set_triage(
        finding.fingerprint,
        _state(state),
        actor=actor if actor is not None else current_user(),
        justification=justification,
        expires=expires,
    )
    return finding, entry


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        raise UsageError(
            "cannot tell who is triaging: the user has no name here", hint="give --by NAME"
        ) from None


def _state(value: TriageState | str) -> TriageState:
    try:
        return TriageState(value)
    except ValueError:
        choices = ", ".join(s.value for s in TriageState)
        raise UsageError(f"unknown triage state {value!r}", hint=f"use one of: {choices}") from None


def parse_date(text: str, what: str = "--expires") -> date:
    """A calendar date written YYYY-MM-DD; UsageError otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what}: {text!r} is not a date", hint="write it as YYYY-MM-DD") from None


def make_filter(
    *,
    severity: str | None = None,
    check: str | None = None,
    state: str | None = None,
    path: str | None = None,
    run: str | None = None,
) -> FindingFilter:
    """A filter from the command line's words, with their errors as usage errors."""
    from aisec.core.severity import Severity

    return FindingFilter(
        min_severity=Severity.parse(severity) if severity else None,
        check_id=check or None,
        state=_state(state) if state else None,
        path=path or None,
        run_id=run or None,
    )


def finding_dict(finding: StoredFinding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "fingerprint": finding.fingerprint,
        "check_id": finding.check_id,
        "severity": finding.severity.label,
        "state": finding.state.value,
        "expired": finding.expired,
        "title": finding.title,
        "message": finding.message,
        "location": finding.location,
        "path": finding.path,
        "evidence": dict(finding.evidence),
        "refs": list(finding.refs),
        "first_seen_run": finding.first_seen_run,
        "last_seen_run": finding.last_seen_run,
        "first_seen_at": _iso(finding.first_seen_at),
        "last_seen_at": _iso(finding.last_seen_at),
        "occurrences": finding.occurrences,
    }
    out["triage"] = triage_dict(finding.triage) if finding.triage else None
    return out


def triage_dict(entry: TriageEntry) -> dict[str, Any]:
    return {
        "state": entry.state.value,
        "by": entry.actor,
        "at": entry.at.isoformat(),
        "justification": entry.justification,
        "expires": entry.expires.isoformat() if entry.expires else None,
    }


def run_dict(run: StoredRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "kind": run.kind,
        "targets": list(run.targets),
        "started_at": run.started_at.isoformat(),
        "finished_at": _iso(run.finished_at),
        "exit_code": run.exit_code,
        "tool_version": run.tool_version,
    }


def history_dict(found: FindingHistory) -> dict[str, Any]:
    return {
        **finding_dict(found.finding),
        "runs": [run_dict(r) for r in found.runs],
        "history": [triage_dict(e) for e in found.triage],
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
