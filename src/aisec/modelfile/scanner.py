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
from aisec.modelfile.analyse import UNRECOGNISED, analyse_blob
from aisec.modelfile.blob import Blob
from aisec.modelfile.context import ScanContext
from aisec.modelfile.pickle.policy import load_policy
from aisec.modelfile.reports import ArtefactReport


@dataclass
class FileResult:
    findings: list[Finding] = field(default_factory=list)
    artefacts: list[Artefact] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    data_files: dict[str, str] = field(default_factory=dict)
    applied: set[str] = field(default_factory=set)  # checks that judged some subject


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
        ctx = self._context()
        location = Location(display)
        result = FileResult()
        try:
            self._analyse(path, location, ctx)
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
        result.errors[:0] = ctx.errors
        result.data_files = ctx.data_files
        result.applied = ctx.applied
        return result

    def _context(self) -> ScanContext:
        if self._checks is None:
            self._checks = _checks_by_kind(self.check_classes)
        policy = load_policy(self.settings.allow_globals, self.settings.deny_globals)
        deadline = time.monotonic() + self.settings.timeout_seconds
        return ScanContext(self.settings, policy, self._checks, deadline)

    def _analyse(self, path: str, location: Location, ctx: ScanContext) -> None:
        # stat before open: opening a FIFO (or a tty, a socket) blocks, possibly forever.
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            reason = f"not a regular file: {_file_kind(info.st_mode)}"
            ctx.skip(location, "unknown", None, reason)
        elif info.st_size > self.settings.max_file_size:
            facts = ArtefactReport(location, "unknown", info.st_size)
            facts.add(
                "limit",
                f"file is larger than max_file_size ({self.settings.max_file_size})",
                location,
                limit="max_file_size",
            )
            ctx.add_artefact(location, "unknown", info.st_size)
            ctx.judge(facts)
        else:
            with Blob.from_file(path) as blob:
                analyse_blob(blob, location, ctx)


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "fifo"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISDIR, "directory"),
    )
    return next((name for test, name in kinds if test(mode)), "special file")


# What ``walk`` yields: (path to open, path to display) of a file to analyse, or an
# artefact that is only listed (a directory link that is not followed, an unreadable
# directory).
WalkItem = tuple[str, str] | Artefact


def walk(paths: Iterable[str | os.PathLike[str]]) -> Iterator[WalkItem]:
    """Every file under ``paths``, sorted, depth first. Links are followed, as loaders
    would; a directory already visited under this root is not entered again (that would
    loop, or multiply the work) but listed with the reason."""
    for raw in paths:
        root = Path(raw)
        try:
            info = root.stat()
        except OSError as exc:
            raise InputError(f"cannot read {raw}: {exc.strerror}", hint="check the path") from None
        if stat.S_ISDIR(info.st_mode):
            yield from _walk_directory(str(root))
        else:
            yield str(root), str(root)


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, str]]:
    """(path to open, path to display) of every file ``walk`` finds."""
    for item in walk(paths):
        if isinstance(item, tuple):
            yield item


def _walk_directory(root: str) -> Iterator[WalkItem]:
    visited = {os.path.realpath(root): root}  # real path -> how it was first reached
    stack = [root]  # an explicit stack: a deep tree must not hit the recursion limit
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            reason = f"cannot read directory: {exc.strerror or exc}"
            yield _listed(current, ArtefactStatus.SKIPPED, reason)
            continue
        subdirs = []
        for entry in entries:
            if _is_directory(entry):
                subdirs.append(entry)
            else:
                yield entry.path, entry.path
        here = os.path.realpath(current)
        entered = set()
        # Real directories claim their content before links to them do, so that files
        # are shown under their own names where both are in one directory.
        for entry in sorted(subdirs, key=lambda e: (e.is_symlink(), e.name)):
            real = os.path.realpath(entry.path)
            if _contains(real, here):
                # A link to this directory or one above it (``..``, ``/``): a loop, and
                # unusual enough in a model directory to be worth a look (exit code 3).
                reason = f"directory link loop: leads back to {real}, which contains it"
                yield _listed(entry.path, ArtefactStatus.SKIPPED, reason)
            elif real in visited:
                # Another way into a directory scanned in full under its first name:
                # nothing is missed, so this is no reason to fail the scan.
                reason = f"same directory as {visited[real]}, whose files are listed there"
                yield _listed(entry.path, ArtefactStatus.ANALYSED, reason)
            else:
                visited[real] = entry.path
                entered.add(entry.path)
        stack.extend(e.path for e in reversed(subdirs) if e.path in entered)


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:  # e.g. a link into an unreadable place: opening it reports why
        return False


def _contains(outer: str, inner: str) -> bool:
    """Whether the real directory ``outer`` is ``inner`` or one of its ancestors."""
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


def _recognise_data_files(artefacts: list[Artefact], data_files: dict[str, str]) -> None:
    """Unrecognised files that a scanned model names as its raw data are that data."""
    if not data_files:
        return
    for artefact in artefacts:
        # only files read in full that matched nothing: never unreadable files, FIFOs or
        # devices, which a model naming them must not turn into "analysed"
        if (
            artefact.status is ArtefactStatus.SKIPPED
            and artefact.reason == UNRECOGNISED
            and not artefact.location.member
        ):
            fmt = data_files.get(os.path.realpath(artefact.location.path))
            if fmt is not None:
                artefact.status, artefact.format, artefact.reason = ArtefactStatus.ANALYSED, fmt, ""


def _listed(path: str, status: ArtefactStatus, reason: str) -> Artefact:
    return Artefact(Location(path), "directory", None, status, reason)


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
    items = list(walk(targets))
    files = [item for item in items if isinstance(item, tuple)]
    run = Run("scan", targets, __version__, settings.to_dict())
    scanner = FileScanner(settings, registry.enabled())
    if len(files) > 1:
        executor = make_executor(settings.workers, settings.executor)
        # Absolute paths to open: a Dask worker may run in another directory.
        files = [(os.path.abspath(path), display) for path, display in files]
    else:
        executor = make_executor(1)
    data_files: dict[str, str] = {}
    run.record_checks(())  # this run records its checks, even when none applied
    try:
        for (_, display), result in zip(files, executor.map(scanner, files), strict=True):
            run.findings.extend(result.findings)
            run.artefacts.extend(result.artefacts)
            run.errors.extend(result.errors)
            data_files.update(result.data_files)
            run.record_checks(result.applied)
            if progress is not None:
                progress(display)
    finally:
        executor.close()
    _recognise_data_files(run.artefacts, data_files)
    run.artefacts.extend(item for item in items if isinstance(item, Artefact))
    if targets and not run.artefacts:
        # Analysing nothing is not a clean result: an empty directory, or a wrong path.
        run.errors.append(f"nothing to scan: no files found in {', '.join(targets)}")
    run.finish()
    return run
