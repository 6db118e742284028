"""The files a model has now, and how they differ from a signed manifest.

The model directory is walked here, with ``os.scandir``, rather than by model-signing's
``Path.glob("**/*")``: on Python 3.11 that glob neither descends into a linked directory
nor reports a directory it cannot list, so files added there would be neither hashed nor
reported, and a tampered tree would verify. Signing and verification both use this walk:
the signer refuses what it cannot hash (see :func:`aisec.inventory.signing.sign_model`),
and the verifier reports it by name as a change.

*Regular* files (and, when the signature allows links, links to regular files, whose
targets model-signing hashes) are handed to the hasher. Everything else is *irregular*,
with the reason: a link the signature does not allow; a link to a directory (its files
are not in any model-signing manifest, whatever they are); a directory that cannot be
listed (unreadable, or gone while being walked); a FIFO, socket, device or broken link.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from aisec.core.errors import InputError
from aisec.inventory.signature_report import Change, FileChange

LINK_NOT_ALLOWED = "is a symbolic link, which the signature does not allow"
NOT_REGULAR = "is not a regular file (a FIFO, socket, device or broken link)"


def current_files(
    root: Path, ignored: Iterable[PurePosixPath], allow_symlinks: bool
) -> tuple[list[Path], dict[str, str]]:
    """(regular files to hash, {name: why it cannot be hashed}) under ``root``.

    Nothing under ``root`` is skipped silently except the ``ignored`` paths (relative to
    ``root``, as in the signed manifest). Raises :class:`InputError` when ``root`` itself
    cannot be listed.
    """
    if not root.is_dir():
        return [root], {}
    skip = [root / p for p in ignored]
    regular: list[Path] = []
    irregular: dict[str, str] = {}
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as exc:
            if directory == root:
                raise InputError(
                    f"cannot list {root}: {exc.strerror or exc}", hint="check permissions"
                ) from None
            irregular[_name(root, directory)] = (
                f"is a directory that cannot be listed ({exc.strerror or type(exc).__name__}): "
                "its files cannot be checked"
            )
            continue
        for entry in entries:
            path = Path(entry.path)
            if any(path.is_relative_to(s) for s in skip):
                continue
            kind = _kind(entry, allow_symlinks)
            if kind == "directory":
                pending.append(path)
            elif kind == "file":
                regular.append(path)
            else:
                irregular[_name(root, path)] = kind
    return sorted(regular), irregular


def _kind(entry: os.DirEntry[str], allow_symlinks: bool) -> str:
    """``file``, ``directory``, or why the entry cannot be hashed."""
    try:
        if entry.is_symlink():
            if not allow_symlinks:
                return LINK_NOT_ALLOWED
            if entry.is_dir():  # follows the link
                return (
                    f"is a symbolic link to a directory ({_target(entry.path)}): the files "
                    "there are not covered by a model-signing signature"
                )
            return "file" if entry.is_file() else NOT_REGULAR
        if entry.is_dir(follow_symlinks=False):
            return "directory"
        if entry.is_file(follow_symlinks=False):
            return "file"
    except OSError as exc:
        return f"cannot be examined ({exc.strerror or type(exc).__name__})"
    return NOT_REGULAR


def _target(path: str) -> str:
    try:
        return f"-> {os.readlink(path)}"
    except OSError:
        return "target unreadable"


def _name(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def digests(manifest: Any, *, sharded: bool) -> dict[str, dict[str, str]]:
    """{file name: {shard ("" for a whole file): hex digest}} of a model-signing manifest."""
    out: dict[str, dict[str, str]] = {}
    for resource in manifest.resource_descriptors():
        name, shard = resource.identifier, ""
        if sharded:
            # "<path>:<start>:<end>"; the path itself may contain colons.
            name, start, end = resource.identifier.rsplit(":", 2)
            shard = f"{start}:{end}"
        out.setdefault(name, {})[shard] = resource.digest.digest_hex
    return out


def compare(
    model: Path, signed: Any, actual: Any, irregular: dict[str, str], *, sharded: bool
) -> tuple[list[FileChange], int]:
    """Every file added, removed or changed, sorted by name; and how many were signed."""
    expected = digests(signed, sharded=sharded)
    now = digests(actual, sharded=sharded)
    changes = []
    for name in sorted(expected.keys() | now.keys() | irregular.keys()):
        shown, path = _display(model, name)
        if name in irregular:
            inside = name + "/"
            was_signed = name in expected or any(e.startswith(inside) for e in expected)
            change = Change.CHANGED if was_signed else Change.ADDED
            changes.append(FileChange(shown, path, change, f"{shown} {irregular[name]}"))
        elif name not in now:
            changes.append(FileChange(shown, path, Change.REMOVED, "signed, no longer present"))
        elif name not in expected:
            changes.append(
                FileChange(shown, path, Change.ADDED, "present, not signed", content(now[name]))
            )
        elif expected[name] != now[name]:
            detail = _difference(expected[name], now[name])
            changes.append(FileChange(shown, path, Change.CHANGED, detail, content(now[name])))
    return changes, len(expected)


def content(shards: dict[str, str]) -> str:
    """One digest for a file's current content: its own (a "files" manifest), or a
    SHA-256 over its shards' positions and digests (a "shards" manifest)."""
    if set(shards) == {""}:
        return shards[""]
    lines = "".join(f"{shard}={digest}\n" for shard, digest in sorted(shards.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def _display(model: Path, name: str) -> tuple[str, str]:
    """A single-file model's manifest names its one file ``.``: show the file's name."""
    if name == ".":
        return model.name, str(model)
    return name, str(model / name)


def _difference(signed: dict[str, str], now: dict[str, str]) -> str:
    if set(signed) == {""} and set(now) == {""}:
        return f"digest signed {signed['']}, now {now['']}"
    differing = sum(
        1 for shard in signed.keys() | now.keys() if signed.get(shard) != now.get(shard)
    )
    return f"{differing} of {len(signed)} signed shards differ"
