"""``discover``: walk a tree, read every file for what it holds, scan the model files, run
discovery's checks, and return one report (a run with findings, and the items found)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aisec import __version__
from aisec.core.check import Check
from aisec.core.errors import InputError
from aisec.core.finding import Location
from aisec.core.registry import Registry, default_registry
from aisec.core.run import Artefact, ArtefactStatus, Run
from aisec.core.settings import Settings
from aisec.discovery import datasets, files, models
from aisec.discovery.items import DiscoveryReport, Item, Items
from aisec.discovery.walker import Entry, Passed, walk
from aisec.store.records import Place

_CHUNK = 1024 * 1024


class _Discovery:
    def __init__(
        self, root: str, settings: Settings, registry: Registry, include_skipped: bool
    ) -> None:
        self.root = root
        self.settings = settings
        self.registry = registry
        config = {**settings.to_dict(), "discovery": {"all_directories": include_skipped}}
        self.run = Run("discover", [root], __version__, config)
        self.items = Items()
        self.model_candidates: dict[str, str] = {}  # path to open -> relative path
        self.images: dict[str, list[str]] = {}  # directory -> image files in it
        self.files_in: dict[str, int] = {}  # directory -> files in it
        self._checks: dict[str, list[Check[Any]]] = {}

    def display(self, entry: Entry) -> str:
        if os.path.isdir(self.root):
            return os.path.join(self.root, *entry.relative.split("/"))
        return self.root

    def checks(self, kind: str) -> list[Check[Any]]:
        if kind not in self._checks:
            self._checks[kind] = [cls() for cls in self.registry.for_kind(kind)]
        return self._checks[kind]

    def passed(self, item: Passed) -> None:
        if item.problem:
            location = Location(os.path.join(self.root, item.relative))
            artefact = Artefact(location, "unknown", None, ArtefactStatus.SKIPPED, item.reason)
            self.run.artefacts.append(artefact)
        else:
            self.run.warnings.append(f"{item.relative}: {item.reason}")

    def file(self, entry: Entry) -> None:
        directory = os.path.dirname(entry.relative)
        self.files_in[directory] = self.files_in.get(directory, 0) + 1
        try:
            with open(entry.path, "rb") as fh:
                head = fh.read(files.SAMPLE)
                if entry.size > files.SAMPLE:
                    fh.seek(-4, os.SEEK_END)
                tail = fh.read(4) if entry.size > files.SAMPLE else head[-4:]
        except OSError as exc:
            self._skip(entry, f"cannot read: {exc.strerror}")
            return
        text = _as_text(head)
        if text is None:
            self._binary(entry, head, tail)
        elif entry.size <= files.MAX_TEXT:
            self._text(entry)
        else:  # larger text files (logs, dumps) are neither code nor configuration
            self._listed(entry, "text")

    def _binary(self, entry: Entry, head: bytes, tail: bytes) -> None:
        fmt = datasets.binary_format(head, tail)
        image = datasets.image_format(head)
        if fmt is not None:
            self._dataset(entry, fmt)
            self._listed(entry, fmt)
        elif image is not None:
            self.images.setdefault(os.path.dirname(entry.relative), []).append(entry.relative)
            self._listed(entry, image)
        elif entry.size <= self.settings.max_file_size and models.looks_like_model(entry.path):
            self.model_candidates[entry.path] = entry.relative  # the scanner lists it
        else:
            self._listed(entry, "binary")

    def _text(self, entry: Entry) -> None:
        try:
            with open(entry.path, "rb") as fh:
                text = fh.read(files.MAX_TEXT).decode("utf-8", "replace")
        except OSError as exc:
            self._skip(entry, f"cannot read: {exc.strerror}")
            return
        facts = files.analyse_text(text, entry.relative, self.display(entry))
        self.items.extend(facts.items)
        for subject in facts.subjects:
            for check in self.checks(subject.kind):
                self.run.findings.extend(check.run(subject))
        if facts.dataset_format is not None:
            self._dataset(entry, facts.dataset_format)
        if facts.problem:
            location = Location(self.display(entry))
            status = ArtefactStatus.INCOMPLETE
            self.run.artefacts.append(Artefact(location, "text", entry.size, status, facts.problem))
        else:
            self._listed(entry, facts.dataset_format or facts.kind)

    def _dataset(self, entry: Entry, fmt: str) -> None:
        details: dict[str, Any] = {"format": fmt, "size": entry.size}
        digest = self.digest(entry)
        if digest is not None:
            details["sha256"] = digest
        self.items.add(
            Item("dataset", entry.relative, "", "file", details, [Place(entry.relative)])
        )

    def digest(self, entry: Entry) -> str | None:
        if entry.size > self.settings.max_file_size:
            return None
        sha = hashlib.sha256()
        try:
            with open(entry.path, "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    sha.update(chunk)
        except OSError:
            return None
        return sha.hexdigest()

    def _listed(self, entry: Entry, fmt: str) -> None:
        location = Location(self.display(entry))
        self.run.artefacts.append(Artefact(location, fmt, entry.size))

    def _skip(self, entry: Entry, reason: str) -> None:
        location = Location(self.display(entry))
        self.run.artefacts.append(
            Artefact(location, "unknown", entry.size, ArtefactStatus.SKIPPED, reason)
        )

    def image_folders(self) -> None:
        for directory, images in sorted(self.images.items()):
            # a folder that is mostly images, and enough of them to train on
            if len(images) >= datasets.MIN_IMAGES and len(images) * 2 > self.files_in[directory]:
                name = directory or "."
                details = {"format": "image-folder", "images": len(images)}
                self.items.add(Item("dataset", name, "", "folder", details, [Place(name)]))

    def scan_models(self, progress: Callable[[str], None] | None) -> None:
        if not self.model_candidates:
            return
        from aisec.modelfile.scanner import scan

        scanned = scan(list(self.model_candidates), self.settings, registry=self.registry)
        self.run.findings.extend(scanned.findings)
        self.run.artefacts.extend(scanned.artefacts)
        self.run.errors.extend(scanned.errors)
        for found in models.model_files(scanned.artefacts):
            relative = self.model_candidates.get(found.path, found.path)
            entry = Entry(found.path, relative, os.path.getsize(found.path))
            details: dict[str, Any] = {"format": found.format, "framework": found.framework}
            digest = self.digest(entry)
            if digest is not None:
                details["sha256"] = digest
            self.items.add(Item("model", relative, "", "file", details, [Place(relative)]))
            if progress is not None:
                progress(relative)


def discover(
    path: str | os.PathLike[str],
    settings: Settings | None = None,
    *,
    registry: Registry | None = None,
    include_skipped: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DiscoveryReport:
    """Discover AI assets under ``path`` (a directory or one file); nothing is recorded
    (see :func:`aisec.discovery.recording.record`)."""
    root = str(path)
    if not Path(root).exists():
        raise InputError(f"no such file or directory: {root}", hint="check the path")
    state = _Discovery(
        root, settings or Settings(), registry or default_registry(), include_skipped
    )
    for item in walk(root, include_skipped=include_skipped):
        if isinstance(item, Passed):
            state.passed(item)
        else:
            state.file(item)
            if progress is not None:
                progress(item.relative)
    state.image_folders()
    state.scan_models(progress)
    state.run.finish()
    return DiscoveryReport(state.run, list(state.items), root)


def _as_text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return head[: exc.start].decode("utf-8") if exc.start >= len(head) - 3 else None
