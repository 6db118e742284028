"""The files a model has now, and how they differ from a signed manifest.

Files are listed the way model-signing lists them (``Path.glob("**/*")`` under the model
directory, minus the ignored paths) so that the comparison sees what the signer hashed.
Links (unless the signature allows them) and special files are not handed to the hasher,
which would raise on them: they are returned as *irregular*, to be reported by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from aisec.inventory.signature_report import Change, FileChange


def current_files(
    root: Path, ignored: Iterable[PurePosixPath], allow_symlinks: bool
) -> tuple[list[Path], dict[str, str]]:
    """(regular files to hash, {name: why it cannot be hashed}) under ``root``."""
    if not root.is_dir():
        return [root], {}
    skip = [root / p for p in ignored]
    regular: list[Path] = []
    irregular: dict[str, str] = {}
    for path in root.glob("**/*"):
        if any(path.is_relative_to(s) for s in skip):
            continue
        name = path.relative_to(root).as_posix()
        if path.is_symlink() and not allow_symlinks:
            irregular[name] = "is a symbolic link, which the signature does not allow"
        elif path.is_file():
            regular.append(path)
        elif not path.is_dir():
            irregular[name] = "is not a regular file (a FIFO, socket, device or broken link)"
    return regular, irregular


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
            change = Change.CHANGED if name in expected else Change.ADDED
            changes.append(FileChange(shown, path, change, f"{shown} {irregular[name]}"))
        elif name not in now:
            changes.append(FileChange(shown, path, Change.REMOVED, "signed, no longer present"))
        elif name not in expected:
            changes.append(FileChange(shown, path, Change.ADDED, "present, not signed"))
        elif expected[name] != now[name]:
            changes.append(
                FileChange(shown, path, Change.CHANGED, _difference(expected[name], now[name]))
            )
    return changes, len(expected)


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
