"""``aisec scan``: walk paths, analyse every file, collect one run record."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aisec import __version__
from aisec.core.check import Check
from aisec.core.errors import InputError
from aisec.core.executor import make_executor
from aisec.core.finding import Finding, Location
from aisec.core.registry import Registry, default_registry
from aisec.core.run import Artefact, ArtefactStatus, Run
from aisec.core.settings import Settings
from aisec.modelfile.analyse import analyse_blob
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.pickle.policy import load_policy
from aisec.modelfile.reports import ArtefactReport


@dataclass
class FileResult:
    findings: list[Finding] = field(default_factory=list)
    artefacts: list[Artefact] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _checks_by_kind(classes: Iterable[type[Check[Any]]]) -> dict[str, list[Check[Any]]]:
    by_kind: dict[str, list[Check[Any]]] = {}
    for cls in classes:
        instance = cls()
        for kind in cls.applies_to:
            by_kind.setdefault(kind, []).append(instance)
    return by_kind


class FileScanner:
    """Analyses one file; picklable, so a process pool can run many."""

    def __init__(self, settings: Settings, check_classes: list[type[Check[Any]]]) -> None:
        self.settings = settings
        self.check_classes = check_classes
        self._checks: dict[str, list[Check[Any]]] | None = None

    def __call__(self, item: tuple[str, str]) -> FileResult:
        path, display = item
        if self._checks is None:
            self._checks = _checks_by_kind(self.check_classes)
        policy = load_policy(self.settings.allow_globals, self.settings.deny_globals)
        ctx = ScanContext(
            self.settings, policy, self._checks, time.monotonic() + self.settings.timeout_seconds
        )
        location = Location(display)
        result = FileResult()
        try:
            size = os.stat(path).st_size
            if size > self.settings.max_file_size:
                facts = ArtefactReport(location, "unknown", size)
                facts.add(
                    "limit",
                    f"file is larger than max_file_size ({self.settings.max_file_size})",
                    location,
                    limit="max_file_size",
                )
                ctx.add_artefact(location, "unknown", size)
                ctx.judge(facts)
            else:
                with Blob.from_file(path) as blob:
                    analyse_blob(blob, location, ctx)
        except OSError as exc:
            ctx.skip(location, "unknown", None, f"cannot read: {exc.strerror or exc}")
        except Exception as exc:  # an analyser bug must not take the scan down
            reason = f"internal error while analysing: {type(exc).__name__}: {exc}"
            result.errors.append(f"{display}: {reason}")
            if any(a.location.path == display for a in ctx.artefacts):
                ctx.mark_incomplete(location, reason)
            else:
                ctx.artefacts.append(
                    Artefact(location, "unknown", None, ArtefactStatus.INCOMPLETE, reason)
                )
        result.findings = ctx.findings
        result.artefacts = ctx.artefacts
        return result


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, str]]:
    """(path to open, path to display) of every file under ``paths``, sorted. Directory
    links are not descended (no loops); file links are read, as loaders would."""
    for raw in paths:
        root = Path(raw)
        try:
            info = root.lstat()
        except OSError as exc:
            raise InputError(f"cannot read {raw}: {exc.strerror}", hint="check the path") from None
        if stat.S_ISDIR(info.st_mode):
            for current, dirs, files in os.walk(root):
                dirs.sort()
                for name in sorted(files):
                    full = Path(current) / name
                    yield str(full), str(full)
        else:
            yield str(root), str(root)


def scan(
    paths: Iterable[str | os.PathLike[str]],
    settings: Settings | None = None,
    *,
    registry: Registry | None = None,
    progress: Callable[[str], None] | None = None,
) -> Run:
    """Scan files, directories and archives; return the run record."""
    settings = settings or Settings()
    registry = registry or default_registry()
    targets = [str(p) for p in paths]
    files = list(iter_files(targets))
    run = Run("scan", targets, __version__, settings.to_dict())
    scanner = FileScanner(settings, registry.enabled())
    executor = make_executor(settings.workers if len(files) > 1 else 1)
    try:
        for (_, display), result in zip(files, executor.map(scanner, files), strict=True):
            run.findings.extend(result.findings)
            run.artefacts.extend(result.artefacts)
            run.errors.extend(result.errors)
            if progress is not None:
                progress(display)
    finally:
        executor.close()
    run.finish()
    return run
