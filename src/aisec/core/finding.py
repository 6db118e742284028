"""Findings: the frozen, renderer-independent result of a check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aisec.core.severity import Severity


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: the artefact, the chain of members inside containers, and a
    position inside the innermost stream (byte offset and length, opcode index, or a
    row/column for tabular data)."""

    path: str
    member: tuple[str, ...] = ()
    offset: int | None = None
    length: int | None = None
    opcode_index: int | None = None
    row: int | None = None
    column: str | None = None

    def inner(self, name: str) -> Location:
        """The location of a member inside this artefact."""
        return Location(self.path, (*self.member, name))

    def at(
        self, offset: int | None, length: int | None = None, opcode_index: int | None = None
    ) -> Location:
        return Location(self.path, self.member, offset, length, opcode_index, self.row, self.column)

    def display(self) -> str:
        text = self.path
        for name in self.member:
            text += f"!/{name}"
        if self.offset is not None:
            text += f"@{self.offset}"
        if self.row is not None:
            text += f":{self.row}"
        if self.column is not None:  # a column without a row: the whole column
            text += f":{self.column}"
        return text

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.member:
            out["member"] = list(self.member)
        for key in ("offset", "length", "opcode_index", "row", "column"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


def fingerprint_path(path: str) -> str:
    """``path`` as fingerprints see it: normalised, ``/``-separated, and relative to the
    working directory when it is an absolute path inside it. ``models/a.pkl``,
    ``./models/a.pkl`` and ``/ci/checkout-1/models/a.pkl`` scanned from ``/ci/checkout-1``
    are one artefact; a path outside the working directory stays absolute."""
    import os

    if os.path.isabs(path):
        try:
            cwd = os.getcwd()
            relative = os.path.relpath(path, cwd)
        except (OSError, ValueError):  # a deleted working directory; another drive
            relative = os.pardir
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            path = relative
    return os.path.normpath(path).replace(os.sep, "/") if path else path


def _freeze(evidence: Mapping[str, Any] | None) -> dict[str, Any]:
    # A plain dict copy (not a proxy) so that findings pickle across worker processes.
    return dict(evidence or {})


@dataclass(frozen=True, eq=False)
class Finding:
    check_id: str
    severity: Severity
    title: str
    message: str
    location: Location
    confidence: float = 1.0
    evidence: Mapping[str, Any] = field(default_factory=dict)
    remediation: str = ""
    refs: tuple[str, ...] = ()
    fingerprint: str = ""

    @classmethod
    def create(
        cls,
        *,
        check_id: str,
        severity: Severity,
        title: str,
        message: str,
        location: Location,
        confidence: float = 1.0,
        evidence: Mapping[str, Any] | None = None,
        remediation: str = "",
        refs: tuple[str, ...] = (),
        key: str | None = None,
    ) -> Finding:
        """Build a finding with its fingerprint.

        The fingerprint hashes the check, the artefact and member, and ``key`` (what the
        finding is about, e.g. the callable ``os.system``); it falls back to the offset,
        so a finding keeps its identity across runs while the file keeps its content. The
        artefact's path enters as :func:`fingerprint_path` sees it, so that baselines and
        suppressions written in one checkout hold in another.
        """
        import hashlib  # off the start-up path: only needed once there is a finding

        ident = key if key is not None else str(location.offset)
        path = fingerprint_path(location.path)
        raw = "\x1f".join((check_id, path, "\x1e".join(location.member), ident))
        fingerprint = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return cls(
            check_id=check_id,
            severity=severity,
            title=title,
            message=message,
            location=location,
            confidence=confidence,
            evidence=_freeze(evidence),
            remediation=remediation,
            refs=refs,
            fingerprint=fingerprint,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self.fingerprint, self.location.offset))

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "severity": self.severity.label,
            "confidence": self.confidence,
            "title": self.title,
            "message": self.message,
            "location": self.location.to_dict(),
            "evidence": dict(self.evidence),
            "remediation": self.remediation,
            "refs": list(self.refs),
            "fingerprint": self.fingerprint,
        }
