"""The scan policy applied to a finished run: strict severities, suppressions, baselines.

Order matters and is fixed: ``strict`` first (it changes severities, not identities),
then suppressions (they carry a reviewed justification), then the baseline for what no
suppression covers. Nothing is removed from the run: findings that do not count are
named in :attr:`Run.dispositions`, and every renderer shows them as such.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from datetime import date
from typing import Any

from aisec.core.baseline import Baseline, read_baseline, write_baseline
from aisec.core.check import Check
from aisec.core.finding import Finding
from aisec.core.run import Disposition, Run
from aisec.core.settings import Settings
from aisec.core.suppression import Suppression


def load_baseline(
    settings: Settings, *, writing: str | os.PathLike[str] | None = None
) -> Baseline | None:
    """The configured baseline, read now so that a bad one fails before a long scan.

    ``writing`` is the file this run will write a baseline to: the first run of a project
    that configures ``baseline`` creates that file, so its absence is then no error.
    """
    if not settings.baseline:
        return None
    first = writing is not None and not os.path.exists(settings.baseline)
    if first and os.path.abspath(settings.baseline) == os.path.abspath(writing or ""):
        return None
    return read_baseline(settings.baseline)


def apply_policy(
    run: Run,
    settings: Settings,
    checks: Iterable[type[Check[Any]]],
    *,
    baseline: Baseline | None = None,
    read_configured: bool = True,
    today: date | None = None,
    cwd: str | None = None,
) -> None:
    """Apply ``settings``' scan policy to ``run`` in place.

    Without a ``baseline``, ``settings.baseline`` is read unless ``read_configured`` is
    False (the caller read it already); ``today`` (for expiry) defaults to the local date,
    ``cwd`` (what relative artefact paths are relative to) to the process's.
    """
    checks = list(checks)  # read twice: strict severities, then what may be baselined
    if settings.strict:
        apply_strict(run, checks)
    apply_suppressions(run, settings.suppress, today or date.today(), cwd or os.getcwd())
    if baseline is None and read_configured:
        baseline = load_baseline(settings)
    if baseline is not None:
        apply_baseline(run, baseline, checks=checks)


def baselinable(check: type[Check[Any]]) -> bool:
    """Whether findings of ``check`` may enter and match a baseline.

    A check sets ``baselinable = False`` when "known" must not mean "accepted for good":
    the signature checks, whose findings say the model is not the one that was signed
    (docs/adr/0008). Only a suppression, reviewed and expiring, can set those aside.
    """
    return getattr(check, "baselinable", True) is not False


def never_baselined(run: Run, checks: Iterable[type[Check[Any]]] | None = None) -> frozenset[str]:
    """The ids of the checks behind ``run``'s findings that are not :func:`baselinable`.

    Without ``checks`` (the classes the run was judged with), each finding's check is
    looked up in the default registry; a caller with its own registry passes them.
    """
    if checks is not None:
        return frozenset(c.id for c in checks if not baselinable(c))
    from aisec.core.registry import default_registry

    registry = default_registry()
    out = set()
    for check_id in {f.check_id for f in run.findings}:
        entry = registry.get(check_id)
        if entry is not None and entry.check is not None and not baselinable(entry.check):
            out.add(check_id)
    return frozenset(out)


def apply_strict(run: Run, checks: Iterable[type[Check[Any]]]) -> None:
    """Raise findings of checks that declare a ``strict_severity`` to it (never lower)."""
    strict = {c.id: c.strict_severity for c in checks if c.strict_severity is not None}
    if not strict:
        return
    run.findings = [_raised(f, strict.get(f.check_id)) for f in run.findings]


def _raised(finding: Finding, severity: Any) -> Finding:
    if severity is None or finding.severity >= severity:
        return finding
    return dataclasses.replace(finding, severity=severity)


def apply_suppressions(
    run: Run, suppressions: Iterable[Suppression], today: date, cwd: str
) -> None:
    active: list[Suppression] = []
    for suppression in suppressions:
        if not suppression.expired(today):
            active.append(suppression)
            continue
        covered = sum(suppression.matches(f, cwd) for f in run.findings)
        run.warnings.append(
            f"{suppression.source} ({suppression.describe()}) expired on "
            f"{suppression.expires.isoformat()} and no longer applies; "
            f"{covered} finding(s) it covered count again"
        )
    if not active:
        return
    for finding in run.findings:
        if not finding.fingerprint or finding.fingerprint in run.dispositions:
            continue
        match = next((s for s in active if s.matches(finding, cwd)), None)
        if match is not None:
            run.dispositions[finding.fingerprint] = Disposition(
                "suppressed", match.justification, match.source, match.expires, match.owner
            )


def apply_baseline(
    run: Run, baseline: Baseline, *, checks: Iterable[type[Check[Any]]] | None = None
) -> None:
    """Mark the findings ``baseline`` lists as known, except those of checks that are not
    :func:`baselinable` (an old baseline may list them: they count all the same)."""
    why = f"known finding, listed in the baseline {baseline.path}"
    never = never_baselined(run, checks)
    for finding in run.findings:
        fingerprint = finding.fingerprint
        if (
            fingerprint
            and fingerprint not in run.dispositions
            and fingerprint in baseline
            and finding.check_id not in never
        ):
            run.dispositions[fingerprint] = Disposition("baseline", why, baseline.path)


def record_baseline(
    run: Run,
    path: str | os.PathLike[str],
    *,
    checks: Iterable[type[Check[Any]]] | None = None,
) -> Baseline:
    """Write every finding that no suppression covers to the baseline at ``path``, and
    treat them as in that baseline for this run's verdict too.

    Suppressed findings stay out: their suppression expires, a baseline entry would not.
    So do findings of checks that are not :func:`baselinable` (``checks``: the classes
    the run was judged with; the default registry's otherwise): they still count.
    """
    judged = None if checks is None else list(checks)
    never = never_baselined(run, judged)
    kept = [f for f in run.findings if _not_suppressed(run, f) and f.check_id not in never]
    baseline = write_baseline(path, kept, run.tool_version)
    apply_baseline(run, baseline, checks=judged)
    return baseline


def _not_suppressed(run: Run, finding: Finding) -> bool:
    disposition = run.disposition(finding)
    return disposition is None or disposition.status != "suppressed"
