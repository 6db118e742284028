"""The records of control coverage: what goes in (check runs, and the evidence and
assessment shapes the engine reads) and what comes out (items with status and sources,
totals per framework). The rules are in :mod:`aisec.governance.coverage`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

STATUSES = ("evidenced", "expiring", "expired", "failing", "gap")
# Statuses under which the requirement counts as covered today (expiring is still valid).
COVERED = ("evidenced", "expiring")


class EvidenceLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def refs(self) -> Sequence[str]: ...
    @property
    def valid_until(self) -> date | None: ...


class AssessmentLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def as_of(self) -> date | None: ...


@dataclass(frozen=True, slots=True)
class CheckRun:
    """One run in which a check was judged: passed, or found something (``failed``).

    ``subject`` is what the run judged when that is not everything the system is (the scan
    targets a scan is the latest of): runs of different subjects are all current, while of
    the runs of one subject only the newest day's count."""

    run_id: str
    day: date | None
    passed: bool
    detail: str = ""
    subject: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    kind: str  # "check", "evidence" or "assessment"
    id: str  # the run, evidence or assessment id
    name: str  # the check id, evidence title or assessment kind
    state: str  # passed/failed, valid/expiring/expired, or the assessment's status
    day: date | None = None  # the run's day, evidence's last valid day, assessment's as-of
    detail: str = ""
    # "crosswalk" when a check reaches the item only through a related ref: weaker, and
    # shown so that a reader can tell a test of the threat from a test next to it.
    via: str = "direct"

    def to_dict(self) -> dict[str, Any]:
        out = {"kind": self.kind, "id": self.id, "name": self.name, "state": self.state,
               "date": self.day.isoformat() if self.day else None, "via": self.via}  # fmt: skip
        return out | ({"detail": self.detail} if self.detail else {})


@dataclass(frozen=True, slots=True)
class ItemCoverage:
    ref: str
    kind: str
    title: str
    status: str
    sources: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "kind": self.kind, "title": self.title,
                "status": self.status, "sources": [s.to_dict() for s in self.sources]}  # fmt: skip


@dataclass(frozen=True)
class Coverage:
    framework: str
    title: str
    today: date
    items: tuple[ItemCoverage, ...]
    not_applicable: int = 0  # requirement items the ``applicable`` set left out
    scoped: bool = False  # whether an ``applicable`` set was given
    totals: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        counts = Counter(i.status for i in self.items)
        object.__setattr__(self, "totals", {s: counts.get(s, 0) for s in STATUSES})

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def covered(self) -> int:
        return sum(self.totals[s] for s in COVERED)

    @property
    def percent(self) -> float | None:
        """Covered items as a share of the applicable ones; None when none apply."""
        return round(100 * self.covered / self.total, 1) if self.items else None

    def with_status(self, *statuses: str) -> list[ItemCoverage]:
        return [i for i in self.items if i.status in statuses]

    def to_dict(self) -> dict[str, Any]:
        return {"framework": self.framework, "title": self.title,
                "today": self.today.isoformat(), "total": self.total,
                "covered": self.covered, "percent": self.percent, "totals": dict(self.totals),
                "not_applicable": self.not_applicable, "scoped": self.scoped,
                "items": [i.to_dict() for i in self.items]}  # fmt: skip
