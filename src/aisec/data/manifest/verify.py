"""Comparing a dataset on disk with its manifest, and naming every difference.

Every file listed is hashed again with the chunking it was recorded with; a file whose
digest differs is reported with the byte ranges (and, for line-chunked files, the line
ranges) that changed. Paths only on disk are added, paths only in the manifest removed,
and a removed file whose content reappears elsewhere is a rename.
"""

from __future__ import annotations

import os
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass

from aisec.core.errors import UsageError
from aisec.data.manifest.build import chunking_for
from aisec.data.manifest.hashing import Digest, NotRegularFile, hash_file
from aisec.data.manifest.merkle import root_hash
from aisec.data.manifest.model import FILE, LINES, SYMLINK, Entry, Manifest, Skipped
from aisec.data.manifest.paths import show
from aisec.data.manifest.pool import default_workers, ordered_map
from aisec.data.manifest.ranges import changed_ranges, with_line_numbers
from aisec.data.manifest.report import (
    ADDED,
    MODE_CHANGED,
    MODIFIED,
    REMOVED,
    RENAMED,
    SYMLINK_CHANGED,
    TYPE_CHANGED,
    Change,
    VerifyReport,
)
from aisec.data.manifest.walk import Found, walk
from aisec.report import safe_text


@dataclass(frozen=True, slots=True)
class _Now:
    """A path as it is on disk: its entry, or why it could not be read."""

    entry: Entry | None
    digest: Digest | None = None
    problem: str | None = None


def verify_manifest(
    manifest: Manifest, root: str | os.PathLike[str], *, workers: int | None = None
) -> VerifyReport:
    """Hash ``root`` again as ``manifest`` describes it and report every difference.
    Raises :class:`UsageError` when ``root`` is not a directory."""
    if not os.path.isdir(root):
        raise UsageError(f"the dataset root {root} is not a directory", hint="pass --root DIR")
    root_bytes = os.fsencode(root)
    listing = walk(root_bytes, manifest.inputs, exclude=set(manifest.excluded))
    unchecked = {s.path for s in manifest.skipped}
    recorded = {e.path: e for e in manifest.entries}
    found = [f for f in listing.found if not _under(f.rel, unchecked)]
    now = dict(
        zip(
            (f.rel for f in found),
            ordered_map(
                lambda f: _inspect(root_bytes, f, recorded.get(f.rel), manifest.chunk_size),
                found,
                workers or default_workers(),
            ),
            strict=True,
        )
    )
    # What sits in a directory that cannot be listed now is unknown, not removed.
    unlisted = set(listing.unreadable)
    recorded_now = {p: e for p, e in recorded.items() if not _under(p, unlisted)}
    changes = _compare(root_bytes, recorded_now, now)
    unreadable = [Skipped(p, f"cannot list: {why}") for p, why in listing.unreadable.items()]
    unreadable += [Skipped(p, n.problem) for p, n in now.items() if n.problem]
    current = [n.entry for n in now.values() if n.entry is not None]
    return VerifyReport(
        root=os.fsdecode(root_bytes),
        expected_root_hash=manifest.root_hash,
        actual_root_hash=None if unreadable else root_hash(current),
        checked=len(recorded),
        changes=tuple(sorted(changes, key=lambda c: (c.path, c.kind))),
        unreadable=tuple(sorted(unreadable, key=lambda s: s.path)),
        unchecked=manifest.skipped,
        notes=tuple(
            f"symlink {safe_text(show(e.path))} points outside the root"
            for e in current
            if e.kind == SYMLINK and e.escapes_root
        ),
    )


def _inspect(root: bytes, found: Found, old: Entry | None, chunk_size: int) -> _Now:
    if found.kind != FILE:
        entry = Entry(found.rel, found.kind, target=found.target, escapes_root=found.escapes_root)
        return _Now(entry)
    chunking = old.chunking if old is not None and old.kind == FILE else chunking_for(found.rel)
    snapshot = (old.size,) if old is not None and old.kind == FILE and old.size else ()
    try:
        digest = hash_file(found.rel, chunk_size, chunking, snapshot, root=root)
    except NotRegularFile:
        return _Now(None, problem="replaced by something other than a file while being read")
    except OSError as exc:
        return _Now(None, problem=f"cannot read: {exc.strerror or type(exc).__name__}")
    entry = Entry(found.rel, FILE, digest.size, digest.sha256, bool(found.mode & 0o111),
                  chunking, digest.chunks)  # fmt: skip
    return _Now(entry, digest)


def _compare(root: bytes, recorded: dict[bytes, Entry], now: dict[bytes, _Now]) -> list[Change]:
    changes: list[Change] = []
    for path, old in recorded.items():
        state = now.get(path)
        if state is None:
            continue  # removed: matched against additions below
        if state.entry is not None:
            changes += _differences(root, old, state.entry, state.digest)
    removed = [e for p, e in recorded.items() if p not in now]
    added = [n.entry for p, n in now.items() if p not in recorded and n.entry is not None]
    changes += _displaced_directories(added, removed)
    by_content: dict[tuple[str, int], list[Entry]] = defaultdict(list)
    for entry in removed:
        if entry.kind == FILE and entry.sha256:
            by_content[(entry.sha256, entry.size)].append(entry)
    renamed_from: set[bytes] = set()
    for entry in added:
        twins = by_content.get((entry.sha256 or "", entry.size)) if entry.kind == FILE else None
        if twins:
            source = twins.pop(0)
            renamed_from.add(source.path)
            changes.append(Change(RENAMED, entry.path, "same content", old_path=source.path))
        else:
            changes.append(Change(ADDED, entry.path, _describe(entry)))
    changes += [
        Change(REMOVED, e.path, _describe(e)) for e in removed if e.path not in renamed_from
    ]
    return changes


def _displaced_directories(added: list[Entry], removed: list[Entry]) -> list[Change]:
    """A directory of the manifest that is now a link or a file is one type change, not
    an addition plus the removal of all it held (whose content was never read through
    it). Matched entries are taken out of ``added`` and ``removed``."""
    recorded_dirs = {e.path[:i] for e in removed for i in _slashes(e.path)}
    displaced = [e for e in added if e.path in recorded_dirs]
    if not displaced:
        return []
    gone = {e.path for e in displaced}
    added[:] = [e for e in added if e.path not in gone]
    removed[:] = [e for e in removed if not _under(e.path, gone)]
    return [
        Change(TYPE_CHANGED, e.path, f"directory replaced by a {_describe(e)}") for e in displaced
    ]


def _slashes(path: bytes) -> list[int]:
    return [i for i in range(len(path)) if path[i] == 0x2F]


def _differences(root: bytes, old: Entry, new: Entry, digest: Digest | None) -> list[Change]:
    if old.kind != new.kind:
        return [Change(TYPE_CHANGED, new.path, f"{old.kind} -> {_describe(new)}")]
    changes: list[Change] = []
    if old.kind == SYMLINK and old.target != new.target:
        before, after = (safe_text(show(t or b"")) for t in (old.target, new.target))
        escape = " (outside the root)" if new.escapes_root else ""
        changes.append(Change(SYMLINK_CHANGED, new.path, f"{before} -> {after}{escape}"))
    if old.kind == FILE and digest is not None:
        if (old.sha256, old.size) != (new.sha256, new.size):
            ranges = changed_ranges(old, digest)
            if old.chunking == LINES:
                # Gone or replaced since it was hashed: the byte ranges still say where.
                with suppress(OSError):
                    ranges = with_line_numbers(new.path, ranges, root=root)
            detail = f"{old.size} -> {new.size} bytes" if old.size != new.size else "content"
            changes.append(Change(MODIFIED, new.path, detail, ranges=tuple(ranges)))
        if old.executable != new.executable:
            flags = ("not executable", "executable")
            detail = f"{flags[old.executable]} -> {flags[new.executable]}"
            changes.append(Change(MODE_CHANGED, new.path, detail))
    return changes


def _describe(entry: Entry) -> str:
    if entry.kind == FILE:
        return f"file, {entry.size} bytes"
    if entry.kind == SYMLINK:
        outside = ", outside the root" if entry.escapes_root else ""
        return f"symlink to {safe_text(show(entry.target or b''))}{outside}"
    return entry.kind


def _under(path: bytes, prefixes: set[bytes]) -> bool:
    """Whether ``path`` is one of ``prefixes`` or lies below one (``.`` is everything)."""
    if not prefixes:
        return False
    parts = path.split(b"/")
    return b"." in prefixes or any(
        b"/".join(parts[:i]) in prefixes for i in range(1, len(parts) + 1)
    )
