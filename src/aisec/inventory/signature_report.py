"""The outcome of verifying a model's signature: the subject the signature checks judge.

Kept free of model-signing imports so that the checks (and ``aisec checks list``) load
without the ``signing`` extra's half-second import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aisec.core.finding import Location


class SignatureStatus(StrEnum):
    VERIFIED = "verified"
    MISSING = "missing"  # no signature file where one was expected
    INVALID = "invalid"  # the bundle is unreadable, or fails the cryptographic check
    CONTENT_CHANGED = "content-changed"  # authentic signature, but the files differ


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file that differs from the signed manifest.

    ``name`` is the file's name in the manifest (relative to the model directory, or the
    file's own name for a single-file model); ``path`` is where it is on disk. ``digest``
    is the file's current content digest, hashed as the manifest says (empty for a file
    that is gone or could not be hashed).
    """

    name: str
    path: str
    change: Change
    detail: str = ""
    digest: str = ""

    def to_dict(self) -> dict[str, str]:
        out = {"name": self.name, "path": self.path, "change": self.change.value}
        if self.detail:
            out["detail"] = self.detail
        if self.digest:
            out["digest"] = self.digest
        return out


@dataclass(frozen=True, slots=True)
class SignatureReport:
    """What verifying one model against one signature established.

    ``location`` is the model (file or directory). ``files`` counts the files the
    signature covers; ``signer`` describes the key or certificate that signed (only
    filled in once the signature is established as authentic).
    """

    location: Location
    status: SignatureStatus
    signature: str = ""
    reason: str = ""
    method: str = ""  # "key", "certificate" or "sigstore"
    signer: dict[str, str] = field(default_factory=dict)
    changes: tuple[FileChange, ...] = ()
    files: int = 0
    notes: tuple[str, ...] = ()
    kind: str = "signature"

    @property
    def verified(self) -> bool:
        return self.status is SignatureStatus.VERIFIED

    def of_kind(self, change: Change) -> list[FileChange]:
        return [c for c in self.changes if c.change is change]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": self.location.path,
            "signature": self.signature,
            "status": self.status.value,
            "verified": self.verified,
            "method": self.method,
            "signer": dict(self.signer),
            "files": self.files,
        }
        if self.reason:
            out["reason"] = self.reason
        for change in Change:
            out[change.value] = [c.to_dict() for c in self.of_kind(change)]
        if self.notes:
            out["notes"] = list(self.notes)
        return out
