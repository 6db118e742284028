"""What ``verify`` found: changes by path, files that could not be read, the digests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aisec.data.manifest.model import Skipped
from aisec.data.manifest.paths import encode
from aisec.data.manifest.ranges import ByteRange

ADDED = "added"
REMOVED = "removed"
MODIFIED = "modified"
RENAMED = "renamed"  # same content under a new path
MODE_CHANGED = "mode-changed"  # the executable bit
TYPE_CHANGED = "type-changed"  # e.g. a file replaced by a symlink
SYMLINK_CHANGED = "symlink-changed"  # a link now points elsewhere
CHANGE_KINDS = (ADDED, REMOVED, MODIFIED, RENAMED, MODE_CHANGED, TYPE_CHANGED, SYMLINK_CHANGED)


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    path: bytes
    detail: str = ""
    old_path: bytes | None = None  # renames
    ranges: tuple[ByteRange, ...] = ()  # modifications


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    status: str  # "unsigned" | "not-checked" | "valid" | "invalid" | "missing"
    key_id: str | None = None
    reason: str = ""

    @property
    def failed(self) -> bool:
        return self.status in ("invalid", "missing")


@dataclass(frozen=True)
class VerifyReport:
    root: str
    expected_root_hash: str
    actual_root_hash: str | None  # None when something could not be read
    checked: int  # entries of the manifest looked at
    changes: tuple[Change, ...]
    unreadable: tuple[Skipped, ...] = ()  # could not be read now
    unchecked: tuple[Skipped, ...] = ()  # could not be read when the manifest was made
    notes: tuple[str, ...] = ()
    signature: SignatureCheck = field(default_factory=lambda: SignatureCheck("unsigned"))

    @property
    def intact(self) -> bool:
        return not self.changes and not self.unreadable and not self.signature.failed

    @property
    def exit_code(self) -> int:
        """0 intact; 1 differences (or a bad signature); 3 unreadable and nothing worse."""
        if self.changes or self.signature.failed:
            return 1
        return 3 if self.unreadable else 0

    @property
    def status(self) -> str:
        return {0: "intact", 1: "changed", 3: "incomplete"}[self.exit_code]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "exit_code": self.exit_code,
            "root": self.root,
            "root_hash": {"expected": self.expected_root_hash, "actual": self.actual_root_hash},
            "checked": self.checked,
            "changes": [_change_dict(c) for c in self.changes],
            "unreadable": [{**encode(s.path), "reason": s.reason} for s in self.unreadable],
            "unchecked": [{**encode(s.path), "reason": s.reason} for s in self.unchecked],
            "notes": list(self.notes),
            "signature": {
                "status": self.signature.status,
                "key_id": self.signature.key_id,
                "reason": self.signature.reason,
            },
        }


def _change_dict(change: Change) -> dict[str, Any]:
    data: dict[str, Any] = {"change": change.kind, **encode(change.path)}
    if change.old_path is not None:
        data["from"] = encode(change.old_path)
    if change.detail:
        data["detail"] = change.detail
    if change.ranges:
        data["ranges"] = [
            {"what": r.what, "start": r.start, "end": r.end}
            | ({"lines": list(r.lines)} if r.lines else {})
            for r in change.ranges
        ]
    return data
