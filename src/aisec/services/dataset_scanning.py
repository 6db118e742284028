"""The dataset phase of a scan: files no model format claimed, read as datasets.

After the model-file scan, every top-level file it skipped as unrecognised or listed as
plain text is sniffed; datasets are scanned for personal data and credentials
(docs/adr/0021) and replace those entries in the run. Without the ``data`` extra the
entries stay, with a reason that names it.
"""

from __future__ import annotations

import importlib.util

from aisec.core.registry import Registry
from aisec.core.run import Artefact, ArtefactStatus, Run
from aisec.core.settings import Settings
from aisec.modelfile.analyse import UNRECOGNISED

_DATA_EXTRA = "; datasets are read with pip install 'aisec[data]'"


def add_dataset_scan(run: Run, settings: Settings, registry: Registry) -> None:
    candidates = [a for a in run.artefacts if _dataset_candidate(a)]
    if not candidates:
        return
    if not all(importlib.util.find_spec(m) for m in ("pyarrow", "phonenumbers")):
        for artefact in candidates:
            if artefact.status is ArtefactStatus.SKIPPED:
                artefact.reason = UNRECOGNISED + _DATA_EXTRA
        return
    from aisec.data.dataset_scan import dataset_format, scan_datasets

    files: list[tuple[str, str, str]] = []
    claimed: set[int] = set()
    for artefact in candidates:
        path = artefact.location.path
        try:
            fmt = dataset_format(path)
        except OSError:
            continue  # the model scan read it a moment ago; leave its entry as it is
        if fmt is not None:
            files.append((path, path, fmt))
            claimed.add(id(artefact))
    if not files:
        return
    result = scan_datasets(
        files,
        registry.enabled(),
        workers=settings.workers,
        executor=settings.executor,
        max_listed=settings.max_data_findings,
        partition_bytes=settings.partition_size,
        timeout_seconds=settings.timeout_seconds,
    )
    run.artefacts[:] = [a for a in run.artefacts if id(a) not in claimed]
    run.artefacts.extend(result.artefacts)
    run.findings.extend(result.findings)
    run.errors.extend(result.errors)
    run.record_checks(result.applied)
    run.finish()  # the run now ends after its dataset phase


def _dataset_candidate(artefact: Artefact) -> bool:
    if artefact.location.member:
        return False
    if artefact.status is ArtefactStatus.SKIPPED:
        return artefact.reason == UNRECOGNISED
    return artefact.status is ArtefactStatus.ANALYSED and artefact.format == "text"
