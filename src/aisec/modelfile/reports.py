"""What the model-file analysers produce and the checks read (the check *subjects*).

Analysers parse; checks judge. An analyser fills one report per pickle stream,
container or artefact, and every registered check whose ``applies_to`` names the
report's ``kind`` turns what it needs from it into findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aisec.core.finding import Location


@dataclass(slots=True)
class Anomaly:
    """Something structurally wrong or suspicious, found while parsing.

    ``kind`` is a short code that exactly one check reports, e.g. ``crc-mismatch``,
    ``name-mismatch``, ``flag-bits``, ``path-traversal``, ``link-member``,
    ``decompression-bomb``, ``unreadable-member``, ``limit``, ``malformed``,
    ``trailing-data``, ``frame-divergence``.
    """

    kind: str
    detail: str
    location: Location
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ContainerReport:
    """A container (zip, tar, 7z, a compressed stream) and what was odd about it."""

    location: Location
    format: str
    members: int = 0
    anomalies: list[Anomaly] = field(default_factory=list)
    kind: str = "container"

    def add(
        self, kind: str, detail: str, location: Location | None = None, **evidence: Any
    ) -> None:
        self.anomalies.append(Anomaly(kind, detail, location or self.location, dict(evidence)))


@dataclass(slots=True)
class ArtefactReport:
    """Format-level facts about one artefact: what it is, and problems that concern the
    artefact as a whole (unknown format, caps reached, layout inconsistencies)."""

    location: Location
    format: str
    size: int | None = None
    anomalies: list[Anomaly] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    kind: str = "artefact"

    def add(
        self, kind: str, detail: str, location: Location | None = None, **evidence: Any
    ) -> None:
        self.anomalies.append(Anomaly(kind, detail, location or self.location, dict(evidence)))
