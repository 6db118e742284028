"""Building a manifest: walk, hash (on a few threads), and digest the whole."""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from pathlib import Path

from aisec.core.errors import UsageError
from aisec.data.manifest.hashing import NotRegularFile, hash_file
from aisec.data.manifest.merkle import root_hash
from aisec.data.manifest.model import (
    BYTES,
    DEFAULT_CHUNK_SIZE,
    FILE,
    LINES,
    MAX_CHUNK_SIZE,
    MIN_CHUNK_SIZE,
    SYMLINK,
    Entry,
    Manifest,
    Skipped,
)
from aisec.data.manifest.pool import default_workers, ordered_map
from aisec.data.manifest.roots import inputs_root
from aisec.data.manifest.walk import Found, walk

# Line-oriented formats get line-aligned chunks, so a change is also a range of rows.
LINE_SUFFIXES = (b".csv", b".tsv", b".jsonl", b".ndjson", b".txt")


def build_manifest(
    paths: Sequence[str | os.PathLike[str]],
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    *,
    root: str | os.PathLike[str] | None = None,
    exclude: Collection[str | os.PathLike[str]] = (),
    workers: int | None = None,
) -> Manifest:
    """A manifest of ``paths`` (files or directories, walked recursively), with paths
    relative to ``root`` (default: the one directory given, else the deepest directory
    holding every path). ``exclude`` lists paths left out (e.g. the manifest itself).
    ``Manifest.root`` is left ``None``: :func:`~aisec.data.manifest.codec.dump` fills it in
    relative to where the manifest is written."""
    check_chunk_size(chunk_size)
    if not paths:
        raise UsageError("no paths given", hint="name the dataset's files or directories")
    base = Path(root) if root is not None else inputs_root([Path(p) for p in paths])
    inputs = tuple(_relative(base, Path(p)) for p in paths)
    root_bytes = os.fsencode(base)
    skip = {rel for p in exclude if (rel := _inside(base, Path(p))) is not None}
    listing = walk(root_bytes, inputs, exclude=skip)
    if listing.missing:
        raise UsageError(f"no such file or directory: {os.fsdecode(listing.missing[0])}")
    results = ordered_map(
        lambda found: _entry(root_bytes, found, chunk_size),
        listing.found,
        workers or default_workers(),
    )
    entries: list[Entry] = []
    skipped = [Skipped(p, f"cannot list: {why}") for p, why in listing.unreadable.items()]
    for result in results:
        if isinstance(result, Skipped):
            skipped.append(result)
        else:
            entries.append(result)
    return Manifest(
        chunk_size=chunk_size,
        root=None,
        inputs=tuple(sorted(set(inputs))),
        entries=tuple(entries),
        root_hash=root_hash(entries),
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        tool_version=_version(),
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
        excluded=tuple(sorted(skip)),
    )


def hash_entry(root: bytes, found: Found, chunk_size: int) -> Entry:
    """The entry for ``found``; raises ``OSError`` when a file cannot be read."""
    if found.kind == SYMLINK:
        return Entry(found.rel, SYMLINK, target=found.target, escapes_root=found.escapes_root)
    if found.kind != FILE:
        return Entry(found.rel, found.kind)
    chunking = chunking_for(found.rel)
    digest = hash_file(found.rel, chunk_size, chunking, root=root)
    return Entry(
        found.rel,
        FILE,
        size=digest.size,
        sha256=digest.sha256,
        executable=bool(found.mode & 0o111),
        chunking=chunking,
        chunks=digest.chunks,
    )


def _entry(root: bytes, found: Found, chunk_size: int) -> Entry | Skipped:
    try:
        return hash_entry(root, found, chunk_size)
    except NotRegularFile:
        return Skipped(found.rel, "replaced by something other than a file while being read")
    except OSError as exc:
        return Skipped(found.rel, f"cannot read: {exc.strerror or type(exc).__name__}")


def chunking_for(rel: bytes) -> str:
    return LINES if rel.lower().endswith(LINE_SUFFIXES) else BYTES


def check_chunk_size(chunk_size: int) -> None:
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise UsageError(
            f"chunk size {chunk_size} is outside {MIN_CHUNK_SIZE}..{MAX_CHUNK_SIZE} bytes",
            hint="e.g. --chunk-size 4MiB",
        )


def _relative(base: Path, path: Path) -> bytes:
    rel = _inside(base, path)
    if rel is None:
        raise UsageError(f"{path} is not inside the root {base}", hint="choose another --root")
    return rel


def _inside(base: Path, path: Path) -> bytes | None:
    """``path`` relative to ``base`` as POSIX bytes (``.`` for ``base``), or ``None``.
    As spelled first (a link on the way is then recorded as the link by the walk), else
    by real path, so that two spellings of one place agree (``link/m.json`` is
    ``real/m.json``). The last component of ``path`` is never resolved: a link is a link."""
    base_abs, path_abs = os.path.abspath(base), os.path.abspath(path)
    spelled = _below(base_abs, path_abs)
    if spelled is not None:
        return spelled
    resolved = os.path.join(os.path.realpath(os.path.dirname(path_abs)), os.path.basename(path_abs))
    return _below(os.path.realpath(base_abs), resolved)


def _below(base: str, path: str) -> bytes | None:
    if base == path:
        return b"."
    try:
        rel = os.path.relpath(path, base)
    except ValueError:  # another drive on Windows
        return None
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return os.fsencode(Path(rel).as_posix())


def _version() -> str:
    from aisec import __version__

    return __version__
