"""A model scan as users run it: signatures, the static scan, then the scan policy.

One code path for ``aisec scan`` and ``aisec.scan()``, so that a notebook gets the same
verdict as CI for the same settings: required signatures are verified, strict severities,
suppressions and the baseline are applied, and ``write_baseline`` records one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from aisec.core.baseline import Baseline
from aisec.core.registry import Registry, default_registry
from aisec.core.run import Run
from aisec.core.settings import Settings
from aisec.core.triage import apply_policy, load_baseline, record_baseline


def scan(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings | None = None,
    *,
    registry: Registry | None = None,
    progress: Callable[[str], None] | None = None,
    baseline: Baseline | None = None,
    write_baseline: str | os.PathLike[str] | None = None,
) -> Run:
    """Scan files, directories and archives under ``settings``' whole policy.

    ``baseline`` is a baseline read already (the configured one is read otherwise);
    ``write_baseline`` writes this run's findings as the new baseline.
    """
    from aisec.inventory.signature_scan import add_signature_findings, verify_targets
    from aisec.modelfile.scanner import scan as scan_files
    from aisec.services.dataset_scanning import add_dataset_scan

    settings = settings or Settings()
    registry = registry or default_registry()
    targets = [Path(p) for p in paths]
    if baseline is None:
        baseline = load_baseline(settings, writing=write_baseline)
    signatures = verify_targets(targets, settings)  # [] unless require_signature
    run = scan_files(targets, settings, registry=registry, progress=progress)
    add_dataset_scan(run, settings, registry)
    add_signature_findings(run, signatures, registry)
    apply_policy(run, settings, registry.enabled(), baseline=baseline, read_configured=False)
    if write_baseline is not None:
        record_baseline(run, write_baseline, checks=registry.enabled())
    return run
